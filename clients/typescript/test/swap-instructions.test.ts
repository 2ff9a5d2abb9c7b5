// swapInstructions(): against the real service in demo mode (quotes on moving simulated pools), and
// the decoding of a scripted answer.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PoolCacheClient } from "../src/client.js";
import { PoolCacheError } from "../src/errors.js";
import { MINTS } from "../src/finder.js";
import { Demo, sleep, startDemo, startScriptedServer } from "./helpers.js";

const USER = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";
const ATA_PROGRAM = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL";

describe("swapInstructions (real service, demo mode)", { timeout: 300_000 }, () => {
  let demo: Demo;
  let client: PoolCacheClient;
  before(async () => { demo = await startDemo(); client = new PoolCacheClient(demo.url, true, { timeoutMs: 10_000 }); }, { timeout: 200_000 });
  after(async () => { await demo?.stop(); });

  it("a fresh quote gets one program swap instruction per hop, signed by the user", async () => {
    // The demo's pools trade between two requests: a quote may go stale before it is used, so a few
    // fresh quotes are tried (bounded); at least one must be served.
    let got: Awaited<ReturnType<PoolCacheClient["swapInstructions"]>> | undefined;
    let quote;
    const stale: string[] = [];
    for (let i = 0; i < 20 && !got; i++) {
      quote = await client.quote({ inputMint: MINTS.SOL, outputMint: MINTS.USDC, amount: 100_000_000n, slippageBps: 100 });
      try {
        got = await client.swapInstructions(quote, USER);
      } catch (e) {
        if (!(e instanceof PoolCacheError && e.status === 409 && e.code === "quote_stale")) throw e;
        stale.push(e.message);
        await sleep(50);
      }
    }
    assert.ok(got && quote, `every quote went stale: ${stale.join("; ")}`);
    assert.equal(got.swapInstructions.length, quote.routePlan.length);
    for (const ix of got.swapInstructions) {
      assert.ok(ix.data.length >= 9, "swap data carries amounts");
      assert.ok(ix.accounts.some((a) => a.pubkey === USER && a.isSigner), "the user signs each swap");
    }
    // SOL in with wrapAndUnwrapSol (default): ATA setup, wrap transfer + SyncNative, and a closing unwrap.
    assert.ok(got.setupInstructions.some((ix) => ix.programId === ATA_PROGRAM));
    assert.ok(got.setupInstructions.some((ix) => ix.programId === "11111111111111111111111111111111"));
    assert.ok(got.cleanupInstruction);
    assert.deepEqual(Array.from(got.cleanupInstruction.data), [9]);
    assert.equal(got.computeBudgetInstructions.length, 1);
    assert.ok(got.computeUnitEstimate > 0);
  });

  it("a quote whose output the pools no longer pay is refused 409 quote_stale", async () => {
    const quote = await client.quote({ inputMint: MINTS.SOL, outputMint: MINTS.USDC, amount: 100_000_000n });
    const hop = quote.routePlan[quote.routePlan.length - 1].swapInfo;
    const forged = { ...quote, outAmount: quote.outAmount + 1n,
      routePlan: quote.routePlan.map((s, i) => i === quote.routePlan.length - 1 ? { ...s, swapInfo: { ...hop, outAmount: hop.outAmount + 1n } } : s) };
    await assert.rejects(client.swapInstructions(forged, USER), (e: unknown) => e instanceof PoolCacheError && e.status === 409 && e.code === "quote_stale");
  });
});

describe("swapInstructions (scripted answer)", () => {
  it("decodes base64 data and sends the quote with string amounts", async () => {
    let sent = "";
    const answer = JSON.stringify({
      computeBudgetInstructions: [{ programId: "ComputeBudget111111111111111111111111111111", accounts: [], data: "AsBcFQA=" }],
      setupInstructions: [], cleanupInstruction: null, addressLookupTableAddresses: [], contextSlot: 12, computeUnitEstimate: 1400000,
      swapInstructions: [{ programId: "CPMMoo8L3F4NbTegBCKVNunggL7H1ZpdTHKxQB5qKP1C", accounts: [{ pubkey: USER, isSigner: true, isWritable: false }], data: "AQID" }],
    });
    const server = await startScriptedServer((_path, body) => { sent = body ?? ""; return { body: answer }; });
    try {
      const quote = {
        inputMint: MINTS.SOL, inAmount: 18446744073709551615n, outputMint: MINTS.USDC, outAmount: 5n, otherAmountThreshold: 4n,
        swapMode: "ExactIn", slippageBps: 50, priceImpactPct: "0", contextSlot: 12n, timeTaken: null,
        routePlan: [{ percent: 100, swapInfo: { ammKey: "k", label: "raydium-cpmm", inputMint: MINTS.SOL, outputMint: MINTS.USDC,
          inAmount: 18446744073709551615n, outAmount: 5n, feeAmount: null, feeMint: null, stale: false } }],
      };
      const r = await new PoolCacheClient(server.url, true, { timeoutMs: 5_000 }).swapInstructions(quote, USER, { wrapAndUnwrapSol: false });
      assert.deepEqual(Array.from(r.swapInstructions[0].data), [1, 2, 3]);
      assert.deepEqual(Array.from(r.computeBudgetInstructions[0].data), [2, 0xc0, 0x5c, 0x15, 0]);
      assert.equal(r.contextSlot, 12n);
      const o = JSON.parse(sent);
      assert.equal(o.quoteResponse.inAmount, "18446744073709551615");
      assert.equal(o.quoteResponse.routePlan[0].swapInfo.inAmount, "18446744073709551615");
      assert.equal(o.userPublicKey, USER);
      assert.equal(o.wrapAndUnwrapSol, false);
    } finally { await server.close(); }
  });
});
