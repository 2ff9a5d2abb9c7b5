"""Interop check with an independent client: solana-py (PyPI `solana`) against the simulator.

Usage: python3 solana_py_client.py HTTP_URL WS_URL POOL VAULT
Prints one JSON object: the accounts read over HTTP (get_multiple_accounts) and the first
accountNotification received over the websocket API (account_subscribe), data as base64.
"""
import asyncio
import base64
import json
import sys

from solana.rpc.async_api import AsyncClient
from solana.rpc.websocket_api import SolanaWsClient
from solders.pubkey import Pubkey


async def main(http_url: str, ws_url: str, pool: str, vault: str) -> None:
    client = AsyncClient(http_url, http2=False)
    keys = [Pubkey.from_string(pool), Pubkey.from_string(vault)]
    resp = await client.get_multiple_accounts(keys, encoding="base64")
    accounts = [
        {"address": str(key), "owner": str(acc.owner), "data_base64": base64.b64encode(bytes(acc.data)).decode()}
        for key, acc in zip(keys, resp.value)
    ]
    slot = (await client.get_slot()).value
    await client.close()

    async with SolanaWsClient(ws_url) as ws:
        sub = await ws.account_subscribe(pubkey=keys[1], commitment="confirmed", encoding="base64")
        note = await ws.recv()
        value = note.result.value
        notification = {
            "subscription": sub.subscription_id,
            "slot": note.result.context.slot,
            "owner": str(value.owner),
            "data_base64": base64.b64encode(bytes(value.data)).decode(),
        }
        await ws.unsubscribe(sub)

    print(json.dumps({"slot": slot, "accounts": accounts, "notification": notification}))


if __name__ == "__main__":
    asyncio.run(asyncio.wait_for(main(*sys.argv[1:5]), timeout=60))
