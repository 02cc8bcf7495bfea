#!/usr/bin/env bash
# Installs what building and testing need, skipping what is already there:
# the wasm32 target, the wasm-bindgen CLI matching the pinned crate, npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

if command -v rustup >/dev/null; then
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
  for c in rustfmt clippy; do rustup component list --installed | grep -q "^$c" || rustup component add "$c"; done
fi

if [ "$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$WASM_BINDGEN_VERSION" ]; then
  step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Unlocked on purpose: the CLI's own lock file pins a dependency some registries lack.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "installing npm dependencies"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi

# The dashboard's browser test drives Debian's Chromium (never a downloaded browser).
if [ "${EDGEPILE_SKIP_BROWSER:-0}" != 1 ] && ! command -v chromium >/dev/null; then
  step "installing Debian chromium"
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "could not install chromium; the browser test will fail" >&2
  else
    echo "chromium is missing: run 'sudo apt-get install -y chromium' (the browser test needs it)" >&2
  fi
fi

# The Redis tests and the Node bench section start Debian's redis-server themselves.
if ! command -v redis-server >/dev/null; then
  step "installing Debian redis-server"
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null) \
      || echo "could not install redis-server; the Redis tests will fail" >&2
  else
    echo "redis-server is missing: run 'sudo apt-get install -y redis-server' (the Redis tests need it)" >&2
  fi
fi
