//! Bytes as UTF-8 text, losslessly, in the form edgepile's KV backends store binary values:
//! a NUL marker, then each byte as one character U+0000–U+00FF (a byte below 0x80 stays one
//! byte, others take two). KV's bulk read returns only text; this keeps bulk reads possible at
//! a fraction of base64's cost, since MessagePack is mostly ASCII. Same format as
//! `src/js/backends/binary-text.js`, so JS and Rust Workers share a namespace.

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
            let next = it.next()?;
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
    fn round_trips_every_byte() {
        let all: Vec<u8> = (0..=255).collect();
        let wrapped = wrap(&all);
        assert!(std::str::from_utf8(&wrapped).is_ok(), "valid UTF-8");
        assert_eq!(unwrap(&wrapped), Some(all));
        assert_eq!(wrapped.len(), 1 + 128 + 2 * 128);
    }

    #[test]
    fn foreign_values_are_not_binary() {
        assert_eq!(unwrap(br#"{"json":1}"#), None);
        assert_eq!(unwrap(&[]), None);
        assert_eq!(unwrap(&[0, 0xe2, 0x98, 0x83]), None); // a character above U+00FF
        assert_eq!(unwrap(&[0, 0xc3]), None); // truncated
    }
}
