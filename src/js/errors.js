// Every error edgepile raises is an EdgepileError subclass whose `name` says its kind, so
// callers can branch on `err.name` or `instanceof`. A creator's own error is never wrapped:
// callers get exactly what their creator threw.

export class EdgepileError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "EdgepileError";
  }
}

function kind(name) {
  const cls = class extends EdgepileError {
    constructor(message, options) {
      super(message, options);
      this.name = name;
    }
  };
  Object.defineProperty(cls, "name", { value: name });
  return cls;
}

/** The region was used before `configure()`. */
export const RegionNotConfigured = kind("RegionNotConfigured");
/** `configure()` was called on a region that already has a backend. */
export const RegionAlreadyConfigured = kind("RegionAlreadyConfigured");
/** Bad input: a key, a value, an option. Nothing was stored. */
export const ValidationError = kind("ValidationError");
/** The backend failed; `cause` holds the original error. */
export const BackendError = kind("BackendError");
/** Waiting for another caller's creation took longer than `lockTimeout`. */
export const LockTimeout = kind("LockTimeout");
/** A creation took longer than `creatorTimeout`. */
export const TimeoutError = kind("TimeoutError");

const byName = { RegionNotConfigured, RegionAlreadyConfigured, ValidationError, BackendError, LockTimeout, TimeoutError };

/** Used by the wasm core to raise the right class. */
export function makeError(name, message, cause) {
  const Cls = byName[name] ?? EdgepileError;
  return cause === undefined ? new Cls(message) : new Cls(message, { cause });
}
