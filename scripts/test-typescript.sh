#!/usr/bin/env bash
# Compiles and type-checks the TypeScript client (clients/typescript) with Debian's `tsc`, then runs
# its `node --test` suites against the built service in demo mode and local mock servers.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get install -y "$@" || { $sudo apt-get update && $sudo apt-get install -y "$@"; }
}
command -v node >/dev/null || apt_install nodejs
command -v tsc >/dev/null || apt_install node-typescript

# The tests spawn `.build/debug/solana-pool-cache demo` (POOL_CACHE_BIN overrides).
if [ -z "${POOL_CACHE_BIN:-}" ] && [ ! -x .build/debug/solana-pool-cache ]; then
  swift build --product solana-pool-cache
fi

cd clients/typescript
rm -rf dist
tsc -p .
# One file at a time: each integration file starts its own service, and the machine is small.
node --test --test-concurrency=1 --test-force-exit dist/test/
