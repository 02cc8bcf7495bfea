#!/usr/bin/env bash
# `npm start`: build, then run the demo Worker in local workerd with local KV.
set -euo pipefail
cd "$(dirname "$0")/.."
EDGEPILE_SKIP_BROWSER=1 bash scripts/setup.sh
bash scripts/build.sh
source scripts/env.sh
exec wrangler dev --ip 127.0.0.1 --port "${PORT:-8787}" --show-interactive-dev-session=false
