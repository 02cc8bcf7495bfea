#!/usr/bin/env bash
# `npm test`: every test. Installs what it needs, so it runs on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
source scripts/env.sh

step "benchmark smoke pass (every suite, tiny counts; the real run is npm run bench)"
node bench/run.mjs --quick > /dev/null
step "cargo test (native: region core, lock, conformance, doc examples)"
cargo test --quiet
step "the crate: docs build without warnings, cargo package verifies"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
cargo package --offline --allow-dirty --quiet
step "TypeScript: the public types against tests/types/usage.ts; the API reference builds from them"
tsc -p tests/types/tsconfig.json
typedoc --out .build/api --logLevel Warn
step "vitest inside workerd"
# A run that stalls (workerd's pool can hang mid-suite, workers-sdk#15498; it normally takes
# under a minute) is stopped after 5 minutes and started again, at most three times in all,
# saying so; a failing test fails at once.
for attempt in 1 2 3; do
  rc=0
  timeout 300 vitest run --reporter=verbose || rc=$?
  [ "$rc" -eq 124 ] || break
  echo "vitest stalled for 5 minutes (attempt $attempt of 3)"
  pkill -f "$PWD/node_modules/.*workerd" || true # a stalled runtime outlives vitest
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
