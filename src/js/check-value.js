// checkValue and migrate: what a region does with a value read from a shared backend before
// serving it. Normalized here into one function the core calls (src/bindings/callbacks.rs
// `value_check`), which answers `undefined` (serve it), NO_VALUE (a miss: regenerated under the
// lock and overwritten) or `[replacement, store]`, or a promise of one of those.
//
// checkValue is a function `(value) => true | false | string` (or a promise of one; anything but
// `true`, or a throw, fails), or a schema, duck-typed so no validation library is a dependency:
// Standard Schema (`schema["~standard"].validate`: zod ≥ 3.24, valibot ≥ 1, arktype ≥ 2),
// `safeParse` (zod), or `parse` (throws on failure). A schema's output is what is served.
// migrate is `(value) => newValue` (or a promise): a new value is checked, stored in place of the
// old one and served; `undefined` or the same value keeps the old one; NO_VALUE makes it a miss.
import { ValidationError } from "./errors.js";
import { NO_VALUE } from "./no-value.js";
import { checkFunction, describe } from "./options.js";
import { checkStorable } from "./storable.js";

const FAIL = Symbol("fail");
const KEEP = Symbol("keep");

const isThenable = (v) => v !== null && (typeof v === "object" || typeof v === "function") && typeof v.then === "function";

/** `f(x)`, after `x` settles when it is a promise; a throw or rejection becomes `onError(e)`. */
function then(x, f, onError) {
  if (isThenable(x)) return Promise.resolve(x).then(f, onError);
  return f(x);
}

/** `(value) => FAIL | KEEP | [output]` (or a promise of it) for a checkValue option. */
export function validator(checkValue) {
  const fail = () => FAIL;
  const attempt = (run) => (v) => {
    try {
      return then(run(v), (r) => r, fail);
    } catch {
      return FAIL;
    }
  };
  const standard = checkValue?.["~standard"];
  if (standard !== null && typeof standard === "object" && typeof standard.validate === "function") {
    return attempt((v) => then(standard.validate(v), (r) => (r.issues ? FAIL : [r.value])));
  }
  if (typeof checkValue?.safeParse === "function") {
    return attempt((v) => {
      const r = checkValue.safeParse(v);
      return r?.success ? [r.data] : FAIL;
    });
  }
  if (typeof checkValue?.parse === "function") return attempt((v) => [checkValue.parse(v)]);
  if (typeof checkValue === "function") return attempt((v) => then(checkValue(v), (r) => (r === true ? KEEP : FAIL)));
  throw new ValidationError(`checkValue must be a function or a schema (Standard Schema, safeParse or parse), got ${describe(checkValue)}`);
}

/** The core's value check for these options, or undefined when there is nothing to check. */
export function valueCheck(checkValue, migrate) {
  if (checkValue === undefined && migrate === undefined) return undefined;
  const validate = checkValue === undefined ? undefined : validator(checkValue);
  if (migrate !== undefined) checkFunction(migrate, "migrate");
  return (stored) => {
    const checked = (value, store) => {
      if (validate === undefined) return store ? [value, true] : undefined;
      return then(validate(value), (r) => {
        if (r === FAIL) return NO_VALUE;
        if (r === KEEP || r[0] === value) return store ? [value, true] : undefined;
        if (store) checkStorable(r[0]);
        return [r[0], store];
      });
    };
    if (migrate === undefined) return checked(stored, false);
    return then(migrate(stored), (m) => {
      if (m === NO_VALUE) return NO_VALUE;
      if (m === undefined || m === stored) return checked(stored, false);
      return checked(checkStorable(m), true);
    });
  };
}

/** Checks a region's valueVersion: an integer 0 … 2³²−1 (0, the default, is "none"). */
export function checkValueVersion(v) {
  if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) {
    throw new ValidationError(`valueVersion must be an integer from 0 to 4294967295, got ${describe(v)}`);
  }
  return v;
}
