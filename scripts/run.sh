#!/usr/bin/env bash
# The README's main command: release build, then price and quote every bundled mainnet pool
# (offline, from the bundled snapshots in Sources/Simulator/Snapshots) with the exact on-chain math.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product solana-pool-cache >&2
bin=.build/release/solana-pool-cache
SOL=So11111111111111111111111111111111111111112
USDC=EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v
# Clock of the snapshots (2026-07-04), so time-dependent fees are those of the dump.
NOW=1783355400
pools=(
  58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2   # Raydium AMM v4 SOL/USDC
  7JuwJuNU88gurFnyWeiyGKbFmExMWcmRZntn9imEzdny   # Raydium CPMM SOL/USDC
  EGZ7tiLeH62TPV1gL8WwbXGzEPa9zmcpVnnkPKKnrE2U   # Orca token-swap v2 SOL/USDC
  3ucNos4NbumPLZNWztqGHNFFgkHeRMBQAVemeeomsUxv   # Raydium CLMM SOL/USDC
  Czfq3xZZDmsdGdUyrNLtRhGc47cXcZtLG4crryfu44zE   # Orca Whirlpool SOL/USDC
  5rCf1DM8LjKTw4YqhnoLcngyZYeNnQqztScTogYHAS6    # Meteora DLMM SOL/USDC
  8Pm2kZpnxD3hoMmt4bjStX2Pw2Z9abpbHzZxMPqxPmie   # Meteora DAMM v2 SOL/USDC
)
for pool in "${pools[@]}"; do
  "$bin" price --accounts Sources/Simulator/Snapshots --pool "$pool" --now "$NOW" || true
  "$bin" quote --accounts Sources/Simulator/Snapshots --pool "$pool" --input-mint "$SOL" --amount-in 1000000000 --now "$NOW" || true
done
