#!/usr/bin/env bash
# `npm test`: every test. Installs what it needs, so it runs on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
source scripts/env.sh

step "cargo test (native: region core, lock, conformance)"
cargo test --quiet
step "TypeScript: the public types against tests/types/usage.ts"
tsc -p tests/types/tsconfig.json
step "vitest inside workerd"
vitest run
step "several isolates in one workerd (Miniflare): stampedes, leases"
node --test tests/isolates/
