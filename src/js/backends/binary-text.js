// Bytes as UTF-8 text, losslessly: KV's bulk read returns only text, so binary values are stored
// as a NUL marker followed by each byte as one character. The format lives in Rust
// (src/binary_text.rs, shared with Rust Workers); this module only keeps text that is not ours
// from crossing into wasm, and keeps our text from looking like binary.
import { unwrapBinary as unwrapBytes, unwrapBinaryText as unwrapText, wrapBinary } from "../../../pkg/edgepile.js";
import { ValidationError } from "../errors.js";

export { wrapBinary };

/** The bytes in a stored UTF-8 buffer, or undefined if it is not wrapped binary. */
export function unwrapBinary(stored) {
  return stored.length > 0 && stored[0] === 0 ? unwrapBytes(stored) : undefined;
}

/** The same from text (KV's bulk read). */
export function unwrapBinaryText(text) {
  return text.length > 0 && text.charCodeAt(0) === 0 ? unwrapText(text) : undefined;
}

/** Text items from codec proxies are stored as they are; they must not look like wrapped binary. */
export function checkText(text) {
  if (text.length > 0 && text.charCodeAt(0) === 0) {
    throw new ValidationError("stored text may not start with U+0000 (it marks binary values)");
  }
  return text;
}
