// Creators as the core calls them: their results checked as storable before anything is stored
// (a multi creator may leave a key out with NO_VALUE, which is not cached).
import { ValidationError } from "./errors.js";
import { NO_VALUE } from "./no-value.js";
import { describe } from "./options.js";
import { checkStorable } from "./storable.js";

function isThenable(v) {
  return v !== null && (typeof v === "object" || typeof v === "function") && typeof v.then === "function";
}

/** NO_VALUE passes: a multi creator may leave a key without a value (not cached). */
const checkItem = (v) => (v === NO_VALUE ? v : checkStorable(v));
export const notNoValue = (v) => v !== NO_VALUE;

/** A creator whose result is checked before the core may store it. */
export function storableCreator(creator, args) {
  return () => {
    const out = args === undefined ? creator() : creator(...args);
    return isThenable(out) ? Promise.resolve(out).then(checkStorable) : checkStorable(out);
  };
}

export function storableMultiCreator(creator) {
  const check = (values) => {
    if (!Array.isArray(values)) {
      throw new ValidationError(`a multi creator must return an array of values, got ${describe(values)}`);
    }
    values.forEach(checkItem);
    return values;
  };
  return (...keys) => {
    const out = creator(...keys);
    return isThenable(out) ? Promise.resolve(out).then(check) : check(out);
  };
}
