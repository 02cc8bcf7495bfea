//! SHA-1 for `sha1_mangle_key` (keys shared with dogpile). Written as one loop over the 80
//! rounds, where the `sha1` crate unrolls them: 4 KB of the wasm module for a function that
//! digests short keys.

const INIT: [u32; 5] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0];

/// The SHA-1 digest of `data`.
pub fn digest(data: &[u8]) -> [u8; 20] {
    let mut state = INIT;
    let blocks = data.chunks_exact(64);
    let rest = blocks.remainder();
    // The padding: the bytes after the last whole block, 0x80, zeros up to 8 bytes short of a
    // block boundary, then the length in bits, big-endian (one block, or two when it overflows).
    let mut tail = [0u8; 128];
    let tail_len = if rest.len() < 56 { 64 } else { 128 };
    for (t, b) in tail.iter_mut().zip(rest.iter().copied().chain([0x80])) {
        *t = b;
    }
    let bits = (data.len() as u64).wrapping_mul(8).to_be_bytes();
    for (t, b) in tail.iter_mut().skip(tail_len - 8).zip(bits) {
        *t = b;
    }
    for block in blocks.chain(tail.chunks_exact(64).take(tail_len / 64)) {
        compress(&mut state, block);
    }
    let mut out = [0u8; 20];
    for (o, b) in out.iter_mut().zip(state.iter().flat_map(|w| w.to_be_bytes())) {
        *o = b;
    }
    out
}

fn compress(state: &mut [u32; 5], block: &[u8]) {
    // The message schedule as a ring of 16 words: w[0] is this round's word.
    let mut w = [0u32; 16];
    for (word, bytes) in w.iter_mut().zip(block.chunks_exact(4)) {
        *word = bytes.iter().fold(0, |acc, &b| (acc << 8) | u32::from(b));
    }
    let [mut a, mut b, mut c, mut d, mut e] = *state;
    for round in 0..80 {
        let (f, k) = match round / 20 {
            0 => ((b & c) | (!b & d), 0x5A82_7999),
            1 => (b ^ c ^ d, 0x6ED9_EBA1),
            2 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
            _ => (b ^ c ^ d, 0xCA62_C1D6),
        };
        let t = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(w[0]);
        (e, d, c, b, a) = (d, c, b.rotate_left(30), a, t);
        // Word 16 rounds ahead: W[t+16] = rotl1(W[t+13] ^ W[t+8] ^ W[t+2] ^ W[t]).
        let next = (w[13] ^ w[8] ^ w[2] ^ w[0]).rotate_left(1);
        w.rotate_left(1);
        w[15] = next;
    }
    for (s, v) in state.iter_mut().zip([a, b, c, d, e]) {
        *s = s.wrapping_add(v);
    }
}

#[cfg(test)]
mod tests {
    use super::digest;
    use proptest::prelude::*;
    use sha1::{Digest, Sha1};

    fn hex(bytes: [u8; 20]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn known_digests() {
        assert_eq!(hex(digest(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(hex(digest(b"abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
        // 56 bytes: the length no longer fits after the 0x80, so the padding takes two blocks.
        let two = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        assert_eq!(hex(digest(two)), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
        assert_eq!(hex(digest(&[b'a'; 1_000_000])), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    }

    proptest! {
        // Every length around the block and padding boundaries, against the `sha1` crate.
        #[test]
        fn agrees_with_the_sha1_crate(data in proptest::collection::vec(any::<u8>(), 0..300)) {
            let expected: [u8; 20] = Sha1::digest(&data).into();
            prop_assert_eq!(digest(&data), expected);
        }
    }
}
