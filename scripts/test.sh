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
# A run that stalls (workerd's pool can hang mid-suite, workers-sdk#15498) is stopped after
# 10 minutes and run once more, saying so; a failing test fails at once.
rc=0
timeout 600 vitest run --reporter=verbose || rc=$?
if [ "$rc" -eq 124 ]; then
  echo "vitest stalled for 10 minutes: running the workerd suite once more"
  timeout 600 vitest run --reporter=verbose
elif [ "$rc" -ne 0 ]; then
  exit "$rc"
fi
bash scripts/build-rust-example.sh
step "several Workers in one workerd (Miniflare): cross-isolate stampedes, leases, the Rust Worker"
node --test tests/isolates/
step "the dashboard in Chromium (wrangler dev + playwright-core); screenshot in test-output/"
node --test tests/browser/
step "the packed tarball in consumer projects: wrangler Worker, Node script, Vite page in Chromium"
node --test tests/packaging/
