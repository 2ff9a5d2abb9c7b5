#!/usr/bin/env python3
"""Runs every XCTest case of the package in parallel, each in its own process with a deadline.

Why not `swift test --parallel`: it has no per-test timeout, so one test stuck on a child process
or a socket holds the whole CI run until the CI's own limit, and its name is never printed (SwiftPM
reports a test only when it finishes). Here a test that outlives its deadline has its process group
killed (children too), is reported with the output it had printed, and is run once more; a second
timeout fails the run. An assertion failure is never retried.

usage: scripts/run-xctests.py [--workers N] [--timeout SECONDS] [FILTER_SUBSTRING]
(after `swift build --build-tests`; runs from the package root)
"""
import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, ".build", "debug", "solana-pool-cachePackageTests.xctest")


def list_tests():
    out = subprocess.run([BINARY, "--list-tests"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [line.strip() for line in out.splitlines() if "/" in line and not line.startswith("Listing")]


def descendants(root):
    """Every live process below `root`, from /proc's parent links."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                # pid (comm) state ppid ...: comm may hold spaces, so split after its ')'.
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, stack = [], [root]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def run_one(name, timeout):
    """(status, seconds, output): status is 'passed', 'failed' or 'timeout'."""
    start = time.monotonic()
    proc = subprocess.Popen([BINARY, name], cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    chunks = []
    reader = threading.Thread(target=lambda: chunks.append(proc.stdout.read()), daemon=True)
    reader.start()
    try:
        proc.wait(timeout=timeout)
        status = "passed" if proc.returncode == 0 else "failed"
    except subprocess.TimeoutExpired:
        status = "timeout"
    # Everything the test started must not outlive it: its process group, and its descendants
    # (Foundation's Process starts children in a session of their own, out of the group's reach),
    # collected before the kill makes them orphans.
    for pid in descendants(proc.pid) + [proc.pid]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    reader.join(timeout=5)
    output = (chunks[0] if chunks else b"").decode("utf-8", "replace")
    return status, time.monotonic() - start, output


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=float(os.environ.get("XCTEST_TIMEOUT", "300")))
    parser.add_argument("filter", nargs="?", default="")
    args = parser.parse_args()

    tests = [t for t in list_tests() if args.filter in t]
    if not tests:
        print(f"run-xctests: no test matches {args.filter!r}", file=sys.stderr)
        return 1
    lock = threading.Lock()
    done = [0]
    results = {}

    def job(name):
        status, seconds, output = run_one(name, args.timeout)
        attempts = [(status, seconds, output)]
        if status == "timeout":
            with lock:
                print(f"run-xctests: TIMEOUT after {seconds:.0f} s: {name}; its output:\n{output}\nrun-xctests: running it once more",
                      flush=True)
            status, seconds, output = run_one(name, args.timeout)
            attempts.append((status, seconds, output))
        with lock:
            done[0] += 1
            results[name] = attempts
            print(f"[{done[0]}/{len(tests)}] {status:7} {seconds:6.1f}s {name}", flush=True)
            if status != "passed":
                print(output, flush=True)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        list(pool.map(job, tests))

    failed = [n for n, a in results.items() if a[-1][0] != "passed"]
    retried = [n for n, a in results.items() if len(a) > 1 and a[-1][0] == "passed"]
    slowest = sorted(results.items(), key=lambda kv: -kv[1][-1][1])[:8]
    print("run-xctests: slowest: " + ", ".join(f"{n.split('/')[-1]} {a[-1][1]:.0f}s" for n, a in slowest))
    for name in retried:
        print(f"run-xctests: timed out once, passed on the second run: {name}")
    for name in failed:
        print(f"run-xctests: FAILED ({results[name][-1][0]}): {name}")
    print(f"run-xctests: {len(tests) - len(failed)}/{len(tests)} passed, {len(failed)} failed, "
          f"{len(retried)} passed after a timeout, {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
