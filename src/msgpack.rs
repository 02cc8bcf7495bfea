//! MessagePack, the little the JS codec needs: a pull reader over a byte slice (one token at a
//! time, nothing allocated, every length checked against the bytes that are there) and a writer
//! into a `Vec` (infallible, each item in its shortest form). The JS codec builds JS values
//! straight from the tokens and writes them straight from JS values: no intermediate tree and
//! no generic encoder, which kept the .wasm 5 KB smaller (gzipped) than rmpv and rmp did. Being
//! plain Rust, both are tested and fuzzed natively (tests/fuzz.rs). Hostile input is `None`,
//! never a panic.

use crate::api::{Metadata, Tags};

/// One MessagePack item; containers give their length and their items follow.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Token<'a> {
    Nil,
    Bool(bool),
    /// Integers that fit an `i64`.
    Int(i64),
    /// Integers above `i64::MAX`.
    Uint(u64),
    F32(f32),
    F64(f64),
    /// A string's bytes (UTF-8 is for the caller to check).
    Str(&'a [u8]),
    Bin(&'a [u8]),
    Array(u32),
    Map(u32),
    Ext(i8, &'a [u8]),
}

pub struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { rest: bytes }
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.rest.len()
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.rest.len() {
            return None;
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Some(head)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    fn len(&mut self, bytes: usize) -> Option<usize> {
        Some(match bytes {
            1 => usize::from(self.array::<1>()?[0]),
            2 => usize::from(u16::from_be_bytes(self.array()?)),
            _ => usize::try_from(u32::from_be_bytes(self.array()?)).ok()?,
        })
    }

    /// The next token; `None` at the end of the bytes or on a malformed one.
    pub fn token(&mut self) -> Option<Token<'a>> {
        let m = self.array::<1>()?[0];
        Some(match m {
            0x00..=0x7f => Token::Int(i64::from(m)),
            0x80..=0x8f => Token::Map(u32::from(m & 0x0f)),
            0x90..=0x9f => Token::Array(u32::from(m & 0x0f)),
            0xa0..=0xbf => Token::Str(self.take(usize::from(m & 0x1f))?),
            0xc0 => Token::Nil,
            0xc2 => Token::Bool(false),
            0xc3 => Token::Bool(true),
            0xc4..=0xc6 => {
                let n = self.len(1 << (m - 0xc4))?;
                Token::Bin(self.take(n)?)
            }
            0xc7..=0xc9 => {
                let n = self.len(1 << (m - 0xc7))?;
                let ty = self.array::<1>()?[0] as i8;
                Token::Ext(ty, self.take(n)?)
            }
            0xca => Token::F32(f32::from_be_bytes(self.array()?)),
            0xcb => Token::F64(f64::from_be_bytes(self.array()?)),
            0xcc => Token::Int(i64::from(self.array::<1>()?[0])),
            0xcd => Token::Int(i64::from(u16::from_be_bytes(self.array()?))),
            0xce => Token::Int(i64::from(u32::from_be_bytes(self.array()?))),
            0xcf => {
                let n = u64::from_be_bytes(self.array()?);
                i64::try_from(n).map_or(Token::Uint(n), Token::Int)
            }
            0xd0 => Token::Int(i64::from(self.array::<1>()?[0] as i8)),
            0xd1 => Token::Int(i64::from(i16::from_be_bytes(self.array()?))),
            0xd2 => Token::Int(i64::from(i32::from_be_bytes(self.array()?))),
            0xd3 => Token::Int(i64::from_be_bytes(self.array()?)),
            0xd4..=0xd8 => {
                let ty = self.array::<1>()?[0] as i8;
                Token::Ext(ty, self.take(1 << (m - 0xd4))?)
            }
            0xd9..=0xdb => {
                let n = self.len(1 << (m - 0xd9))?;
                Token::Str(self.take(n)?)
            }
            0xdc | 0xdd => Token::Array(u32::try_from(self.len(if m == 0xdc { 2 } else { 4 })?).ok()?),
            0xde | 0xdf => Token::Map(u32::try_from(self.len(if m == 0xde { 2 } else { 4 })?).ok()?),
            0xe0..=0xff => Token::Int(i64::from(m as i8)),
            0xc1 => return None, // never used
        })
    }

    /// Reads past one whole value, at most `depth` levels deep.
    pub fn skip(&mut self, depth: usize) -> Option<()> {
        let depth = depth.checked_sub(1)?;
        let items = match self.token()? {
            Token::Array(n) => u64::from(n),
            Token::Map(n) => 2 * u64::from(n),
            _ => 0,
        };
        (0..items).try_for_each(|_| self.skip(depth))
    }

    /// A number as an `f64` (a creation time).
    fn number(&mut self) -> Option<f64> {
        match self.token()? {
            Token::F64(f) => Some(f),
            Token::F32(f) => Some(f64::from(f)),
            Token::Int(i) => Some(i as f64),
            Token::Uint(u) => Some(u as f64),
            _ => None,
        }
    }

    /// A version: an integer that fits a `u32`.
    fn version(&mut self) -> Option<u32> {
        match self.token()? {
            Token::Int(i) => u32::try_from(i).ok(),
            _ => None,
        }
    }

    /// Tags: an array of strings, or nil for none.
    fn tags(&mut self) -> Option<Tags> {
        let n = match self.token()? {
            Token::Nil => return Some(None),
            Token::Array(n) if n as usize <= self.remaining() => n,
            _ => return None,
        };
        let tags: Option<Vec<String>> = (0..n)
            .map(|_| match self.token()? {
                Token::Str(s) => std::str::from_utf8(s).ok().map(str::to_owned),
                _ => None,
            })
            .collect();
        Some(Some(tags?.into()))
    }

    /// An envelope's metadata and tags: `[ct, v]`, `[ct, v, [tags]]`, `[ct, v, [tags] or nil,
    /// valueVersion]`, or the named form `{"ct": …, "v": …, "valueVersion": …}` (other keys
    /// skipped).
    pub fn metadata(&mut self) -> Option<(Metadata, Tags)> {
        self.metadata_timed().map(|(m, tags, _)| (m, tags))
    }

    /// [`Self::metadata`], with the creation's duration δ when the envelope records it (a fifth
    /// element, see `codec.rs`).
    pub fn metadata_timed(&mut self) -> Option<(Metadata, Tags, Option<f64>)> {
        match self.token()? {
            Token::Array(n @ 2..=5) => {
                let (ct, v) = (self.number()?, self.version()?);
                let tags = if n >= 3 { self.tags()? } else { None };
                let value_version = if n >= 4 { self.version()? } else { 0 };
                let duration = if n == 5 { Some(self.number()?).filter(|d| *d > 0.0) } else { None };
                Some((Metadata { ct, v, value_version }, tags, duration))
            }
            Token::Map(n) => {
                let (mut ct, mut v, mut value_version) = (None, None, Some(0));
                for _ in 0..n {
                    match self.token()? {
                        Token::Str(b"ct") => ct = self.number(),
                        Token::Str(b"v") => v = self.version(),
                        Token::Str(b"valueVersion") => value_version = self.version(),
                        Token::Str(_) => self.skip(crate::codec::MAX_DEPTH)?,
                        _ => return None,
                    }
                }
                Some((Metadata { ct: ct?, v: v?, value_version: value_version? }, None, None))
            }
            _ => None,
        }
    }
}

/// Writes MessagePack into a `Vec`: each item in its shortest form.
pub mod write {
    fn head(out: &mut Vec<u8>, marker: u8, tail: &[u8]) {
        out.push(marker);
        out.extend_from_slice(tail);
    }

    /// A length with its three markers (8, 16 or 32 bits); callers check lengths fit a u32.
    fn sized(out: &mut Vec<u8>, markers: [u8; 3], n: u32) {
        match (u8::try_from(n), u16::try_from(n)) {
            (Ok(n), _) => head(out, markers[0], &[n]),
            (_, Ok(n)) => head(out, markers[1], &n.to_be_bytes()),
            _ => head(out, markers[2], &n.to_be_bytes()),
        }
    }

    pub fn nil(out: &mut Vec<u8>) {
        out.push(0xc0);
    }

    pub fn bool(out: &mut Vec<u8>, b: bool) {
        out.push(if b { 0xc3 } else { 0xc2 });
    }

    pub fn int(out: &mut Vec<u8>, n: i64) {
        if n >= 0 {
            return uint(out, n as u64);
        }
        if n >= -32 {
            out.push(n as u8);
        } else if let Ok(n) = i8::try_from(n) {
            head(out, 0xd0, &n.to_be_bytes());
        } else if let Ok(n) = i16::try_from(n) {
            head(out, 0xd1, &n.to_be_bytes());
        } else if let Ok(n) = i32::try_from(n) {
            head(out, 0xd2, &n.to_be_bytes());
        } else {
            head(out, 0xd3, &n.to_be_bytes());
        }
    }

    pub fn uint(out: &mut Vec<u8>, n: u64) {
        if n < 0x80 {
            out.push(n as u8);
        } else if let Ok(n) = u8::try_from(n) {
            head(out, 0xcc, &[n]);
        } else if let Ok(n) = u16::try_from(n) {
            head(out, 0xcd, &n.to_be_bytes());
        } else if let Ok(n) = u32::try_from(n) {
            head(out, 0xce, &n.to_be_bytes());
        } else {
            head(out, 0xcf, &n.to_be_bytes());
        }
    }

    pub fn f64(out: &mut Vec<u8>, f: f64) {
        head(out, 0xcb, &f.to_be_bytes());
    }

    pub fn f32(out: &mut Vec<u8>, f: f32) {
        head(out, 0xca, &f.to_be_bytes());
    }

    /// A string; `None` past 4 GiB.
    pub fn str(out: &mut Vec<u8>, s: &str) -> Option<()> {
        let n = u32::try_from(s.len()).ok()?;
        match n {
            0..=31 => out.push(0xa0 | n as u8),
            _ => sized(out, [0xd9, 0xda, 0xdb], n),
        }
        out.extend_from_slice(s.as_bytes());
        Some(())
    }

    /// Bytes; `None` past 4 GiB.
    pub fn bin(out: &mut Vec<u8>, b: &[u8]) -> Option<()> {
        sized(out, [0xc4, 0xc5, 0xc6], u32::try_from(b.len()).ok()?);
        out.extend_from_slice(b);
        Some(())
    }

    /// An array's or a map's length: `fixed` | n up to 15, else 16 or 32 bits.
    fn container(out: &mut Vec<u8>, fixed: u8, [m16, m32]: [u8; 2], n: u32) {
        match u16::try_from(n) {
            Ok(short @ 0..=15) => out.push(fixed | short as u8),
            Ok(short) => head(out, m16, &short.to_be_bytes()),
            Err(_) => head(out, m32, &n.to_be_bytes()),
        }
    }

    pub fn array_len(out: &mut Vec<u8>, n: u32) {
        container(out, 0x90, [0xdc, 0xdd], n);
    }

    pub fn map_len(out: &mut Vec<u8>, n: u32) {
        container(out, 0x80, [0xde, 0xdf], n);
    }

    /// An extension; `None` past 4 GiB of data.
    pub fn ext(out: &mut Vec<u8>, ty: i8, data: &[u8]) -> Option<()> {
        let n = u32::try_from(data.len()).ok()?;
        let fixed = match n {
            1 => Some(0xd4),
            2 => Some(0xd5),
            4 => Some(0xd6),
            8 => Some(0xd7),
            16 => Some(0xd8),
            _ => None,
        };
        match fixed {
            Some(marker) => out.push(marker),
            None => sized(out, [0xc7, 0xc8, 0xc9], n),
        }
        out.push(ty as u8);
        out.extend_from_slice(data);
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_kind_of_token() {
        let mut bytes = Vec::new();
        rmp::encode::write_array_len(&mut bytes, 9).ok();
        rmp::encode::write_nil(&mut bytes).ok();
        rmp::encode::write_bool(&mut bytes, true).ok();
        rmp::encode::write_sint(&mut bytes, -300).ok();
        rmp::encode::write_uint(&mut bytes, u64::MAX).ok();
        rmp::encode::write_f32(&mut bytes, 1.5).ok();
        rmp::encode::write_str(&mut bytes, &"x".repeat(40)).ok();
        rmp::encode::write_bin(&mut bytes, &[1, 2, 3]).ok();
        rmp::encode::write_map_len(&mut bytes, 70_000).ok();
        rmp::encode::write_ext_meta(&mut bytes, 8, -1).ok();
        bytes.extend_from_slice(&[0; 8]);
        let mut r = Reader::new(&bytes);
        let x40 = "x".repeat(40);
        let expected = [
            Token::Array(9),
            Token::Nil,
            Token::Bool(true),
            Token::Int(-300),
            Token::Uint(u64::MAX),
            Token::F32(1.5),
            Token::Str(x40.as_bytes()),
            Token::Bin(&[1, 2, 3]),
            Token::Map(70_000),
            Token::Ext(-1, &[0; 8]),
        ];
        for t in expected {
            assert_eq!(r.token(), Some(t));
        }
        assert_eq!(r.token(), None);
    }

    #[test]
    fn writes_what_rmp_writes() {
        let ints = [
            0i64,
            1,
            127,
            128,
            255,
            256,
            65_535,
            65_536,
            -1,
            -32,
            -33,
            -128,
            -129,
            -32_768,
            -32_769,
            i64::MIN,
            i64::MAX,
        ];
        for n in ints {
            let (mut ours, mut theirs) = (Vec::new(), Vec::new());
            write::int(&mut ours, n);
            rmp::encode::write_sint(&mut theirs, n).ok();
            assert_eq!(ours, theirs, "{n}");
        }
        for len in [0usize, 1, 15, 16, 31, 32, 255, 256, 65_535, 65_536] {
            let s = "a".repeat(len);
            let (mut ours, mut theirs) = (Vec::new(), Vec::new());
            write::str(&mut ours, &s);
            write::bin(&mut ours, s.as_bytes());
            write::array_len(&mut ours, len as u32);
            write::map_len(&mut ours, len as u32);
            write::ext(&mut ours, 5, s.as_bytes());
            rmp::encode::write_str(&mut theirs, &s).ok();
            rmp::encode::write_bin(&mut theirs, s.as_bytes()).ok();
            rmp::encode::write_array_len(&mut theirs, len as u32).ok();
            rmp::encode::write_map_len(&mut theirs, len as u32).ok();
            rmp::encode::write_ext_meta(&mut theirs, len as u32, 5).ok();
            theirs.extend_from_slice(s.as_bytes());
            assert_eq!(ours, theirs, "{len}");
        }
    }

    #[test]
    fn lengths_past_the_end_are_errors() {
        assert_eq!(Reader::new(&[0xc6, 0xff, 0xff, 0xff, 0xff, 1]).token(), None);
        assert_eq!(Reader::new(&[0xd9]).token(), None);
        assert_eq!(Reader::new(&[0xc1]).token(), None);
        assert_eq!(Reader::new(&[0x91, 0x91, 0x91, 0xc0]).skip(2), None, "too deep");
    }
}
