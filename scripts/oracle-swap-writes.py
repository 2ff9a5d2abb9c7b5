#!/usr/bin/env python3
"""What each DEX's real program writes on a swap: for a few exact-in swaps per DEX (taken from the
shared oracle vectors' accepted swaps, both directions, small to large), runs the swap on the
program binary with the shared oracle tool (../shared/tools/oracle, LiteSVM) and records the
bytes the program changed in every fixture account (offset, new bytes). The simulator's write-back is
checked against them (Tests/DexTests/ProgramWritesTests.swift), so a simulated swap sends
the notifications, and leaves the bytes, that the chain's would.

  ORACLE_BIN_DIR=/dir/with/binaries /path/to/venv/bin/python scripts/oracle-swap-writes.py

Writes Tests/DexTests/Vectors/program-writes.json. Accounts the tool had to synthesize (vaults
absent from a dump, an old-layout observation, the user's token accounts) are not recorded.
"""
import base64
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, ".."))
FIXTURES = os.path.normpath(os.path.join(ROOT, "..", "shared", "fixtures"))
sys.path.insert(0, os.path.normpath(os.path.join(ROOT, "..", "shared", "tools", "oracle")))
from oracle import OracleEnv  # noqa: E402

DEXES = ["raydium-amm-v4", "raydium-cpmm", "raydium-clmm", "orca-whirlpool", "meteora-dlmm", "meteora-damm-v1",
         "meteora-damm-v2"]
PER_DIRECTION = 3


def pick(vectors):
    """Per pool and direction: the smallest, a middle and the largest accepted swap without caveat."""
    groups = {}
    for v in vectors:
        if v["ok"] and not v.get("caveat") and int(v["amount_out"]) > 0:
            groups.setdefault((v["pool"], v["input_mint"]), []).append(v)
    chosen = []
    for key in sorted(groups):
        g = sorted(groups[key], key=lambda v: int(v["amount_in"]))
        idx = sorted({0, len(g) // 2, len(g) - 1})[:PER_DIRECTION]
        chosen += [g[i] for i in idx]
    return chosen


def runs(before, after):
    """Changed bytes as [offset, hex of the new bytes] runs (gaps under 8 bytes merged)."""
    out = []
    for i in (i for i in range(len(after)) if after[i] != before[i]):
        if out and i <= out[-1][1] + 8:
            out[-1][1] = i
        else:
            out.append([i, i])
    return [[lo, after[lo:hi + 1].hex()] for lo, hi in out]


def main():
    out = []
    for dex in DEXES:
        vectors = json.load(open(os.path.join(FIXTURES, "oracle", f"{dex}.json")))
        for v in pick(vectors):
            # A few DLMM entries name a file as "shared/fixtures/accounts/…": the same file.
            v["accounts"] = [a[len("shared/fixtures/"):] if a.startswith("shared/fixtures/") else a for a in v["accounts"]]
            paths = [os.path.join(FIXTURES, a) for a in v["accounts"]]
            env = OracleEnv(dex, paths, now=v["clock_unix_timestamp"], slot=v.get("slot"), epoch=v["epoch"])
            r = env.swap(v["pool"], v["input_mint"], int(v["amount_in"]))
            assert r["ok"] and str(r["amount_out"]) == v["amount_out"], (dex, v, r)
            written, synthesized = [], []
            # Token accounts the dump lacks (vaults) are fabricated by the tool: recorded with their
            # pre-swap bytes so the simulator swaps the same state.
            for key, (acc, reason) in env.synth.items():
                if "vault missing" in reason:
                    synthesized.append({"address": str(key), "owner": str(acc.owner), "reason": reason,
                                        "data_base64": base64.b64encode(bytes(acc.data)).decode()})
                    env.accounts[key] = acc
            for key, before in env.accounts.items():
                if key in env.synth and not any(s["address"] == str(key) for s in synthesized):
                    continue
                after = env.svm.get_account(key)
                a, b = bytes(after.data) if after is not None else None, bytes(before.data)
                if a is not None and a != b:
                    assert len(a) == len(b), (dex, str(key))
                    written.append({"address": str(key), "owner": str(after.owner), "changes": runs(b, a)})
            out.append({"dex": dex, "pool": v["pool"], "input_mint": v["input_mint"], "amount_in": v["amount_in"],
                        "amount_out": v["amount_out"], "clock_unix_timestamp": v["clock_unix_timestamp"],
                        "slot": v.get("slot"), "epoch": v["epoch"], "accounts": v["accounts"],
                        "program_binary_sha256": env.program_sha256, "synthesized": synthesized, "written": written})
        print(dex, sum(1 for o in out if o["dex"] == dex), "swaps")
    dest = os.path.join(ROOT, "Tests", "DexTests", "Vectors")
    os.makedirs(dest, exist_ok=True)
    with open(os.path.join(dest, "program-writes.json"), "w") as fh:
        json.dump(out, fh, indent=0)
        fh.write("\n")


if __name__ == "__main__":
    main()
