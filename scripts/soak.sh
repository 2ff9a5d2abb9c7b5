#!/usr/bin/env bash
# Soak: the real processes (simulator, tinyproxy/microsocks, the cache service) under a fault every
# few seconds, the cache checked against the chain at checkpoints (docs/reliability.md).
#
#   ./scripts/soak.sh [minutes]            # release build; minutes/2 for each of the three runs (default 10)
#   SOAK_BUILD=debug ./scripts/soak.sh 2   # the debug binary `swift build --build-tests` made (scripts/test.sh)
#   SOAK_BIN=path/to/solana-pool-cache ./scripts/soak.sh 10   # a binary built elsewhere (no build step)
#   ./scripts/soak.sh 10 --warmup-timeout 600 --fault-every 3      # further arguments go to every run
#
# Three runs: the bundled demo pools through an HTTP CONNECT proxy (tinyproxy) with PostgreSQL
# persistence, then a 1,000-pool
# cluster through SOCKS5 (microsocks; SOAK_POOLS overrides the count), over PubSub and then over
# Yellowstone gRPC. The last line is one summary
# over both runs; the exit status is non-zero when either run failed.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-10}"
extra=("${@:2}")   # passed on to both runs, e.g. --warmup-timeout 600
pools="${SOAK_POOLS:-1000}"
build="${SOAK_BUILD:-release}"
./scripts/install-test-deps.sh

if [ -n "${SOAK_BIN:-}" ]; then build="given"; fi
case "$build" in
  given)   bin="$SOAK_BIN" ;;
  release) swift build -c release --product solana-pool-cache 2>&1 | grep -E "error|Compiling solana|Build complete" || true
           bin="$(swift build -c release --show-bin-path)/solana-pool-cache" ;;
  debug)   bin="$(swift build --show-bin-path)/solana-pool-cache"
           [ -x "$bin" ] || swift build --product solana-pool-cache ;;
  *) echo "soak.sh: SOAK_BUILD must be release or debug" >&2; exit 2 ;;
esac
[ -x "$bin" ] || { echo "soak.sh: $bin was not built" >&2; exit 1; }

half=$(awk -v m="$minutes" 'BEGIN { printf "%g", m / 2 }')
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
status=0
echo "soak.sh: $build binary, $half min bundled pools (HTTP CONNECT proxy) + $half min $pools pools (SOCKS5 proxy) + $half min $pools pools over gRPC (SOCKS5 proxy)"
# The first run persists to a throwaway PostgreSQL that the postgres_restart fault crashes and
# restarts; the run ends by reading the database back (psql) against the cache and the chain.
"$bin" soak --minutes "$half" --proxy connect --persistence postgres "${extra[@]}" | tee "$logs/demo.log" || status=1
"$bin" soak --minutes "$half" --pools "$pools" --proxy socks5 "${extra[@]}" | tee "$logs/large.log" || status=1
# The same pools over one Yellowstone gRPC stream (the simulator's --grpc-port), through SOCKS5 too.
"$bin" soak --minutes "$half" --pools "$pools" --proxy socks5 --source grpc "${extra[@]}" | tee "$logs/grpc.log" || status=1
"$bin" soak --total "$logs/demo.log" --total "$logs/large.log" --total "$logs/grpc.log" || status=1
exit $status
