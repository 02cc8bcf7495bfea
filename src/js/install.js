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

// How the core awaits a promise: one call into JS and one back (src/bindings/promises.rs).
function awaitInto(promise, id) {
  promise.then(
    (value) => settled(id, value, true),
    (error) => settled(id, error, false),
  );
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
