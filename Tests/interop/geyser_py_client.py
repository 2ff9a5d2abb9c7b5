"""Interop check with an independent Yellowstone client: Python grpcio with the Geyser stubs of
yellowstone-fumarole-client (yellowstone_fumarole_proto) against the simulator's gRPC service.

Usage: python3 geyser_py_client.py ADDR X_TOKEN KEYS_CSV OWNER DATASIZE MEMCMP_B58 SECONDS
Prints one JSON object:
  live:    account updates of a live Subscribe (filter "pools" by pubkey, filter "by_owner" by
           owner + datasize + memcmp), the slots seen, whether a server ping and the pong to
           our ping (id 7) arrived;
  replay:  SubscribeReplayInfo's first_available, and the account updates of a second Subscribe
           with from_slot = the first live account update's slot;
  too_old: the status code of a Subscribe with from_slot older than retained.
Every wait is bounded by SECONDS; the process exits on its own.
"""
import base64
import json
import queue
import sys
import threading
import time

import grpc
from yellowstone_fumarole_proto import geyser_pb2, geyser_pb2_grpc

PING_ID = 7


def request(keys, owner, datasize, memcmp, from_slot=None, ping=None):
    r = geyser_pb2.SubscribeRequest()
    r.accounts["pools"].account.extend(keys)
    by_owner = r.accounts["by_owner"]
    by_owner.owner.append(owner)
    by_owner.filters.add().datasize = datasize
    m = by_owner.filters.add().memcmp
    m.offset = 0
    m.base58 = memcmp
    r.slots["slots"].filter_by_commitment = True
    r.commitment = geyser_pb2.CommitmentLevel.CONFIRMED
    if from_slot is not None:
        r.from_slot = from_slot
    if ping is not None:
        r.ping.id = ping
    return r


def b58(raw):
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    n = int.from_bytes(raw, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = alphabet[r] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out


def stream(stub, metadata, first, seconds, extra=None):
    """Runs one Subscribe for `seconds`: returns (account updates, slots, got_ping, pongs)."""
    outgoing = queue.Queue()
    outgoing.put(first)
    if extra is not None:
        outgoing.put(extra)
    done = threading.Event()

    def requests():
        while not done.is_set():
            try:
                yield outgoing.get(timeout=0.1)
            except queue.Empty:
                continue

    call = stub.Subscribe(requests(), metadata=metadata, timeout=seconds + 30)
    timer = threading.Timer(seconds, call.cancel)
    timer.start()
    accounts, slots, got_ping, pongs = [], [], False, []
    try:
        for u in call:
            kind = u.WhichOneof("update_oneof")
            if kind == "account":
                a = u.account.account
                accounts.append({
                    "pubkey": b58(a.pubkey), "owner": b58(a.owner), "lamports": a.lamports,
                    "data_base64": base64.b64encode(a.data).decode(), "write_version": a.write_version,
                    "slot": u.account.slot, "filters": sorted(u.filters),
                })
            elif kind == "slot":
                slots.append(u.slot.slot)
            elif kind == "ping":
                got_ping = True
            elif kind == "pong":
                pongs.append(u.pong.id)
    except grpc.RpcError as e:
        if e.code() != grpc.StatusCode.CANCELLED:
            raise
    finally:
        timer.cancel()
        done.set()
    return accounts, slots, got_ping, pongs


def main(addr, token, keys_csv, owner, datasize, memcmp, seconds):
    keys = [k for k in keys_csv.split(",") if k]
    metadata = (("x-token", token),)
    with grpc.insecure_channel(addr) as channel:
        grpc.channel_ready_future(channel).result(timeout=seconds)
        stub = geyser_pb2_grpc.GeyserStub(channel)
        ping = geyser_pb2.SubscribeRequest()
        ping.ping.id = PING_ID
        live, slots, got_ping, pongs = stream(stub, metadata, request(keys, owner, datasize, memcmp), seconds, extra=ping)
        info = stub.SubscribeReplayInfo(geyser_pb2.SubscribeReplayInfoRequest(), metadata=metadata, timeout=seconds)
        from_slot = live[0]["slot"] if live else (slots[0] if slots else 0)
        replay, _, _, _ = stream(stub, metadata, request(keys, owner, datasize, memcmp, from_slot=from_slot), seconds / 2)
        try:
            stream(stub, metadata, request(keys, owner, datasize, memcmp, from_slot=1), 2)
            too_old = "OK"
        except grpc.RpcError as e:
            too_old = e.code().name
    print(json.dumps({
        "live": {"accounts": live, "slots": slots, "ping": got_ping, "pongs": pongs},
        "replay": {"first_available": info.first_available if info.HasField("first_available") else None,
                   "from_slot": from_slot, "accounts": replay},
        "too_old": too_old,
    }))


if __name__ == "__main__":
    a = sys.argv[1:]
    main(a[0], a[1], a[2], a[3], int(a[4]), a[5], float(a[6]))
