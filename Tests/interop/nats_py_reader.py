"""An independent reader of the cache's NATS stream (nats-py, the NATS maintainers' Python client).

Reads the last message of every account subject of the JetStream stream with an ordered
consumer (deliver last per subject) and prints one JSON line per account:
{"subject", "slot", "shard", "data_b64"}, then "done <n>".

usage: nats_py_reader.py <nats url> <stream> <timeout seconds>
"""
import asyncio
import base64
import json
import sys

import nats
from nats.js.api import DeliverPolicy


async def main(url, stream, timeout):
    nc = await nats.connect(url, connect_timeout=5, max_reconnect_attempts=0)
    js = nc.jetstream()
    info = await js.stream_info(stream)
    expected = info.state.messages
    seen = {}
    done = asyncio.Event()

    async def handler(msg):
        h = msg.headers or {}
        seen[msg.subject] = {
            "subject": msg.subject, "slot": int(h["Spc-Slot"]), "shard": h["Spc-Shard"],
            "data_b64": base64.b64encode(msg.data).decode(),
        }
        if msg.metadata.num_pending == 0:
            done.set()

    await js.subscribe("spc.acct.>", stream=stream, ordered_consumer=True, deliver_policy=DeliverPolicy.LAST_PER_SUBJECT, cb=handler)
    if expected > 0:
        await asyncio.wait_for(done.wait(), timeout)
    for line in seen.values():
        print(json.dumps(line))
    print(f"done {len(seen)}")
    await nc.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3])))
