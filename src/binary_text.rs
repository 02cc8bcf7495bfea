//! How KV holds a value: exactly its bytes (a MessagePack envelope, a codec's output), so any
//! other reader of the namespace gets them as written. The one exception is bytes that start
//! with NUL, which marks the form edgepile 0.1 wrote every binary value in, *binary-safe text*:
//! the NUL, then each byte as one character U+0000–U+00FF (a byte below 0x80 stays one byte,
//! others take two). Entries in that form still read; bytes that start with NUL themselves
//! (never an envelope, JSON or gzip) are written in it, so the two cannot be confused. Same rule
//! as `src/js/backends/kv.js`, so JS and Rust Workers share a namespace.

use std::borrow::Cow;

const MARK: u8 = 0;

pub fn wrap(bytes: &[u8]) -> Vec<u8> {
    let high = bytes.iter().filter(|b| **b >= 0x80).count();
    let mut out = Vec::with_capacity(1 + bytes.len() + high);
    out.push(MARK);
    for &b in bytes {
        if b < 0x80 {
            out.push(b);
        } else {
            out.push(0xc0 | (b >> 6));
            out.push(0x80 | (b & 0x3f));
        }
    }
    out
}

/// What KV holds for `bytes`: themselves, unless they start with the NUL marker.
pub fn for_kv(bytes: &[u8]) -> Cow<'_, [u8]> {
    match bytes.first() {
        Some(&MARK) => Cow::Owned(wrap(bytes)),
        _ => Cow::Borrowed(bytes),
    }
}

/// The bytes KV holds under a key, as they were written: binary-safe text unwrapped; `None`
/// for a NUL-marked value that is not binary-safe text (a broken one).
pub fn from_kv(stored: &[u8]) -> Option<Cow<'_, [u8]>> {
    match stored.first() {
        Some(&MARK) => unwrap(stored).map(Cow::Owned),
        _ => Some(Cow::Borrowed(stored)),
    }
}

/// The bytes in a stored value, or `None` if it is not wrapped binary.
pub fn unwrap(stored: &[u8]) -> Option<Vec<u8>> {
    let (&first, rest) = stored.split_first()?;
    if first != MARK {
        return None;
    }
    let mut out = Vec::with_capacity(rest.len());
    let mut it = rest.iter();
    while let Some(&b) = it.next() {
        if b < 0x80 {
            out.push(b);
        } else if b == 0xc2 || b == 0xc3 {
            // A continuation byte, as in the UTF-8 `wrap` writes; anything else is not ours.
            let next = it.next().filter(|n| (0x80..=0xbf).contains(*n))?;
            out.push(((b & 0x03) << 6) | (next & 0x3f));
        } else {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_without_its_continuation_byte_is_not_wrapped_binary() {
        assert_eq!(unwrap(&[MARK, 0xc3, 0x41]), None);
        assert_eq!(unwrap(&[MARK, 0xc2]), None);
        assert_eq!(unwrap(&[MARK, 0xc3, 0x81]), Some(vec![0xc1]));
    }

    #[test]
    fn round_trips_every_byte() {
        let all: Vec<u8> = (0..=255).collect();
        let wrapped = wrap(&all);
        assert!(std::str::from_utf8(&wrapped).is_ok(), "valid UTF-8");
        assert_eq!(unwrap(&wrapped), Some(all));
        assert_eq!(wrapped.len(), 1 + 128 + 2 * 128);
    }

    #[test]
    fn kv_holds_the_bytes_unless_they_start_with_the_marker() {
        let envelope = [0x92, 0xa2, b'h', b'i', 0x92, 0x01, 0x01];
        assert_eq!(for_kv(&envelope), Cow::Borrowed(&envelope[..]));
        assert_eq!(from_kv(&envelope), Some(Cow::Borrowed(&envelope[..])));
        let marked = [0, 0xff, 1];
        assert_eq!(for_kv(&marked).as_ref(), wrap(&marked).as_slice());
        assert_eq!(from_kv(&for_kv(&marked)).as_deref(), Some(&marked[..]));
        // what edgepile 0.1 wrote for the envelope above
        assert_eq!(from_kv(&wrap(&envelope)).as_deref(), Some(&envelope[..]));
        assert_eq!(from_kv(&[0, 0xe2, 0x98, 0x83]), None);
    }

    #[test]
    fn foreign_values_are_not_binary() {
        assert_eq!(unwrap(br#"{"json":1}"#), None);
        assert_eq!(unwrap(&[]), None);
        assert_eq!(unwrap(&[0, 0xe2, 0x98, 0x83]), None); // a character above U+00FF
        assert_eq!(unwrap(&[0, 0xc3]), None); // truncated
    }
}
