// How KV holds a value: exactly its bytes, except bytes that start with NUL, which mark the
// binary-safe text edgepile 0.1 stored every binary value as (a NUL, then each byte as one
// character). The rule lives in Rust (src/binary_text.rs, shared with Rust Workers); this module
// keeps the common case, bytes that do not start with NUL, from crossing into wasm at all.
import { unwrapBinary, wrapBinary } from "../../../pkg/edgepile.js";

/** What KV is to hold for `bytes` (a Uint8Array). */
export function forKv(bytes) {
  return bytes.length > 0 && bytes[0] === 0 ? wrapBinary(bytes) : bytes;
}

/**
 * The bytes written, from what KV holds: binary-safe text unwrapped. A NUL-marked value that is
 * not binary-safe text is returned as it is, and reads as a miss further up.
 */
export function fromKv(stored) {
  return stored.length > 0 && stored[0] === 0 ? (unwrapBinary(stored) ?? stored) : stored;
}
