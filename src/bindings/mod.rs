//! The wasm-bindgen surface: a thin low-level API over the Rust region for `src/js/`, which
//! holds the idiomatic JS API. Everything here converts; nothing here decides.

mod callbacks;
mod chain;
mod errors;
mod executor;
mod exports;
mod js_codec;
mod js_leases;
mod js_memory;
mod latest_key;
mod promises;
mod region_core;
mod store;
mod tags;

// Every miss and byte-store read allocates (the key, the shared read, the decoded value): talc
// does that in less code and time than the default dlmalloc.
#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
