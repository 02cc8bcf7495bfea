//! Property-based fuzzing of everything that reads bytes or keys from outside: the envelope
//! decoders (the serde one, and the token reader the JS codec builds on), the extensions JS
//! values travel as, binary-safe text and KV's stored form, the lock's arithmetic. Every case must be an `Ok` or an `Err`,
//! never a panic (a panic would kill the wasm instance).
//!
//! `npm test` runs the default case count; the long run is
//! `PROPTEST_CASES=100000 cargo test --release --test fuzz`.

use edgepile::api::{CachedValue, Metadata, Ttl, VALUE_VERSION};
use edgepile::lock::{classify, Invalidation, State};
use edgepile::msgpack::{Reader, Token};
use edgepile::values::{BigInt, Timestamp};
use edgepile::{binary_text, codec, ext};
use proptest::prelude::*;
use rmpv::Value;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(500)
}

/// Every token of `bytes`, as the JS codec reads them, plus a skip and a metadata read: none may
/// panic, whatever the bytes.
fn read_all(bytes: &[u8]) {
    let mut r = Reader::new(bytes);
    while r.token().is_some() {}
    let _ = Reader::new(bytes).skip(codec::MAX_DEPTH);
    let _ = Reader::new(bytes).metadata();
}

/// MessagePack trees with extensions of every type edgepile writes (and some it does not), with
/// data that is right (a Map's nested map, a timestamp's 8 bytes) or random.
fn tree() -> impl Strategy<Value = Value> {
    let ext_data = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..24),
        Just(vec![0x81, 0xa1, b'k', 0x01]),       // a map {"k": 1}
        Just(vec![0x92, 0xa1, b'x', 0xa1, b'g']), // ["x", "g"]
        Just(b"-170141183460469231731687303715884105729".to_vec()),
        Just(vec![1]),
    ];
    let leaf = prop_oneof![
        Just(Value::Nil),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::F64),
        ".{0,8}".prop_map(Value::from),
        proptest::collection::vec(any::<u8>(), 0..8).prop_map(Value::Binary),
        (-2i8..24, ext_data).prop_map(|(t, d)| Value::Ext(t, d)),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((inner.clone(), inner), 0..4).prop_map(Value::Map),
        ]
    })
}

fn envelope_of(payload: &Value) -> Vec<u8> {
    let mut bytes = Vec::new();
    let env = Value::Array(vec![payload.clone(), Value::Array(vec![Value::F64(1.5), Value::from(1)])]);
    let _ = rmpv::encode::write_value(&mut bytes, &env);
    bytes
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
        let _ = codec::decode::<Value>(&bytes);
        let _ = binary_text::unwrap(&bytes);
        let _ = binary_text::from_kv(&bytes);
        read_all(&bytes);
    }

    #[test]
    fn extensions_never_panic(payload in tree(), cut in any::<usize>(), flip in any::<(usize, u8)>()) {
        let bytes = envelope_of(&payload);
        let _ = ext::normalize(payload, 300, 4096);
        for b in [bytes.clone(), bytes[..cut % (bytes.len() + 1)].to_vec(), {
            let mut f = bytes.clone();
            let i = flip.0 % f.len();
            f[i] ^= flip.1;
            f
        }] {
            read_all(&b);
            let _ = codec::decode::<Value>(&b);
            let _ = codec::decode::<serde_json::Value>(&b);
            let _ = codec::decode::<Timestamp>(&b);
            let _ = codec::decode::<BigInt>(&b);
            let _ = codec::decode::<Vec<Option<Timestamp>>>(&b);
            let _ = codec::decode::<std::collections::HashMap<String, BigInt>>(&b);
        }
    }

    #[test]
    fn the_reader_agrees_with_rmpv(payload in tree()) {
        // Whatever rmpv wrote, the token reader reads as many values, and skips exactly one.
        let bytes = envelope_of(&payload);
        let mut r = Reader::new(&bytes);
        prop_assert_eq!(r.token(), Some(Token::Array(2)));
        prop_assert!(r.skip(300).is_some());
        prop_assert!(r.metadata().is_some());
        prop_assert_eq!(r.remaining(), 0);
    }

    #[test]
    fn timestamps_and_bigints_round_trip(seconds in any::<i64>(), nanos in 0u32..1_000_000_000, n in any::<i128>()) {
        let cv = CachedValue::new((Timestamp { seconds, nanos }, BigInt(n)), 1.0);
        let bytes = codec::encode(&cv).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(codec::decode::<(Timestamp, BigInt)>(&bytes).ok(), Some(cv));
        let small = i64::try_from(n).ok();
        if let Some(small) = small {
            // a BigInt within 64 bits also reads as a plain integer
            let cv = CachedValue::new(BigInt(i128::from(small)), 1.0);
            let bytes = codec::encode(&cv).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(codec::decode::<i64>(&bytes).ok().map(|c| c.payload), Some(small));
        }
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
        let (_, meta, _) = codec::parse_envelope(&bytes, 300).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(meta, cv.metadata);
        let wrapped = binary_text::wrap(&bytes);
        prop_assert!(std::str::from_utf8(&wrapped).is_ok());
        prop_assert_eq!(binary_text::unwrap(&wrapped), Some(bytes));
    }

    #[test]
    fn nesting_up_to_the_limit_reads_back(depth in 1usize..=edgepile::limits::MAX_VALUE_DEPTH) {
        // What the JS package may store (MAX_VALUE_DEPTH levels), a Rust reader reads too.
        let mut value = rmpv::Value::from(1);
        for i in 1..depth {
            value = if i % 2 == 0 { rmpv::Value::Array(vec![value]) } else { rmpv::Value::Map(vec![("k".into(), value)]) };
        }
        let bytes = codec::encode(&CachedValue::new(value.clone(), 1.0)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(codec::decode::<rmpv::Value>(&bytes).map(|cv| cv.payload).ok(), Some(value));
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
        let state = classify(Some(&Metadata { ct, v, value_version: 0 }), now, Ttl::from_seconds(ttl), &inv);
        // The table of lock.rs, for any numbers: another version or a non-finite time is never
        // served; a hard mark at or after creation means missing; fresh needs every rule to pass.
        if v != VALUE_VERSION || !ct.is_finite() || (hard > 0.0 && ct <= hard) {
            prop_assert_eq!(state, State::Missing);
        }
        if state == State::Fresh {
            prop_assert!(!(soft > 0.0 && ct <= soft));
            prop_assert!(ttl < 0.0 || ttl.is_nan() || (now - ct).partial_cmp(&ttl) != Some(std::cmp::Ordering::Greater));
        }
        // A value stamped now is newer than both marks whenever they are finite.
        let stamped = inv.creation_time(now);
        if now.is_finite() && hard.is_finite() && soft.is_finite() {
            prop_assert!(stamped > hard.max(soft) || stamped >= now);
            prop_assert_eq!(classify(Some(&Metadata { ct: stamped, v: VALUE_VERSION, value_version: 0 }), stamped, Ttl::Never, &inv) == State::Missing, hard > 0.0 && stamped <= hard);
        }
    }
}
