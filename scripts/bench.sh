#!/usr/bin/env bash
# `npm run bench`: builds, then runs every benchmark suite against every peer in workerd and
# writes docs/benchmarks.md, docs/benchmarks/*.svg and the README summary. Arguments go to
# bench/run.mjs (e.g. --quick, --only speed,stored, --rounds 9).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
source scripts/env.sh
step "benchmarks (a few minutes)"
node bench/run.mjs "$@"
