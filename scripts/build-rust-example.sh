#!/usr/bin/env bash
# Builds examples/rust-worker (a workers-rs Worker using edgepile) into examples/rust-worker/pkg.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
step "cargo build examples/rust-worker (wasm32, release)"
( cd examples/rust-worker && cargo build --release --target wasm32-unknown-unknown )
rm -rf examples/rust-worker/pkg
wasm-bindgen --target web --out-dir examples/rust-worker/pkg \
  examples/rust-worker/target/wasm32-unknown-unknown/release/edgepile_rust_worker_example.wasm
