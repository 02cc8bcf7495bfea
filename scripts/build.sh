#!/usr/bin/env bash
# Builds the wasm module and its JS glue into pkg/: cargo (release, size-optimized),
# wasm-bindgen --target web, then wasm-opt from npm's binaryen (132; Debian's 108 emits modules
# workerd rejects). -O3 by default: as small gzipped as -Oz here, and faster; override with
# EDGEPILE_WASM_OPT=-Oz.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

step "cargo build (wasm32, release)"
cargo build --release --target wasm32-unknown-unknown --lib
step "wasm-bindgen"
rm -rf pkg
wasm-bindgen --target web --out-dir pkg target/wasm32-unknown-unknown/release/edgepile.wasm
WASM_OPT_LEVEL=${EDGEPILE_WASM_OPT:--O3}
step "wasm-opt $WASM_OPT_LEVEL"
# The producers and target-features sections only describe the build; no runtime reads them.
# --converge: passes repeated until nothing shrinks (about 250 bytes gzipped less).
# --low-memory-unused: lets wasm-opt fold constant offsets into loads and stores (about 900
# bytes gzipped less), assuming nothing lives below address 1024. Rust's stack sits at the
# bottom of memory (it starts at 1 MiB and grows down, data above it), so only a stack within
# 1 KiB of overflowing reaches there, and values are decoded at most 128 levels deep.
wasm-opt pkg/edgepile_bg.wasm "$WASM_OPT_LEVEL" --converge --low-memory-unused --strip-producers --strip-target-features \
  --enable-mutable-globals --enable-sign-ext --enable-nontrapping-float-to-int \
  --enable-bulk-memory --enable-multivalue --enable-reference-types \
  -o pkg/edgepile_bg.opt.wasm
mv pkg/edgepile_bg.opt.wasm pkg/edgepile_bg.wasm
printf 'pkg/edgepile_bg.wasm: %d bytes, %d gzipped\n' \
  "$(stat -c %s pkg/edgepile_bg.wasm)" "$(gzip -9 -c pkg/edgepile_bg.wasm | wc -c)"

step "dashboard assets (uPlot from npm, served locally)"
mkdir -p www/vendor
cp node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css www/vendor/
