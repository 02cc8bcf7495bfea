// Bytes as UTF-8 text, losslessly: KV's bulk read returns only text, so binary values are
// stored as a NUL marker followed by each byte as one character (U+0000–U+00FF; below 0x80 a
// byte stays a byte, above it takes two). MessagePack is mostly ASCII, so this costs far less
// than base64's third.
import { ValidationError } from "../errors.js";

const MARK = 0;

export function wrapBinary(bytes) {
  let high = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80) high++;
  const out = new Uint8Array(1 + bytes.length + high);
  out[0] = MARK;
  let j = 1;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b < 0x80) out[j++] = b;
    else {
      out[j++] = 0xc0 | (b >> 6);
      out[j++] = 0x80 | (b & 0x3f);
    }
  }
  return out;
}

/** The bytes in a stored UTF-8 buffer, or undefined if it is not wrapped binary. */
export function unwrapBinary(stored) {
  if (stored.length === 0 || stored[0] !== MARK) return undefined;
  const out = new Uint8Array(stored.length - 1);
  let j = 0;
  for (let i = 1; i < stored.length; i++) {
    const b = stored[i];
    if (b < 0x80) out[j++] = b;
    else if ((b === 0xc2 || b === 0xc3) && i + 1 < stored.length) out[j++] = ((b & 0x03) << 6) | (stored[++i] & 0x3f);
    else return undefined; // a character above U+00FF: not ours
  }
  return out.subarray(0, j);
}

/** The same from text (KV's bulk read). */
export function unwrapBinaryText(text) {
  if (text.length === 0 || text.charCodeAt(0) !== MARK) return undefined;
  const out = new Uint8Array(text.length - 1);
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) return undefined;
    out[i - 1] = c;
  }
  return out;
}

/** Text items from codec proxies are stored as they are; they must not look like wrapped binary. */
export function checkText(text) {
  if (text.length > 0 && text.charCodeAt(0) === MARK) {
    throw new ValidationError("stored text may not start with U+0000 (it marks binary values)");
  }
  return text;
}
