#!/usr/bin/env bash
# The project's test command (README, .ci/run): builds everything and runs every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-test-deps.sh
swift build --build-tests
swift test --skip-build --parallel --num-workers 2
