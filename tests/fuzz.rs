//! Property-based fuzzing of everything that reads bytes or keys from outside: the envelope
//! decoders, binary-safe text, the lock's arithmetic. Every case must be an `Ok` or an `Err`,
//! never a panic (a panic would kill the wasm instance).
//!
//! `npm test` runs the default case count; the long run is
//! `PROPTEST_CASES=100000 cargo test --release --test fuzz`.

use edgepile::api::{CachedValue, Metadata, Ttl};
use edgepile::lock::{classify, Invalidation};
use edgepile::{binary_text, codec};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(500)
}

/// Valid envelopes, to mutate: truncated, bit-flipped, extended.
fn envelope() -> impl Strategy<Value = Vec<u8>> {
    (any::<Vec<(String, i64)>>(), any::<f64>())
        .prop_map(|(payload, ct)| codec::encode(&CachedValue::new(payload, ct)).unwrap_or_default())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = codec::parse_envelope(&bytes, 300);
        let _ = codec::decode::<Vec<(String, i64)>>(&bytes);
        let _ = codec::decode::<serde_json::Value>(&bytes);
        let _ = binary_text::unwrap(&bytes);
    }

    #[test]
    fn mutated_envelopes_never_panic(bytes in envelope(), cut in any::<usize>(), flip in any::<(usize, u8)>()) {
        let mut truncated = bytes.clone();
        truncated.truncate(cut % (bytes.len() + 1));
        let _ = codec::parse_envelope(&truncated, 300);
        let mut flipped = bytes.clone();
        if !flipped.is_empty() {
            let i = flip.0 % flipped.len();
            flipped[i] ^= flip.1;
        }
        let _ = codec::parse_envelope(&flipped, 300);
        let _ = codec::decode::<Vec<(String, i64)>>(&flipped);
        if truncated.len() < bytes.len() {
            prop_assert!(codec::parse_envelope(&truncated, 300).is_err(), "a truncated envelope is never a value");
        }
    }

    #[test]
    fn envelopes_round_trip(payload in any::<Vec<(String, i64)>>(), ct in -1e12f64..1e12) {
        let cv = CachedValue::new(payload, ct);
        let bytes = codec::encode(&cv).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(codec::decode::<Vec<(String, i64)>>(&bytes).ok(), Some(cv.clone()));
        let (_, meta) = codec::parse_envelope(&bytes, 300).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(meta, cv.metadata);
        let wrapped = binary_text::wrap(&bytes);
        prop_assert!(std::str::from_utf8(&wrapped).is_ok());
        prop_assert_eq!(binary_text::unwrap(&wrapped), Some(bytes));
    }

    #[test]
    fn deep_nesting_is_an_error(depth in 301usize..2000) {
        let mut bytes = vec![0x92u8];
        bytes.extend(std::iter::repeat_n(0x91u8, depth));
        bytes.push(0xc0);
        prop_assert!(codec::parse_envelope(&bytes, 300).is_err());
    }

    #[test]
    fn classify_takes_any_numbers(ct in any::<f64>(), now in any::<f64>(), ttl in any::<f64>(), hard in any::<f64>(), soft in any::<f64>(), v in any::<u32>()) {
        let inv = Invalidation { hard, soft };
        let _ = classify(Some(&Metadata { ct, v, value_version: 0 }), now, Ttl::from_seconds(ttl), &inv);
        let _ = inv.creation_time(now);
    }
}
