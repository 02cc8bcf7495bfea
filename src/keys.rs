//! Key manglers whose key spaces cannot overlap (docs/keys.md): the digests behind the JS
//! package's `sha1MangleKey` and `sha256MangleKey`, and [`length_conditional`], the Rust form of
//! `lengthConditionalMangler`, which stores the same keys as the JS one so a Rust Worker and a JS
//! Worker can share a KV namespace.

use std::rc::Rc;

#[cfg(feature = "js")]
mod sha1;

use sha2::{Digest, Sha256};

use crate::region::KeyMangler;

/// The first character of every key [`length_conditional`] digests. No key it keeps as it is
/// starts with it, so a chosen short key can never name a long key's entry.
pub const DIGEST_MARKER: char = '#';

/// The SHA-256 of the key's UTF-8 bytes, as 64 lowercase hex digits.
pub fn sha256_mangle_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// The SHA-1 of the key's UTF-8 bytes, as 40 lowercase hex digits (dogpile's `sha1_mangle_key`).
/// SHA-1 is not collision-resistant: kept for keys shared with dogpile, not for new regions.
#[cfg(feature = "js")]
pub fn sha1_mangle_key(key: &str) -> String {
    hex::encode(sha1::digest(key.as_bytes()))
}

/// Whether [`length_conditional`] stores `key` as it is: at most `limit` UTF-8 bytes, not
/// starting with [`DIGEST_MARKER`] (which only digested keys start with), and not spelled like
/// the bare SHA-1 digest that versions before the marker stored for long keys (so an entry
/// written then for a long key cannot be read by a short key that spells its digest).
pub fn kept_as_is(key: &str, limit: usize) -> bool {
    key.len() <= limit && !key.starts_with(DIGEST_MARKER) && !is_bare_sha1_hex(key)
}

fn is_bare_sha1_hex(key: &str) -> bool {
    key.len() == 40 && key.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Keys of at most `limit` UTF-8 bytes as they are (except those [`kept_as_is`] refuses), every
/// other key as [`DIGEST_MARKER`] followed by `mangler(key)`:
/// `RegionBuilder::new("r").key_mangler(length_conditional(512, sha256_mangle_key))` fits KV's
/// 512-byte keys. The two kinds of stored key never meet, whatever keys callers choose.
pub fn length_conditional<F>(limit: usize, mangler: F) -> KeyMangler
where
    F: Fn(&str) -> String + 'static,
{
    Rc::new(move |key: &str| {
        if kept_as_is(key, limit) {
            return Ok(key.to_owned());
        }
        let digest = mangler(key);
        let mut out = String::with_capacity(DIGEST_MARKER.len_utf8() + digest.len());
        out.push(DIGEST_MARKER);
        out.push_str(&digest);
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_the_utf8_bytes() {
        assert_eq!(sha256_mangle_key(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(sha256_mangle_key("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(sha256_mangle_key("☃"), "51643361c79ecaef25a8de802de24f570ba25d9c2df1d22d94fade11b4f466cc");
    }

    #[cfg(feature = "js")]
    #[test]
    fn sha1_of_the_utf8_bytes() {
        assert_eq!(sha1_mangle_key("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(sha1_mangle_key("☃"), "2686137311c038a99622242fdb662b88c221c08d");
    }

    fn mangle(m: &KeyMangler, key: &str) -> String {
        m(key).unwrap_or_else(|e| panic!("mangling {key:?} failed: {e}"))
    }

    // The same cases, with the same expected strings, are in tests/workerd/key-safety.test.js:
    // the JS and Rust manglers must store the same keys.
    #[test]
    fn length_conditional_separates_kept_and_digested_keys() {
        let m = length_conditional(10, sha256_mangle_key);
        assert_eq!(mangle(&m, "short"), "short");
        assert_eq!(mangle(&m, "0123456789"), "0123456789");
        assert_eq!(mangle(&m, "0123456789a"), format!("#{}", sha256_mangle_key("0123456789a")));
        // 4 characters, 12 bytes: the limit is in UTF-8 bytes, KV's unit
        assert_eq!(mangle(&m, "☃☃☃☃"), format!("#{}", sha256_mangle_key("☃☃☃☃")));
        // a short key that starts with the marker is digested, so it cannot name a digested key
        assert_eq!(mangle(&m, "#abc"), "#00e16e1d31c0ba2b3b3d17583bb2ac3b898666620ddf540aae5bd0703d7d02e7");
        let long = "x".repeat(11);
        let stored = mangle(&m, &long);
        assert_ne!(mangle(&m, &stored), stored);
        assert_ne!(mangle(&m, &sha256_mangle_key(&long)), stored);
    }

    #[test]
    fn a_short_key_spelled_like_an_old_sha1_digest_is_digested() {
        let m = length_conditional(512, sha256_mangle_key);
        let old = "a9993e364706816aba3e25717850c26c9cd0d89d";
        assert_eq!(mangle(&m, old), format!("#{}", sha256_mangle_key(old)));
        // other hex strings, and upper case, are no old digest: kept
        assert_eq!(mangle(&m, &old[..39]), &old[..39]);
        assert_eq!(mangle(&m, &old.to_uppercase()), old.to_uppercase());
    }
}
