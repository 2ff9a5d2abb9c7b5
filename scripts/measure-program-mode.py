#!/usr/bin/env python3
"""Measures the cache following a large simulated cluster (issue 16): `simulate --pools N` and
`run` with every pool in [[pools]] as two processes, over two endpoint spellings of the simulator.
Reports the connections and subscriptions (`/v1/health`), the time until every pool is `ok` and
every connection live, and the CPU of both processes (startup, then a steady window).

usage: scripts/measure-program-mode.py [--pools 10000] [--mode program] [--max-connections 50]
       [--binary .build/release/solana-pool-cache] [--seconds 60] [--swaps-per-slot 2] [--discover]
--discover: no [[pools]]; [discovery] lists every mint the simulator's pools trade, so the cache
follows every pool it discovers (getProgramAccounts) instead of a list.
Every wait is bounded; the children are stopped on exit. Prints one JSON object.
"""
import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def post(port, method, params=None, timeout=30):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read())["result"]


def get(port, path, timeout=10):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
        return json.loads(r.read())


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pools", type=int, default=10_000)
    ap.add_argument("--mode", default="program")
    ap.add_argument("--max-connections", type=int, default=50)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "solana-pool-cache"))
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--swaps-per-slot", type=int, default=2)
    ap.add_argument("--startup-timeout", type=float, default=900)
    ap.add_argument("--discover", action="store_true")
    ap.add_argument("--yellowstone", action="store_true", help="accounts over the simulator's Geyser gRPC stream instead of PubSub")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="spc-measure-")
    sim_log = open(os.path.join(work, "simulator.log"), "w+")
    grpc_args = ["--grpc-port", "0"] if args.yellowstone else []
    sim = subprocess.Popen([args.binary, "simulate", "--port", "0", "--seed", "1", "--pools", str(args.pools), "--swaps-per-slot", str(args.swaps_per_slot)] + grpc_args,
        stdout=sim_log, stderr=subprocess.STDOUT)
    cache = None
    try:
        deadline = time.time() + 300
        ports = None
        while time.time() < deadline and ports is None:
            sim_log.seek(0)
            m = re.search(r"JSON-RPC http://[^:]+:(\d+)\s+PubSub ws://[^:]+:(\d+)", sim_log.read())
            if m:
                ports = (int(m.group(1)), int(m.group(2)))
            elif sim.poll() is not None:
                sys.exit("simulator exited early")
            else:
                time.sleep(0.2)
        if ports is None:
            sys.exit("the simulator printed no ports within 300 s")
        rpc, ws = ports
        grpc_port = None
        if args.yellowstone:
            sim_log.seek(0)
            g = re.search(r"gRPC http://[^:]+:(\d+)", sim_log.read())
            if not g:
                sys.exit("the simulator printed no gRPC port")
            grpc_port = int(g.group(1))
        pools = post(rpc, "simulatorPools")
        api = free_port()
        lines = [
            "[websocket]", f'url = "ws://127.0.0.1:{ws}"', "[rpc]", f'http_url = "http://127.0.0.1:{rpc}"', "requests_per_second = 2000",
            "[[endpoints]]", f'websocket_url = "ws://localhost:{ws}"', f'http_url = "http://localhost:{rpc}"', "requests_per_second = 2000",
            "[api]", f"port = {api}", "[database]", "enabled = false",
            "[ingest]", f'mode = "{args.mode}"', f"max_connections = {args.max_connections}", "stale_after_seconds = 600",
        ]
        if grpc_port:
            lines += ["[yellowstone]", f'endpoint = "http://127.0.0.1:{grpc_port}"']
        if args.discover:
            mints = post(rpc, "simulatorMints")
            lines += ["[discovery]", "mints = [" + ", ".join(f'"{m}"' for m in mints) + "]", "refresh_seconds = 3600"]
        else:
            for p in pools:
                lines += ["[[pools]]", f'address = "{p}"']
        config = os.path.join(work, "config.toml")
        with open(config, "w") as f:
            f.write("\n".join(lines) + "\n")
        cache_log = open(os.path.join(work, "cache.log"), "w+")
        started = time.time()
        cache = subprocess.Popen([args.binary, "run", config], stdout=cache_log, stderr=subprocess.STDOUT)
        health, ready = None, None
        deadline = started + args.startup_timeout
        while time.time() < deadline:
            if cache.poll() is not None:
                cache_log.seek(0)
                sys.exit("the cache exited: " + cache_log.read()[-2000:])
            try:
                health = get(api, "/v1/health")
            except OSError:
                health = None
            conns = (health or {}).get("connections") or []
            live = conns and all(c["state"] == "live" for c in conns)
            if live and health.get("status") == "ok" and health.get("pools_by_status", {}).get("ok") == len(pools):
                ready = time.time() - started
                break
            time.sleep(0.5)
        if ready is None:
            sys.exit(f"not ready within {args.startup_timeout} s: {json.dumps(health)[:2000] if health else 'no health'}")
        startup_cpu = cpu_seconds(cache.pid)
        conns = health["connections"]
        c0, s0, t0 = cpu_seconds(cache.pid), cpu_seconds(sim.pid), time.time()
        time.sleep(args.seconds)
        c1, s1, t1 = cpu_seconds(cache.pid), cpu_seconds(sim.pid), time.time()
        after = get(api, "/v1/health")
        disc = get(api, "/v1/discovery") if args.discover else {}
        cache_log.seek(0)
        progress = [l for l in cache_log.read().splitlines() if "validated" in l or "program subscriptions carrying" in l]
        load = open("/proc/loadavg").read().split()[:3]
        print(json.dumps({
            "swaps_per_slot": args.swaps_per_slot, "loadavg": load,
            "pools": len(pools), "discovered": args.discover,
            "discovery": {k: disc.get(k) for k in ("pools_found", "pools_by_state", "queries_per_run", "last_duration_s")} if args.discover else None,
            "mode": "yellowstone" if args.yellowstone else args.mode, "max_connections": args.max_connections,
            "connections": len(conns),
            "account_subscriptions": sum(c["account_subscriptions"] for c in conns),
            "program_subscriptions": sum(c["program_subscriptions"] for c in conns),
            "startup_seconds": round(ready, 1), "startup_cpu_seconds": round(startup_cpu, 1),
            "steady_cpu_percent_cache": round(100 * (c1 - c0) / (t1 - t0), 1), "steady_cpu_percent_simulator": round(100 * (s1 - s0) / (t1 - t0), 1),
            "rss_mb_cache": round(rss_mb(cache.pid), 1),
            "updates": {k: sum(int(c[k]) for c in after["connections"]) for k in ("updates_received", "updates_applied", "updates_dropped_unfollowed")},
            "status_after": after["status"], "log": progress[-4:],
        }, indent=1))
    finally:
        if cache:
            stop(cache)
        stop(sim)


if __name__ == "__main__":
    main()
