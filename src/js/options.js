// Checking what callers pass, so bad input becomes a ValidationError before anything is stored.
import { ValidationError } from "./errors.js";

/** Throws unless `key` is a well-formed string (lone surrogates would collide once encoded). */
export function checkKey(key) {
  if (typeof key !== "string") {
    throw new ValidationError(`cache keys must be strings, got ${describe(key)}`);
  }
  if (!key.isWellFormed()) {
    throw new ValidationError("cache keys must be well-formed UTF-16 (this one has a lone surrogate)");
  }
  return key;
}

export function checkKeys(keys) {
  if (!Array.isArray(keys)) throw new ValidationError(`expected an array of keys, got ${describe(keys)}`);
  for (const k of keys) checkKey(k);
  return keys;
}

export function checkFunction(f, what) {
  if (typeof f !== "function") throw new ValidationError(`${what} must be a function, got ${describe(f)}`);
  return f;
}

/**
 * Seconds as the core takes them: a number ≥ 0, or -1 for "never expires".
 * `expirationTime` may also be a function returning such a number, evaluated per call.
 */
export function seconds(value, what = "expirationTime") {
  const n = typeof value === "function" ? value() : value;
  if (typeof n !== "number" || Number.isNaN(n) || n === Infinity || (n < 0 && n !== -1)) {
    throw new ValidationError(`${what} must be a number of seconds ≥ 0 or -1 (never), got ${describe(n)}`);
  }
  return n;
}

export function describe(v) {
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return `${typeof v} ${String(v)}`;
  if (typeof v === "function") return "a function";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? `an object (${v.constructor?.name ?? "null prototype"})` : typeof v;
}

/** Throws unless `options` is undefined or an object with only `allowed` keys (catches `expiration_time`). */
export function checkOptions(options, allowed, where) {
  if (options === undefined) return {};
  if (options === null || typeof options !== "object") {
    throw new ValidationError(`${where} options must be an object, got ${describe(options)}`);
  }
  for (const k of Object.keys(options)) {
    if (!allowed.includes(k)) {
      throw new ValidationError(`${where} has no option ${JSON.stringify(k)}; it takes ${allowed.join(", ")}`);
    }
  }
  return options;
}
