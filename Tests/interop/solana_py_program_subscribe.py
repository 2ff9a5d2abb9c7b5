"""Interop check with an independent client: solana-py's `program_subscribe` against the simulator.

Usage: python3 solana_py_program_subscribe.py WS_URL PROGRAM DATA_SIZE MEMCMP_OFFSET MEMCMP_BYTES_BASE58
Subscribes to PROGRAM's accounts with the filters [dataSize, memcmp] and base64 encoding, waits for
the first programNotification, unsubscribes (programUnsubscribe) and prints one JSON object:
the subscription id, the notification's slot, pubkey, owner and data (base64).
"""
import asyncio
import base64
import json
import sys

from solana.rpc.models import MemcmpOpts
from solana.rpc.websocket_api import SolanaWsClient
from solders.pubkey import Pubkey


async def main(ws_url: str, program: str, data_size: str, offset: str, memcmp_bytes: str) -> None:
    async with SolanaWsClient(ws_url) as ws:
        sub = await ws.program_subscribe(
            program_id=Pubkey.from_string(program),
            commitment="confirmed",
            encoding="base64",
            filters=[int(data_size), MemcmpOpts(offset=int(offset), bytes=memcmp_bytes)],
        )
        note = await ws.recv()
        value = note.result.value
        notification = {
            "subscription": sub.subscription_id,
            "slot": note.result.context.slot,
            "pubkey": str(value.pubkey),
            "owner": str(value.account.owner),
            "data_base64": base64.b64encode(bytes(value.account.data)).decode(),
        }
        await ws.unsubscribe(sub)
    print(json.dumps({"notification": notification}))


if __name__ == "__main__":
    asyncio.run(asyncio.wait_for(main(*sys.argv[1:6]), timeout=60))
