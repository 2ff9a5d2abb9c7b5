// OpportunityFinder: the real service in demo mode as the cache, a local mock of Jupiter's quote API.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PoolCacheError } from "../src/errors.js";
import { MINTS, OpportunityFinder } from "../src/finder.js";
import { Opportunity } from "../src/types.js";
import { Demo, freePort, JupiterMock, jupiterOut, startDemo, startJupiterMock, startScriptedServer } from "./helpers.js";

/** A valid key no demo pool trades: the cache has no route for it. */
const UNLISTED = "11111111111111111111111111111111";
const ONE_SOL = 1_000_000_000n;

/** The round trip as the Jupiter mock prices it. */
function expectedViaJupiter(amount: bigint) {
  const mid = jupiterOut(MINTS.SOL, amount);
  const out = jupiterOut(MINTS.USDC, mid);
  return { mid, out, profit: out - amount };
}

function assertWellFormed(o: Opportunity, amount: bigint) {
  assert.equal(o.inputMint, MINTS.SOL);
  assert.equal(o.outputMint, MINTS.SOL);
  assert.equal(o.inputAmount, amount);
  assert.equal(o.route[0].inAmount, amount);
  for (let i = 1; i < o.route.length; i++) {
    assert.equal(o.route[i].inAmount, o.route[i - 1].outAmount, "each hop spends what the previous one produced");
    assert.equal(o.route[i].inputMint, o.route[i - 1].outputMint);
  }
  assert.equal(o.route[o.route.length - 1].outAmount, o.outputAmount);
  assert.equal(o.profit, o.outputAmount - o.inputAmount);
  assert.ok(Math.abs(o.roi - Number(o.profit) / Number(amount)) < 1e-9);
  assert.ok(Math.abs(o.timestamp - Date.now()) < 60_000);
}

describe("OpportunityFinder", { timeout: 300_000 }, () => {
  let demo: Demo;
  let jupiter: JupiterMock;
  let deadURL: string;
  before(async () => {
    [demo, jupiter] = await Promise.all([startDemo(), startJupiterMock()]);
    deadURL = `http://127.0.0.1:${await freePort()}`;
  }, { timeout: 200_000 });
  after(async () => { await demo?.stop(); await jupiter?.close(); });

  const finder = (env: Record<string, string>, extra: Partial<ConstructorParameters<typeof OpportunityFinder>[0]> = {}) =>
    new OpportunityFinder({ env, jupiterURL: jupiter.url, cacheTimeoutMs: 5_000, intermediateMints: [MINTS.USDC], ...extra });

  it("cache up: SOL → USDC → SOL entirely from the cache, Jupiter not asked", async () => {
    jupiter.mode = "ok";
    const before = jupiter.requests.length;
    const f = finder({ RUST_CACHE_URL: demo.url });
    const trips = await f.roundTrips();
    assert.equal(trips.length, 1);
    assertWellFormed(trips[0], ONE_SOL);
    assert.equal(trips[0].source, "cache");
    assert.ok(trips[0].route.every((h) => h.dex !== "MockDex"));
    assert.equal(typeof trips[0].slot, "bigint");
    assert.equal(jupiter.requests.length, before);
    assert.equal(f.stats.cacheQuotes, 2);
  });

  it("cache has no route → that leg goes to Jupiter (fallback no_route)", async () => {
    jupiter.mode = "ok";
    const f = finder({ POOL_CACHE_URL: demo.url });
    const q = await f.quote({ inputMint: MINTS.SOL, outputMint: UNLISTED, amount: ONE_SOL });
    assert.equal(q.source, "jupiter");
    assert.equal(q.fallback, "no_route");
    assert.equal(q.quote.outAmount, jupiterOut(MINTS.SOL, ONE_SOL));
    assert.equal(q.quote.contextSlot, 9007199254740993n, "Jupiter's large integers survive");
  });

  it("cache down → Jupiter: exact amounts and profit in base units, the bot's shape", async () => {
    jupiter.mode = "ok";
    const f = finder({ RUST_CACHE_URL: deadURL }, { amounts: [ONE_SOL, 3n * ONE_SOL] });
    const found = await f.findOpportunities();
    assert.equal(found.length, 2);
    for (const o of found) {
      const e = expectedViaJupiter(o.inputAmount);
      assertWellFormed(o, o.inputAmount);
      assert.equal(o.source, "jupiter");
      assert.deepEqual(o.route.map((h) => [h.dex, h.inAmount, h.outAmount]), [["MockDex", o.inputAmount, e.mid], ["MockDex", e.mid, e.out]]);
      assert.equal(o.profit, e.profit);
    }
    assert.ok(found[0].profit > found[1].profit, "most profitable first");
    assert.equal(f.stats.fallbacks.unavailable, 4);
  });

  it("cache slow → Jupiter within the 100 ms cache timeout", async () => {
    const slow = await startScriptedServer(() => ({ body: '{"status":"ok","cached_pools":9,"cached_pairs":9}' }), 2_000);
    const f = new OpportunityFinder({ env: { RUST_CACHE_URL: slow.url }, jupiterURL: jupiter.url, intermediateMints: [MINTS.USDC] });
    const t = Date.now();
    const [o] = await f.roundTrips();
    assert.ok(Date.now() - t < 1_500, `took ${Date.now() - t} ms`);
    assert.equal(o.source, "jupiter");
    assert.equal(o.profit, expectedViaJupiter(ONE_SOL).profit);
    assert.equal(f.stats.fallbacks.unavailable, 2);
    await slow.close();
  });

  it("cache stale → Jupiter (fallback stale)", async () => {
    const hop = `{"ammKey":"p","label":"raydium-amm-v4","inputMint":"${MINTS.SOL}","outputMint":"${MINTS.USDC}","inAmount":"1000000000","outAmount":"1","stale":true}`;
    const stale = await startScriptedServer((path) => path === "/health"
      ? { body: '{"status":"ok","cached_pools":1,"cached_pairs":1}' }
      : { body: `{"inputMint":"${MINTS.SOL}","inAmount":"1000000000","outputMint":"${MINTS.USDC}","outAmount":"1","otherAmountThreshold":"1","routePlan":[{"swapInfo":${hop},"percent":100}]}` });
    const f = new OpportunityFinder({ env: { RUST_CACHE_URL: stale.url }, jupiterURL: jupiter.url });
    const q = await f.quote({ inputMint: MINTS.SOL, outputMint: MINTS.USDC, amount: ONE_SOL });
    assert.equal(q.source, "jupiter");
    assert.equal(q.fallback, "stale");
    assert.equal(q.quote.outAmount, jupiterOut(MINTS.SOL, ONE_SOL));
    await stale.close();
  });

  it("USE_RUST_CACHE=false → Jupiter only, even with the cache up; POOL_CACHE_URL wins over RUST_CACHE_URL", async () => {
    const off = finder({ RUST_CACHE_URL: demo.url, USE_RUST_CACHE: "false" });
    assert.equal(off.useCache, false);
    const [o] = await off.roundTrips();
    assert.equal(o.source, "jupiter");
    assert.equal(off.stats.fallbacks.disabled, 2);
    const on = finder({ POOL_CACHE_URL: demo.url, RUST_CACHE_URL: deadURL, USE_RUST_CACHE: "true" });
    assert.equal(on.cache.baseURL, demo.url);
    assert.equal((await on.roundTrips())[0].source, "cache");
    assert.equal(new OpportunityFinder({ env: {} }).cache.baseURL, "http://localhost:3001");
  });

  it("Jupiter down, cache up: cache routes still found; legs only Jupiter could price are skipped, not thrown", async () => {
    jupiter.mode = "down";
    const f = finder({ RUST_CACHE_URL: demo.url }, { intermediateMints: [MINTS.USDC, UNLISTED] });
    const trips = await f.roundTrips();
    assert.equal(trips.length, 1);
    assert.equal(trips[0].source, "cache");
    assert.equal(f.stats.failures, 1);
    jupiter.mode = "ok";
  });

  for (const mode of ["down", "garbage"] as const) {
    it(`Jupiter ${mode}, cache down: nothing found, no exception; quote() names both failures`, async () => {
      jupiter.mode = mode;
      const lines: string[] = [];
      const f = finder({ RUST_CACHE_URL: deadURL }, { log: (l) => lines.push(l) });
      assert.deepEqual(await f.findOpportunities(), []);
      await assert.rejects(f.quote({ inputMint: MINTS.SOL, outputMint: MINTS.USDC, amount: ONE_SOL }), (e: unknown) =>
        e instanceof PoolCacheError && e.kind === (mode === "down" ? "http" : "parse") && /cache unavailable/.test(e.message) && /Jupiter/.test(e.message));
      assert.ok(lines.some((l) => l.startsWith("Jupiter failed too")));
      jupiter.mode = "ok";
    });
  }
});
