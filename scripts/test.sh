#!/usr/bin/env bash
# The project's test command (README, .ci/run): builds everything and runs every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-test-deps.sh
# The simulator interop test drives the cluster with an independent client (solana-py).
# (Debian's system python refuses plain pip installs: PEP 668, hence the fallback.)
python3 -c "import solana.rpc.websocket_api" 2>/dev/null || python3 -m pip install --quiet solana \
  || python3 -m pip install --quiet --break-system-packages solana
# Every module a target imports is declared in Package.swift.
./scripts/check-imports.py
# Outside Sources/Dex no code names a DEX (everything asks DexRegistry).
./scripts/check-dex-names.py
# Formatting and lint rules of the repo's .swift-format (fix with: swift format format -i -r Sources Tests).
swift format lint --strict --recursive Sources Tests
swift build --build-tests
# Each test in its own process with a deadline (scripts/run-xctests.py says why not `swift test --parallel`).
./scripts/run-xctests.py --workers 2
# The runner covers XCTest only: Swift Testing suites, if any are added, run here, not silently skipped.
if grep -rqs '^import Testing' Tests; then swift test --skip-build --disable-xctest; fi
./scripts/test-api-schema.sh
# Short soak (docs/reliability.md): the real simulator, proxies and cache service under faults,
# about 3 min on the debug binary just built (three runs: PubSub via HTTP CONNECT, PubSub via SOCKS5,
# Yellowstone gRPC via SOCKS5); 200 pools instead of 1,000 keeps a debug warm-up short.
# A fault every 3 s gives each 30 s run 10 faults, so the rotation reaches proxy_restart (its 8th).
# Every stage is bounded, so a hang fails the run with a name instead of outlasting the CI limit.
timeout -k 10 900 env SOAK_BUILD=debug SOAK_POOLS=200 ./scripts/soak.sh 1 --fault-every 3
timeout -k 10 1200 ./scripts/test-typescript.sh
