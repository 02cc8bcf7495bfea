// What the wasm module needs from the JS layer before its first use (NO_VALUE, the error and
// CachedValue factories, so instanceof works with the classes users import), and the envelope
// functions that need it installed.
import {
  install,
  valueVersion as readValueVersion,
  decodeCachedValue as decodeEnvelope,
  encodeCachedValue as encodeEnvelope,
  settled,
} from "../../pkg/edgepile.js";
import { makeCachedValue } from "./cached-value.js";
import { makeError } from "./errors.js";
import { NO_VALUE } from "./no-value.js";

let installed = false;

// How the core awaits a value that may be a promise or another thenable: one call into JS and,
// for those, one back when it settles (src/bindings/promises.rs). Returns whether it waits.
function awaitInto(value, id) {
  if (!(value instanceof Promise)) {
    if (value === null || typeof value !== "object") return false;
    let then;
    try {
      then = value.then;
    } catch {
      // A throwing \`then\` getter: not a thenable, a plain value.
      return false;
    }
    if (typeof then !== "function") return false;
    value = Promise.resolve(value);
  }
  value.then(
    (result) => settled(id, result, true),
    (error) => settled(id, error, false),
  );
  return true;
}
let version = NaN;

export function installOnce() {
  if (!installed) {
    install(NO_VALUE, makeError, makeCachedValue, awaitInto);
    version = readValueVersion();
    installed = true;
  }
}

/** The envelope version this build writes (entries of another read as missing). */
export function valueVersion() {
  installOnce();
  return version;
}

/** A CachedValue as edgepile's MessagePack envelope: `[payload, [ct, v]]` (`[ct, v, [tags]]` when tagged). */
export function encodeCachedValue(value) {
  installOnce();
  return encodeEnvelope(value);
}

/** The CachedValue in envelope bytes; a BackendError for anything else. */
export function decodeCachedValue(bytes) {
  installOnce();
  return decodeEnvelope(bytes);
}
