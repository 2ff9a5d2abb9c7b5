#!/usr/bin/env python3
"""Exact-out vectors from the DEXes' real program binaries (../shared/tools/oracle, LiteSVM).

For each DEX whose program swaps exact-out and has a binary, on the fixture accounts and clocks of
../shared/fixtures/oracle/<dex>.json, random cases both directions:
  1. an exact-in swap of a random size (the program's own swap_base_in/swap/swap2) gives a
     reachable output X; the requested output is a random amount_out in [1, X];
  2. the program's EXACT-OUT instruction (same accounts, its exact-out data: AMM v4 swap_base_out
     (11), CPMM swap_base_output, CLMM swap_v2 is_base_input=false, Whirlpool swap/swap_v2
     amount_specified_is_input=false without a price limit, DLMM swap_exact_out2, DAMM v2 swap2
     swap_mode=ExactOut) with a generous max input: what it debits and pays;
  3. the same instruction with max input = that debit (must be accepted) and debit − 1 (must be
     refused: the program needs exactly that input);
  4. the exact-IN swap of the debit pays at least amount_out, and of debit − 1 pays less (recorded;
     where a program's exact-out rounding differs the exact-out instruction is the reference).
Writes Tests/DexTests/Vectors/exact-out/<dex>.json. Binaries per ../shared/tools/oracle/README.md.

  ORACLE_BIN_DIR=/work/oracle-bin-eo /work/oracle-venv-eo/bin/python scripts/oracle-exact-out.py [--cases 60] [--dex D]
"""
import argparse
import base64
import json
import os
import random
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared"))
sys.path.insert(0, os.path.join(SHARED, "tools", "oracle"))
import oracle  # noqa: E402

FIXTURES = os.path.join(SHARED, "fixtures")
OUT_DIR = os.path.join(ROOT, "Tests", "DexTests", "Vectors", "exact-out")
FUNDING = 1 << 62  # the user's input balance: any debit fits
# Refusals that only these (older) binaries make, by (dex, custom error code): their spl-math
# checked_ceil_div returns 0 when the quotient is 0 and 2a < b, so a tiny output needs "0" input
# and the program refuses; today's programs use a plain ceil (raydium-amm 78c6a81, 2025-08-26;
# raydium-cp-swap b0b2a08, 2025-08-18) and charge 1.
CAVEATS = {
    ("raydium-amm-v4", "29"): "2025-05 binary: old checked_ceil_div gives swap_in 0 for this tiny output (InvalidInput); "
                              "fixed in raydium-amm 78c6a81",
    ("raydium-cpmm", "2505"): "2025-02 binary: old checked_ceil_div gives source_amount_swapped 0 for this tiny output "
                              "(require_gt); fixed in raydium-cp-swap b0b2a08",
}


def exact_out_data(dex, exact_in_data, amount_out, max_in):
    """The program's exact-out instruction data, from its exact-in data (same accounts)."""
    d = exact_in_data
    if dex == "raydium-amm-v4":  # SwapInstructionBaseOut { max_amount_in, amount_out } = 11
        return bytes([11]) + struct.pack("<QQ", max_in, amount_out)
    if dex == "raydium-cpmm":  # swap_base_output(max_amount_in, amount_out)
        return oracle.anchor_disc("swap_base_output") + struct.pack("<QQ", max_in, amount_out)
    if dex == "raydium-clmm":  # swap_v2(amount, other_amount_threshold, sqrt_price_limit_x64 = 0, is_base_input = false)
        return d[:8] + struct.pack("<QQ", amount_out, max_in) + bytes(16) + b"\x00"
    if dex == "orca-whirlpool":  # swap/swap_v2(amount, threshold, sqrt_price_limit = 0 (none), is_input = false, a_to_b[, ..])
        return d[:8] + struct.pack("<QQ", amount_out, max_in) + bytes(16) + b"\x00" + d[8 + 32 + 1:]
    if dex == "meteora-dlmm":  # swap_exact_out2(max_in_amount, out_amount, remaining_accounts_info)
        return oracle.anchor_disc("swap_exact_out2") + struct.pack("<QQ", max_in, amount_out) + d[8 + 16:]
    if dex == "meteora-damm-v2":  # swap2(SwapParameters2 { amount_0 = out, amount_1 = max in, swap_mode = ExactOut (2) })
        return oracle.anchor_disc("swap2") + struct.pack("<QQB", amount_out, max_in, 2)
    raise ValueError(dex)


def run_exact_out(env, dex, pool, input_mint, amount_out, max_in):
    builder = getattr(env, "_ix_" + dex.replace("-", "_"))
    ixs, user_in, user_out, in_mint, out_mint, _ = builder(oracle.P(pool), oracle.P(input_mint), 1, 0)
    ix = ixs[0]
    shaped = [{"programId": str(ix.program_id),
               "accounts": [{"pubkey": str(a.pubkey), "isSigner": a.is_signer, "isWritable": a.is_writable} for a in ix.accounts],
               "data": base64.b64encode(exact_out_data(dex, bytes(ix.data), amount_out, max_in)).decode()}]
    r = env.run_instructions(shaped, in_mint, out_mint, FUNDING, user_in=user_in, user_out=user_out)
    return {"ok": r["ok"], "debited": r.get("amount_in_consumed"), "received": r.get("amount_out"),
            "error": r.get("error"), "compute_units": r.get("compute_units")}


def environments(dex):
    """One oracle environment per (pool, accounts, clock) in the shared exact-in vectors."""
    vectors = json.load(open(os.path.join(FIXTURES, "oracle", f"{dex}.json")))
    seen = {}
    for v in vectors:
        key = (v["pool"], tuple(v["accounts"]), v.get("clock_unix_timestamp"), v.get("slot"), v.get("epoch"))
        seen.setdefault(key, []).append(v)
    for (pool, listed, now, slot, epoch), vs in seen.items():
        # A few DLMM entries name a file as "shared/fixtures/accounts/…": same file, relative to the fixtures.
        accounts = tuple(a[len("shared/fixtures/"):] if a.startswith("shared/fixtures/") else a for a in listed)
        paths = [os.path.join(FIXTURES, a) for a in accounts]
        env = oracle.OracleEnv(dex, paths, now=now, slot=slot, epoch=epoch)
        yield pool, list(accounts), now, slot, epoch, vs, env


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=60, help="cases per DEX (split over its pools and both directions)")
    ap.add_argument("--dex", action="append")
    ap.add_argument("--seed", type=int, default=22)
    a = ap.parse_args()
    dexes = a.dex or ["raydium-amm-v4", "raydium-cpmm", "raydium-clmm", "orca-whirlpool", "meteora-dlmm", "meteora-damm-v2"]
    os.makedirs(OUT_DIR, exist_ok=True)
    rng = random.Random(a.seed)
    for dex in dexes:
        envs = list(environments(dex))
        cases, tally = [], {"accepted": 0, "refused": 0, "max_in_exact_accepted": 0, "max_in_minus_1_refused": 0,
                            "exact_in_pays": 0, "exact_in_minus_1_short": 0, "received_exact": 0}
        attempts = 0
        while len(cases) < a.cases and attempts < a.cases * 6:
            attempts += 1
            pool, accounts, now, slot, epoch, vs, env = envs[attempts % len(envs)]
            ok_in = [v for v in vs if v["ok"]]
            if not ok_in:
                continue
            mints = sorted({v["input_mint"] for v in ok_in})
            input_mint = mints[attempts // len(envs) % len(mints)]
            sizes = [int(v["amount_in"]) for v in ok_in if v["input_mint"] == input_mint]
            size = rng.randint(1, max(sizes))
            probe = env.swap(pool, input_mint, size)
            if not probe["ok"] or not probe["amount_out"]:
                continue
            # Log-uniform in [1, reachable output].
            amount_out = max(1, int(round(probe["amount_out"] ** rng.random())))
            big = run_exact_out(env, dex, pool, input_mint, amount_out, FUNDING)
            case = {"pool": pool, "input_mint": input_mint, "amount_out": str(amount_out), "accounts": accounts,
                    "clock_unix_timestamp": now, "slot": slot, "epoch": epoch, "program": big}
            if big["ok"]:
                tally["accepted"] += 1
                debit = big["debited"]
                tally["received_exact"] += big["received"] == amount_out
                exact = run_exact_out(env, dex, pool, input_mint, amount_out, debit)
                less = run_exact_out(env, dex, pool, input_mint, amount_out, debit - 1)
                case["max_in_exact_accepted"] = exact["ok"] and exact["debited"] == debit
                case["max_in_minus_1_refused"] = not less["ok"]
                tally["max_in_exact_accepted"] += case["max_in_exact_accepted"]
                tally["max_in_minus_1_refused"] += case["max_in_minus_1_refused"]
                pays = env.swap(pool, input_mint, debit)
                short = env.swap(pool, input_mint, debit - 1) if debit > 1 else {"ok": False, "amount_out": 0}
                case["exact_in_of_debit"] = pays["amount_out"] if pays["ok"] else None
                case["exact_in_of_debit_minus_1"] = short["amount_out"] if short["ok"] else None
                tally["exact_in_pays"] += bool(pays["ok"] and pays["amount_out"] >= amount_out)
                tally["exact_in_minus_1_short"] += (not short["ok"]) or (short["amount_out"] or 0) < amount_out
            else:
                tally["refused"] += 1
                why = CAVEATS.get((dex, (big["error"] or "").split("InstructionErrorCustom(")[-1].split(")")[0]))
                if why:
                    case["caveat"] = why
                    tally["caveats"] = tally.get("caveats", 0) + 1
            cases.append(case)
        directions = {}
        for c in cases:
            directions[c["input_mint"]] = directions.get(c["input_mint"], 0) + 1
        out = {"dex": dex, "program_binary_sha256": envs[0][-1].program_sha256, "seed": a.seed,
               "generated_by": "scripts/oracle-exact-out.py", "tally": tally, "cases_by_input_mint": directions, "cases": cases}
        with open(os.path.join(OUT_DIR, f"{dex}.json"), "w") as f:
            json.dump(out, f, indent=1)
            f.write("\n")
        print(dex, len(cases), "cases", json.dumps(tally), json.dumps(directions), flush=True)


if __name__ == "__main__":
    main()
