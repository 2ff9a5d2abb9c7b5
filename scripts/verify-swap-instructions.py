#!/usr/bin/env python3
"""Checks the `swap-instructions` CLI against the DEXes' real program binaries and writes golden vectors.

For each DEX with a binary, random exact-in swaps (both directions) on the fixture pools of
../shared/fixtures/oracle/<dex>.json (same accounts and clock): the CLI builds the instructions for the
oracle's user, the oracle (../shared/tools/oracle, solders LiteSVM) executes setup + swap instructions,
and the program must accept them and pay exactly the CLI's quoted outAmount. Exact-out variants are
run too (amount_out = an exact-in quote's output, max in = that quote's input): the program must
accept them and pay exactly amount_out. Every checked case is written to
Tests/DexTests/Vectors/swap-instructions/<dex>.json.

It neither builds nor fetches anything: run it with a built CLI and the binaries fetched per
../shared/tools/oracle/README.md:
  ORACLE_BIN_DIR=/work/oracle-bin /work/oracle-venv/bin/python scripts/verify-swap-instructions.py \
      --cli .build/debug/solana-pool-cache [--count 60] [--seed 22] [--dex raydium-cpmm ...]
"""
import argparse, hashlib, json, math, os, random, subprocess, sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.normpath(os.path.join(REPO, "..", "shared"))
FIXTURES = os.path.join(SHARED, "fixtures")
sys.path.insert(0, os.path.join(SHARED, "tools", "oracle"))
import oracle  # noqa: E402

DEXES = ["raydium-amm-v4", "raydium-cpmm", "raydium-clmm", "orca-whirlpool", "meteora-dlmm", "meteora-damm-v1", "meteora-damm-v2"]
NO_EXACT_OUT = {"meteora-damm-v1"}


def fixture_path(listed):
    return listed[len("shared/fixtures/"):] if listed.startswith("shared/fixtures/") else listed


def configs(dex):
    """(pool, accounts, now, slot, epoch) -> {input_mint: [ok amounts]} from the shared oracle vectors."""
    out = {}
    for v in json.load(open(os.path.join(FIXTURES, "oracle", dex + ".json"))):
        key = (v["pool"], tuple(fixture_path(a) for a in v["accounts"]), v["clock_unix_timestamp"], v.get("slot") or 0, v["epoch"])
        d = out.setdefault(key, {})
        if v["ok"] and not v.get("caveat") and int(v["amount_out"]) > 0:
            d.setdefault(v["input_mint"], []).append(int(v["amount_in"]))
    return out


def cli(args, exe):
    p = subprocess.run([exe, "swap-instructions"] + args, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        return None, (p.stderr or p.stdout).strip()
    return json.loads(p.stdout), None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", default=os.path.join(REPO, ".build", "debug", "solana-pool-cache"))
    ap.add_argument("--count", type=int, default=60, help="exact-in swaps per DEX")
    ap.add_argument("--exact-out", type=int, default=12, help="exact-out swaps per DEX")
    ap.add_argument("--seed", type=int, default=22)
    ap.add_argument("--dex", nargs="*", default=DEXES)
    ap.add_argument("--out", default=os.path.join(REPO, "Tests", "DexTests", "Vectors", "swap-instructions"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    summary = {}
    for dex in a.dex:
        rng = random.Random(f"{a.seed}:{dex}")
        cfgs = [(k, m) for k, m in configs(dex).items() if m]
        envs = {}
        vectors = []
        tally = {"built": 0, "accepted": 0, "equal": 0, "not_built": 0, "exact_out_built": 0, "exact_out_accepted": 0,
                 "exact_out_exact": 0, "wrapped": 0,
                 "exact_out_tight_max_in": 0, "exact_out_one_less_refused": 0}
        cases = []
        for i in range(a.count + a.exact_out):
            key, mints = cfgs[i % len(cfgs)]
            ms = sorted(mints)
            mint = ms[(i // len(cfgs)) % len(ms)]  # alternate directions
            lo, hi = min(mints[mint]), max(mints[mint])
            amount = int(math.exp(rng.uniform(math.log(max(lo, 1)), math.log(max(hi, lo + 1)))))
            cases.append((key, mint, amount, "ExactOut" if i >= a.count else "ExactIn", None))
        sol_cases = 0
        while cases:
            # follow: None, or (amount_out, max_amount_in, program should accept) for an exact-out re-run
            key, mint, amount, mode, follow = cases.pop(0)
            pool, accounts, now, slot, epoch = key
            # Every other exact-in swap from SOL keeps the wrap (ATA, system transfer, SyncNative) in setup;
            # the cleanup (CloseAccount) is left out of the run, as the oracle reads the input account after.
            # (at most 50 SOL: the oracle airdrops the user 100 SOL per run, the wrap spends real lamports)
            from_sol = mode == "ExactIn" and mint == str(oracle.WSOL) and amount <= 50_000_000_000
            wrap = from_sol and sol_cases % 2 == 0
            sol_cases += from_sol
            if key not in envs:
                envs[key] = oracle.OracleEnv(dex, [os.path.join(FIXTURES, p) for p in accounts], now=now, slot=slot, epoch=epoch)
            env = envs[key]
            user = str(env.user.pubkey())
            own = env.swap(pool, mint, amount)  # the oracle's own builder: also synthesises what the dumps lack
            base = ["--accounts"] + [os.path.join(FIXTURES, p) for p in accounts] + [
                "--pool", pool, "--input-mint", mint, "--user", user, "--now", str(now), "--slot", str(slot), "--epoch", str(epoch)] + (
                [] if wrap else ["--no-wrap-and-unwrap-sol"])
            quote, err = cli(base + ["--amount-in", str(amount)], a.cli)
            if mode == "ExactOut":
                if quote is None or dex in NO_EXACT_OUT:
                    continue
                want_out, max_in = (int(quote["outAmount"]), amount) if follow is None else follow[:2]
                built, err = cli(base + ["--amount-out", str(want_out), "--max-amount-in", str(max_in)], a.cli)
            else:
                built = quote
            rec = {"dex": dex, "pool": pool, "accounts": list(accounts), "now": now, "slot": slot, "epoch": epoch, "user": user,
                   "input_mint": mint, "swap_mode": mode, "wrap_and_unwrap_sol": wrap}
            if mode == "ExactIn":
                rec.update({"amount_in": str(amount), "slippage_bps": 50})
            else:
                rec.update({"amount_out": str(want_out), "max_amount_in": str(max_in),
                            "program_should_accept": True if follow is None else follow[2]})
            if built is None:
                tally["not_built"] += 1
                rec.update({"built": False, "error": err})
                vectors.append(rec)
                continue
            ixs = built["setupInstructions"] + built["swapInstructions"]
            res = env.run_instructions(ixs, mint, own_output_mint(env, dex, pool, mint), amount)
            rec.update({"built": True, "instructions": {k: built[k] for k in ("computeBudgetInstructions", "setupInstructions",
                                                                                 "swapInstructions", "cleanupInstruction",
                                                                                 "computeUnitEstimate")},
                        "quoted_out": built["outAmount"], "other_amount_threshold": built["otherAmountThreshold"],
                        "expected": {"ok": res["ok"], "amount_out": None if res["amount_out"] is None else str(res["amount_out"]),
                                     "amount_in_consumed": None if res.get("amount_in_consumed") is None else str(res["amount_in_consumed"]),
                                     "compute_units": res["compute_units"], "error": res["error"]},
                        "oracle_own_builder_out": None if own.get("amount_out") is None else str(own["amount_out"]),
                        "program_binary_sha256": res["program_binary_sha256"],
                        "synthesized_accounts": sorted(str(k) for k in env.synth)})
            if not res["ok"]:
                rec["logs_tail"] = res["logs_tail"]
            if mode == "ExactIn":
                tally["built"] += 1
                tally["accepted"] += res["ok"]
                tally["equal"] += bool(res["ok"] and str(res["amount_out"]) == built["outAmount"])
                tally["wrapped"] += wrap
            elif follow is None:
                tally["exact_out_built"] += 1
                tally["exact_out_accepted"] += res["ok"]
                tally["exact_out_exact"] += bool(res["ok"] and str(res["amount_out"]) == built["outAmount"]
                                                 and res["amount_in_consumed"] <= max_in)
                if res["ok"] and res["amount_in_consumed"] > 0:
                    # The program's own input for that output as the maximum is enough; one unit less is not.
                    used = res["amount_in_consumed"]
                    cases[0:0] = [(key, mint, amount, mode, (want_out, used, True)), (key, mint, amount, mode, (want_out, used - 1, False))]
            else:
                ok_as_expected = res["ok"] == follow[2] and (not res["ok"] or str(res["amount_out"]) == str(want_out))
                tally["exact_out_tight_max_in" if follow[2] else "exact_out_one_less_refused"] += ok_as_expected
            vectors.append(rec)
        with open(os.path.join(a.out, dex + ".json"), "w") as f:  # one vector per line
            f.write("[\n" + ",\n".join(json.dumps(r, separators=(",", ":")) for r in vectors) + "\n]\n")
        summary[dex] = tally
        print(dex, json.dumps(tally), flush=True)
    print(json.dumps(summary, indent=1))


def own_output_mint(env, dex, pool, mint):
    """The pool's other mint, read by the oracle's own builder (the swap it just ran)."""
    builder = getattr(env, "_ix_" + dex.replace("-", "_"))
    _, _, _, _, out_mint, _ = builder(oracle.P(pool), oracle.P(mint), 1, 0)
    return out_mint


if __name__ == "__main__":
    main()
