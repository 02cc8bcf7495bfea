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
