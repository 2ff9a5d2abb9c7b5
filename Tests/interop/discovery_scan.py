"""Independent pool scan for the discovery test: solana-py (PyPI `solana`) lists every account of
each program with getProgramAccounts, unfiltered, and keeps those whose bytes hold every given
mint somewhere (no layout offsets: nothing shared with the cache's discovery code).

Usage: python3 discovery_scan.py HTTP_URL MINT,MINT[,...] PROGRAM [PROGRAM ...]
Prints one JSON object: {"pools": [address, ...], "scanned": n}.
"""
import asyncio
import json
import sys

from solana.rpc.async_api import AsyncClient
from solders.pubkey import Pubkey


async def main(http_url: str, mints: str, programs: list) -> None:
    needles = [bytes(Pubkey.from_string(m)) for m in mints.split(",")]
    client = AsyncClient(http_url, http2=False, timeout=120)
    found, scanned = [], 0
    for program in programs:
        resp = await client.get_program_accounts(Pubkey.from_string(program), encoding="base64")
        for item in resp.value:
            scanned += 1
            data = bytes(item.account.data)
            if all(n in data for n in needles):
                found.append(str(item.pubkey))
    await client.close()
    print(json.dumps({"pools": sorted(found), "scanned": scanned}))


if __name__ == "__main__":
    asyncio.run(asyncio.wait_for(main(sys.argv[1], sys.argv[2], sys.argv[3:]), timeout=300))
