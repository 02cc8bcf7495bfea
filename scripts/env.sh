# Sourced by the other scripts: one environment for building, running and testing.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/node_modules/.bin:$PATH"
# Offline-friendly workerd/wrangler: no cf.json fetch, no telemetry.
export CLOUDFLARE_CF_FETCH_ENABLED=false
export WRANGLER_SEND_METRICS=false
export WASM_BINDGEN_VERSION=0.2.130
step() { printf '\n=== %s (%s)\n' "$*" "$(date +%T)"; }
