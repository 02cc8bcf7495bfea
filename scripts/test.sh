#!/usr/bin/env bash
# `npm test`: every test. Installs what it needs, so it runs on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
source scripts/env.sh

step "benchmark smoke pass (every suite, tiny counts; the real run is npm run bench)"
node bench/run.mjs --quick > /dev/null
step "cargo test (native: region core, lock, conformance, doc examples); rustfmt check; clippy, warnings as errors"
cargo test --quiet
cargo fmt --check
cargo clippy --quiet --all-targets -- -D warnings
cargo clippy --quiet --lib --target wasm32-unknown-unknown -- -D warnings
step "the crate: docs build without warnings, cargo package verifies"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
cargo package --offline --allow-dirty --quiet
step "JS format check and lint (Biome: its formatter, recommended rules; see biome.json)"
biome ci
step "TypeScript: the public types against tests/types/usage.ts, the JS sources checked (checkJs) against them, the core's names; imports, docs links and the README checked; the API reference builds from them"
tsc -p tests/types/tsconfig.json
tsc -p tests/types/tsconfig.src.json
node --test tests/types/
typedoc --out .build/api --logLevel Warn
step "vitest inside workerd"
# A run that stalls (workerd's pool can hang mid-suite, workers-sdk#15498; it normally takes
# under a minute) is stopped after 5 minutes and started again, at most three times in all; a
# failing test fails at once. vitest runs in a process group of its own, so stopping it stops
# the runtime it started and nothing else (an `npm start` of this checkout keeps running); each
# stall is written to the output and to test-output/stalls.log.
mkdir -p test-output
for attempt in 1 2 3; do
  rc=0
  setsid vitest run --reporter=verbose &
  pgid=$!
  for _ in $(seq 300); do
    kill -0 "$pgid" 2>/dev/null || break
    sleep 1
  done
  if kill -0 "$pgid" 2>/dev/null; then
    echo "vitest stalled for 5 minutes (attempt $attempt of 3): stopping its process group $pgid" | tee -a test-output/stalls.log
    kill -TERM -- "-$pgid" 2>/dev/null || true
    sleep 5
    kill -KILL -- "-$pgid" 2>/dev/null || true
    wait "$pgid" 2>/dev/null || true
    rc=124
    continue
  fi
  wait "$pgid" || rc=$?
  break
done
[ "$rc" -eq 0 ] || exit "$rc"
step "Node over Redis: a redis-server of the tests' own; the conformance suite, leases, 8 processes, a restart mid-run"
vitest run --config tests/redis/vitest.config.mjs
node --test tests/redis/
bash scripts/build-rust-example.sh
step "several Workers in one workerd (Miniflare): cross-isolate stampedes, leases, the Rust Worker"
node --test tests/isolates/
step "the dashboard in Chromium (wrangler dev + playwright-core); screenshot in test-output/"
node --test tests/browser/
step "the packed tarball in consumer projects: wrangler Worker, Node script, Vite page in Chromium"
node --test tests/packaging/
