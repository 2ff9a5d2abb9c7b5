#!/usr/bin/env python3
"""Exact-in swaps executed by the DEXes' real program binaries on the fixtures' "Pass 2" accounts
(DAMM v2 pools with an exponential fee scheduler / dynamic fee, the static rust-sdk-result-check
Whirlpools), written in the shared oracle vectors' format to Tests/DexTests/Vectors/oracle-pass2/.

Runs ../shared/tools/oracle/oracle.py (LiteSVM, solders==0.29.0). The binaries are not part of this
repository: fetch them as that tool's README and provenance.json say, into ORACLE_BIN_DIR.

  ORACLE_BIN_DIR=/path/to/bins /path/to/venv/bin/python scripts/oracle-pass2-vectors.py

Clocks are chosen around each pool's own activation point and dynamic-fee update time, so the
vectors walk the fee scheduler's periods and the volatility filter/decay windows.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, ".."))
FIXTURES = os.path.normpath(os.path.join(ROOT, "..", "shared", "fixtures"))
sys.path.insert(0, os.path.normpath(os.path.join(ROOT, "..", "shared", "tools", "oracle")))
from oracle import OracleEnv, P, pda  # noqa: E402

SOL = "So11111111111111111111111111111111111111112"
USDC = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"
MINT_FILES = {
    SOL: "accounts/orca-whirlpool/So11111111111111111111111111111111111111112.json",
    USDC: "accounts/orca-whirlpool/EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v.json",
    "CudisfkgWvMKnZ3TWf6iCuHm8pN2ikXhDcWytwz6f6RN": "accounts/spl-token/synthetic-mints/CudisfkgWvMKnZ3TWf6iCuHm8pN2ikXhDcWytwz6f6RN.json",
    "AVA6P5fq7btshKU8zZLueyJJqybLGT7x72jaPYBqjups": "accounts/spl-token/synthetic-mints/AVA6P5fq7btshKU8zZLueyJJqybLGT7x72jaPYBqjups.json",
    "KMNo3nJsBXfcpJTVhZcXLW7RmTwTt4GVFE7suUBo9sS": "accounts/spl-token/synthetic-mints/KMNo3nJsBXfcpJTVhZcXLW7RmTwTt4GVFE7suUBo9sS.json",
    "J1toso1uCk3RLmjorhTtrVwY9HJ7X8V9yYac6Y7kGCPn": "accounts/spl-token/synthetic-mints/J1toso1uCk3RLmjorhTtrVwY9HJ7X8V9yYac6Y7kGCPn.json",
}
# Powers up to past each pool's depth, plus the two static Whirlpool pins' inputs (4,325,437 USDC into
# 4VGe, 16,155,704 JitoSOL into Hp53), so the SDK's published outputs meet the program's.
SIZES = [1, 7, 1_000, 123_457, 4_325_437, 16_155_704, 10**7, 10**9, 3 * 10**10, 10**12, 10**14, 10**16]

# (dex, pool, folder, mints, clocks [(unix_timestamp, slot, epoch)])
CASES = [
    # Exponential scheduler from activation 1749122805: 120 periods of 60 s, then the floor; the
    # dynamic fee's last update 1750195943 (filter 10 s, decay 120 s).
    ("meteora-damm-v2", "E8zRkDw3UdzRc8qVWmqyQ9MLj7jhgZDHSroYud5t25A7", "accounts/meteora-damm-v2/damm-v2-E8zRk",
     ["CudisfkgWvMKnZ3TWf6iCuHm8pN2ikXhDcWytwz6f6RN", SOL],
     [(1749122805, 345_000_000, 800), (1749122865, 345_000_150, 800), (1749124600, 345_004_500, 800),
      (1749129999, 345_018_000, 800), (1750195943, 347_700_000, 802), (1750195950, 347_700_020, 802),
      (1750196000, 347_700_150, 802), (1750196300, 347_700_900, 802)]),
    # No scheduler, dynamic fee with volatility 200000 last updated 1753750263 (the source's test clock
    # 1753751761 / slot 356410171 is one of the clocks).
    ("meteora-damm-v2", "3u2BK3ykdjv1hAeGQwAkZMxjb4otV5yvW7g72uviCaZZ", "accounts/meteora-damm-v2/damm-v2-3u2BK",
     ["AVA6P5fq7btshKU8zZLueyJJqybLGT7x72jaPYBqjups", USDC],
     [(1753750263, 356_406_400, 824), (1753750270, 356_406_420, 824), (1753750300, 356_406_500, 824),
      (1753751761, 356_410_171, 824)]),
    # Concentrated SOL/USDC with a bounded price range; dynamic fee on, accumulator 0.
    ("meteora-damm-v2", "CGPxT5d1uf9a8cKVJuZaJAU76t2EfLGbTmRbfvLLZp5j", "accounts/meteora-damm-v2/damm-v2-CGPxT5",
     [SOL, USDC], [(1754982384, 359_500_000, 832), (1754982500, 359_500_300, 832)]),
    # The static-fee rust-sdk-result-check Whirlpools (fixed tick arrays; the 2025-04 binary predates
    # adaptive fees and dynamic tick arrays, so 4Hpp and 2nJj are left to the SDK pins).
    ("orca-whirlpool", "4VGetbiGroMGmFsqedF6t6PyYXXk9mzwxV8b7BSb3s9T", "accounts/orca-whirlpool/rust-sdk-result-check-4VGe",
     ["KMNo3nJsBXfcpJTVhZcXLW7RmTwTt4GVFE7suUBo9sS", USDC], [(1757467270, 365_795_240, 846)]),
    ("orca-whirlpool", "Hp53XEtt4S8SvPCXarsLSdGfZBuUr5mMmZmX2DRNXQKp", "accounts/orca-whirlpool/rust-sdk-result-check-Hp53",
     [SOL, "J1toso1uCk3RLmjorhTtrVwY9HJ7X8V9yYac6Y7kGCPn"], [(1757467270, 365_795_240, 846)]),
]


def main():
    out_dir = os.path.join(ROOT, "Tests", "DexTests", "Vectors", "oracle-pass2")
    os.makedirs(out_dir, exist_ok=True)
    by_dex = {}
    for dex, pool, folder, mints, clocks in CASES:
        files = sorted(os.path.join(folder, f) for f in os.listdir(os.path.join(FIXTURES, folder)) if f.endswith(".json"))
        files += [MINT_FILES[m] for m in mints]
        for now, slot, epoch in clocks:
            env = OracleEnv(dex, [os.path.join(FIXTURES, f) for f in files], now=now, slot=slot, epoch=epoch)
            for mint in mints:
                for size in SIZES:
                    r = env.swap(pool, mint, size)
                    v = {"pool": pool, "input_mint": mint, "amount_in": str(size), "ok": bool(r["ok"]),
                         "amount_out": None if r["amount_out"] is None else str(r["amount_out"]),
                         "error": r["error"], "clock_unix_timestamp": now, "slot": slot, "epoch": epoch,
                         "program_binary_sha256": env.program_sha256, "accounts": files,
                         "synthesized": sorted(set(reason for _, reason in env.synth.values()))}
                    # Tick arrays the program was handed that the dump lacks: the program (sparse swap)
                    # treats them as empty; a cache learns the same from RPC (the account is null).
                    absent = [str(pda([b"tick_array", bytes(P(pool)), str(start).encode()], env.program_id))
                              for start, present in zip(r.get("tick_array_starts", []), r.get("tick_arrays_present", []))
                              if not present]
                    if absent:
                        v["absent_accounts"] = absent
                    if r.get("exceeds_mainnet_cu_cap"):
                        v["caveat"] = "exceeds the mainnet 1.4M CU cap"
                    by_dex.setdefault(dex, []).append(v)
    for dex, vectors in by_dex.items():
        with open(os.path.join(out_dir, f"{dex}.json"), "w") as fh:
            json.dump(vectors, fh, indent=0)
            fh.write("\n")
        ok = sum(v["ok"] for v in vectors)
        print(f"{dex}: {len(vectors)} vectors, {ok} ok, {len(vectors) - ok} refused")


if __name__ == "__main__":
    main()
