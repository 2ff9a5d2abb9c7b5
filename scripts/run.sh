#!/usr/bin/env bash
# The README's main command: release build, then `demo` — a local simulated Solana cluster serving
# the bundled real mainnet pool snapshots, the cache ingesting it over JSON-RPC + WebSocket, and the
# HTTP API on 127.0.0.1:3001 (pass `--port N` to change it). Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product solana-pool-cache >&2
exec .build/release/solana-pool-cache demo "$@"
