"""Interop check with an independent Yellowstone server: Python grpcio with the Geyser stubs of
yellowstone-fumarole-client (yellowstone_fumarole_proto), feeding the cache.

Usage: python3 geyser_py_server.py SCRIPT_JSON X_TOKEN REQUESTS_OUT SECONDS
Binds 127.0.0.1:0 (the kernel's port) and prints `listening PORT`. Each Subscribe checks the
x-token, takes the first request's account filters, sends the script's account writes (in its
order, each {pubkey, owner, lamports, data_base64, slot, write_version}) that the filter
names, then a slot update every 50 ms, a ping every second and a pong per client ping, until
the client leaves. Every request received is appended to REQUESTS_OUT as a JSON line. Exits
after SECONDS at most.
"""
import base64
import json
import sys
import threading
import time
from concurrent import futures

import grpc
from yellowstone_fumarole_proto import geyser_pb2, geyser_pb2_grpc

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58decode(s):
    n = 0
    for c in s:
        n = n * 58 + ALPHABET.index(c)
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return b"\0" * (len(s) - len(s.lstrip("1"))) + raw


class Geyser(geyser_pb2_grpc.GeyserServicer):
    def __init__(self, script, token, requests_out):
        self.script, self.token, self.requests_out = script, token, requests_out
        self.lock = threading.Lock()

    def log(self, r):
        line = json.dumps({
            "accounts": {name: sorted(f.account) for name, f in r.accounts.items()},
            "owners": {name: sorted(f.owner) for name, f in r.accounts.items()},
            "slots": sorted(r.slots.keys()),
            "commitment": geyser_pb2.CommitmentLevel.Name(r.commitment) if r.HasField("commitment") else None,
            "from_slot": r.from_slot if r.HasField("from_slot") else None,
            "ping": r.ping.id if r.HasField("ping") else None,
        })
        with self.lock, open(self.requests_out, "a") as f:
            f.write(line + "\n")

    def Subscribe(self, request_iterator, context):
        if dict(context.invocation_metadata()).get("x-token") != self.token:
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "missing or wrong x-token")
        pongs = []
        first = threading.Event()
        wanted = set()

        def read():
            for r in request_iterator:
                self.log(r)
                if r.HasField("ping"):
                    pongs.append(r.ping.id)
                if not first.is_set():
                    for f in r.accounts.values():
                        wanted.update(f.account)
                    first.set()

        threading.Thread(target=read, daemon=True).start()
        if not first.wait(10):
            return
        slot = 0
        for w in self.script:
            if w["pubkey"] not in wanted:
                continue
            u = geyser_pb2.SubscribeUpdate()
            u.filters.append("accounts-0")
            a = u.account.account
            a.pubkey = b58decode(w["pubkey"])
            a.owner = b58decode(w["owner"])
            a.lamports = w["lamports"]
            a.data = base64.b64decode(w["data_base64"])
            a.write_version = w["write_version"]
            u.account.slot = w["slot"]
            slot = max(slot, w["slot"])
            yield u
        last_ping = time.monotonic()
        while context.is_active():
            time.sleep(0.05)
            slot += 1
            s = geyser_pb2.SubscribeUpdate()
            s.filters.append("slots")
            s.slot.slot = slot
            s.slot.status = geyser_pb2.SlotStatus.SLOT_CONFIRMED
            yield s
            while pongs:
                p = geyser_pb2.SubscribeUpdate()
                p.pong.id = pongs.pop(0)
                yield p
            if time.monotonic() - last_ping > 1:
                last_ping = time.monotonic()
                p = geyser_pb2.SubscribeUpdate()
                p.ping.SetInParent()
                yield p

    def SubscribeReplayInfo(self, request, context):
        # This server keeps no history: no first_available, so clients re-snapshot.
        return geyser_pb2.SubscribeReplayInfoResponse()


def main(script_path, token, requests_out, seconds):
    with open(script_path) as f:
        script = json.load(f)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    geyser_pb2_grpc.add_GeyserServicer_to_server(Geyser(script, token, requests_out), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"listening {port}", flush=True)
    server.wait_for_termination(timeout=seconds)
    server.stop(grace=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]))
