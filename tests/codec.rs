//! The MessagePack envelope: round trips, layout, and hostile bytes read as errors, never panics.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use edgepile::codec::{decode, encode};
use edgepile::{CachedValue, VALUE_VERSION};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct User {
    id: u64,
    name: String,
    tags: Vec<String>,
}

#[test]
fn round_trip() {
    let cv = CachedValue::new(User { id: 7, name: "ada".into(), tags: vec!["x".into()] }, 1_700_000_000.25);
    let bytes = encode(&cv).expect("encodes");
    assert_eq!(decode::<User>(&bytes).expect("decodes"), cv);
}

#[test]
fn layout_is_payload_then_positional_metadata() {
    let bytes = encode(&CachedValue::new("hi".to_string(), 2.5)).expect("encodes");
    let v: rmpv::Value = rmpv::decode::read_value(&mut &bytes[..]).expect("msgpack");
    let arr = v.as_array().expect("array");
    assert_eq!(arr.len(), 2);
    assert_eq!(arr[0].as_str(), Some("hi"));
    let meta = arr[1].as_array().expect("[ct, v]");
    assert_eq!(meta[0].as_f64(), Some(2.5));
    assert_eq!(meta[1].as_u64(), Some(VALUE_VERSION as u64));
    // the whole envelope of a short string: fixarray, fixstr "hi", fixarray, float64, fixint
    assert_eq!(bytes.len(), 1 + 3 + 1 + 9 + 1);
}

#[test]
fn struct_payloads_stay_maps() {
    let bytes = encode(&CachedValue::new(User { id: 7, name: "ada".into(), tags: vec![] }, 1.0)).expect("encodes");
    let v: rmpv::Value = rmpv::decode::read_value(&mut &bytes[..]).expect("msgpack");
    let user = v.as_array().expect("array")[0].as_map().expect("a struct is a map");
    assert_eq!(user[0].0.as_str(), Some("id"));
}

#[test]
fn the_named_metadata_form_still_decodes() {
    let mut bytes = Vec::new();
    rmp_serde::encode::write_named(
        &mut bytes,
        &("hi", edgepile::Metadata { ct: 3.5, v: VALUE_VERSION, value_version: 0 }),
    )
    .expect("encodes");
    let cv = decode::<String>(&bytes).expect("decodes");
    assert_eq!((cv.payload.as_str(), cv.metadata.ct, cv.metadata.v), ("hi", 3.5, VALUE_VERSION));
}

#[test]
fn foreign_and_broken_bytes_are_errors() {
    let good = encode(&CachedValue::new(vec![1u8, 2, 3], 1.0)).expect("encodes");
    let mut trailing = good.clone();
    trailing.push(0);
    let cases: Vec<Vec<u8>> = vec![
        vec![],
        b"{\"json\": true}".to_vec(),
        b"plain text".to_vec(),
        good[..good.len() - 1].to_vec(),
        trailing,
        vec![0xdd, 0xff, 0xff, 0xff, 0xff], // array claiming 4 billion items
        vec![0xc1],                         // never-used marker
    ];
    for bytes in cases {
        assert!(decode::<Vec<u8>>(&bytes).is_err(), "{bytes:?}");
    }
}

#[test]
fn tags_and_value_version_share_the_metadata() {
    // [ct, v, [tags] or nil, valueVersion]: the version after the tags, nil when there are none
    let mut cv = CachedValue::new("x".to_string(), 2.0).with_tags(Some(vec!["t".to_string()].into()));
    cv.metadata.value_version = 7;
    let bytes = encode(&cv).expect("encodes");
    assert_eq!(decode::<String>(&bytes).expect("decodes"), cv);
    cv.tags = None;
    let bytes = encode(&cv).expect("encodes");
    let v: rmpv::Value = rmpv::decode::read_value(&mut &bytes[..]).expect("msgpack");
    let meta = v.as_array().expect("array")[1].as_array().expect("metadata").clone();
    assert_eq!(meta.len(), 4);
    assert!(meta[2].is_nil());
    assert_eq!(decode::<String>(&bytes).expect("decodes"), cv);
    cv.metadata.value_version = 0;
    assert_eq!(encode(&cv).expect("encodes").len(), bytes.len() - 2, "no version, no bytes for it");
}

/// The system allocator, counting the bytes live at the most since `reset`.
struct Peak;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Peak {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Peak = Peak;

#[test]
fn a_deep_value_over_a_large_one_decodes_without_copying_every_level() {
    // 120 levels around 50,000 numbers: with a copy of every object kept for references (there
    // are none here), decoding held 120 copies of the large array (about 200 MB).
    let mut value = rmpv::Value::Array((0..50_000).map(rmpv::Value::from).collect());
    for _ in 0..120 {
        value = rmpv::Value::Array(vec![value]);
    }
    let bytes = encode(&CachedValue::new(value.clone(), 1.0)).expect("encodes");
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let decoded = decode::<rmpv::Value>(&bytes).expect("decodes");
    let used = PEAK.load(Ordering::Relaxed) - before;
    assert_eq!(decoded.payload, value);
    // The tree itself is about 2 MB here; a few times that is room for the decoder's own work.
    assert!(used < 20 << 20, "decoding took {} MB at its peak", used >> 20);
}
