import {
  asArray, asObject, bool, i64, JSONObject, JSONValue, num, optNum, optStr, optU64, str, u64,
} from "./json.js";
import { PoolCacheError } from "./errors.js";

// ---------------------------------------------------------------------------------------------
// Legacy API (the original Rust service's shapes; field names kept so the bot's code is unchanged)

/** One row of `GET /prices`. Reserves are exact base units (`bigint`; the original used lossy floats). */
export interface PoolPrice {
  pool_id: string;
  dex_name: string;
  pair: string;
  /** Quote per base in human units (a display figure; quote with `quote()` for exact amounts). */
  price: number;
  base_reserve: bigint | null;
  quote_reserve: bigint | null;
  age_ms: number;
}

/** One row of `POST /scan-arbitrage`. */
export interface LegacyArbitrageOpportunity {
  pool_a_id: string;
  pool_a_dex: string;
  pool_a_price: number;
  pool_b_id: string;
  pool_b_dex: string;
  pool_b_price: number;
  pair: string;
  price_diff_pct: number;
  estimated_profit_pct: number;
  age_ms: number;
}

/** `GET /health`. */
export interface CacheStats {
  status: string;
  cached_pools: number;
  cached_pairs: number;
}

export function decodePoolPrice(v: JSONValue, path: string): PoolPrice {
  const o = asObject(v, path);
  return {
    pool_id: str(o, "pool_id", path),
    dex_name: str(o, "dex_name", path),
    pair: str(o, "pair", path),
    price: num(o, "price", path),
    base_reserve: optU64(o, "base_reserve", path),
    quote_reserve: optU64(o, "quote_reserve", path),
    age_ms: num(o, "age_ms", path),
  };
}

export function decodeLegacyOpportunity(v: JSONValue, path: string): LegacyArbitrageOpportunity {
  const o = asObject(v, path);
  return {
    pool_a_id: str(o, "pool_a_id", path),
    pool_a_dex: str(o, "pool_a_dex", path),
    pool_a_price: num(o, "pool_a_price", path),
    pool_b_id: str(o, "pool_b_id", path),
    pool_b_dex: str(o, "pool_b_dex", path),
    pool_b_price: num(o, "pool_b_price", path),
    pair: str(o, "pair", path),
    price_diff_pct: num(o, "price_diff_pct", path),
    estimated_profit_pct: num(o, "estimated_profit_pct", path),
    age_ms: num(o, "age_ms", path),
  };
}

export function decodeStats(v: JSONValue): CacheStats {
  const o = asObject(v, "health");
  return { status: str(o, "status", "health"), cached_pools: num(o, "cached_pools", "health"), cached_pairs: num(o, "cached_pairs", "health") };
}

// ---------------------------------------------------------------------------------------------
// /v1 API

/** Arguments of `GET /v1/quote` (and of Jupiter's quote API, same names). */
export interface QuoteRequest {
  inputMint: string;
  outputMint: string;
  /** Base units: the exact input (ExactIn, the default) or the exact output (ExactOut). */
  amount: bigint;
  slippageBps?: number;
  onlyDirectRoutes?: boolean;
  /** ExactOut: `inAmount` is the exact input the programs' exact-out swaps take for `amount` out. */
  swapMode?: "ExactIn" | "ExactOut";
  /** ExactIn: split the input over up to this many pools of the pair when that pays more (server default 3; 1 disables). */
  maxSplits?: number;
}

/** One hop of a quote's route (Jupiter's `swapInfo`). `stale` is set by the cache for pools whose data is old. */
export interface SwapInfo {
  ammKey: string;
  label: string;
  inputMint: string;
  outputMint: string;
  inAmount: bigint;
  outAmount: bigint;
  feeAmount: bigint | null;
  feeMint: string | null;
  stale: boolean;
}

/**
 * A quote, from the cache's `/v1/quote` or from Jupiter (same shape, amounts as `bigint`). `routePlan` is
 * the hops in order (`percent` 100 each) or, for a split, the parallel legs of one pair: `percent` is each
 * leg's whole-percent share of the input (summing to 100), `swapInfo` its exact amounts.
 */
export interface Quote {
  inputMint: string;
  inAmount: bigint;
  outputMint: string;
  outAmount: bigint;
  otherAmountThreshold: bigint;
  /** "ExactIn" or "ExactOut"; `otherAmountThreshold` is the least output (ExactIn) or the most input (ExactOut) after slippage. */
  swapMode: string;
  slippageBps: number;
  priceImpactPct: string;
  routePlan: { swapInfo: SwapInfo; percent: number }[];
  contextSlot: bigint | null;
  timeTaken: number | null;
}

export function decodeQuote(v: JSONValue, path = "quote"): Quote {
  const o = asObject(v, path);
  const plan = asArray(o.routePlan, `${path}.routePlan`).map((step, n) => {
    const p = `${path}.routePlan[${n}]`;
    const s = asObject(step, p);
    const i = asObject(s.swapInfo, `${p}.swapInfo`);
    const ip = `${p}.swapInfo`;
    return {
      swapInfo: {
        ammKey: str(i, "ammKey", ip), label: optStr(i, "label", ip) ?? "unknown",
        inputMint: str(i, "inputMint", ip), outputMint: str(i, "outputMint", ip),
        inAmount: u64(i, "inAmount", ip), outAmount: u64(i, "outAmount", ip),
        feeAmount: optU64(i, "feeAmount", ip), feeMint: optStr(i, "feeMint", ip),
        stale: bool(i, "stale", ip, false),
      },
      percent: num(s, "percent", p),
    };
  });
  if (plan.length === 0) throw new PoolCacheError("parse", `${path}.routePlan: expected at least one hop`);
  return {
    inputMint: str(o, "inputMint", path), inAmount: u64(o, "inAmount", path),
    outputMint: str(o, "outputMint", path), outAmount: u64(o, "outAmount", path),
    otherAmountThreshold: u64(o, "otherAmountThreshold", path),
    swapMode: optStr(o, "swapMode", path) ?? "ExactIn",
    slippageBps: optNum(o, "slippageBps", path) ?? 0,
    priceImpactPct: optStr(o, "priceImpactPct", path) ?? "0",
    routePlan: plan,
    contextSlot: optU64(o, "contextSlot", path),
    timeTaken: optNum(o, "timeTaken", path),
  };
}

/** One cached pool as `/v1/pools` shows it (server field names; amounts and slots as `bigint`). */
export interface PoolInfo {
  address: string;
  name: string | null;
  dex: string | null;
  /** `ok`, `stale`, `pending`, or an error label. */
  status: string;
  status_detail: string | null;
  pair: string | null;
  mint_a: string | null;
  mint_b: string | null;
  symbol_a: string | null;
  symbol_b: string | null;
  decimals_a: number | null;
  decimals_b: number | null;
  reserve_a: bigint | null;
  reserve_b: bigint | null;
  /** Exact decimal string (human units of B per A). */
  price_b_per_a: string | null;
  price_a_per_b: string | null;
  slot: bigint | null;
  slot_spread: bigint | null;
  age_ms: number | null;
  updates: bigint | null;
}

export function decodePool(v: JSONValue, path: string): PoolInfo {
  const o = asObject(v, path);
  return {
    address: str(o, "address", path), name: optStr(o, "name", path), dex: optStr(o, "dex", path),
    status: str(o, "status", path), status_detail: optStr(o, "status_detail", path),
    pair: optStr(o, "pair", path), mint_a: optStr(o, "mint_a", path), mint_b: optStr(o, "mint_b", path),
    symbol_a: optStr(o, "symbol_a", path), symbol_b: optStr(o, "symbol_b", path),
    decimals_a: optNum(o, "decimals_a", path), decimals_b: optNum(o, "decimals_b", path),
    reserve_a: optU64(o, "reserve_a", path), reserve_b: optU64(o, "reserve_b", path),
    price_b_per_a: optStr(o, "price_b_per_a", path), price_a_per_b: optStr(o, "price_a_per_b", path),
    slot: optU64(o, "slot", path), slot_spread: optU64(o, "slot_spread", path),
    age_ms: optNum(o, "age_ms", path), updates: optU64(o, "updates", path),
  };
}

/** Filters of `GET /v1/pools`. */
export interface PoolQuery {
  mint?: string;
  dex?: string;
  status?: string;
  limit?: number;
  offset?: number;
}

/** One page of `GET /v1/pools`: `count` is the number of matching pools, `pools` this page. */
export interface PoolPage {
  count: number;
  offset: number;
  pools: PoolInfo[];
}

/** One hop of an opportunity, in the bot's shape. */
export interface RouteHop {
  dex: string;
  inputMint: string;
  outputMint: string;
  inAmount: bigint;
  outAmount: bigint;
  /** Pool address (cache and Jupiter both give it). */
  pool?: string;
}

/**
 * An arbitrage opportunity in the bot's shape, amounts in base units.
 * `roi` is a fraction (0.002 = 0.2 %); `timestamp` is Unix milliseconds.
 */
export interface Opportunity {
  inputMint: string;
  outputMint: string;
  inputAmount: bigint;
  outputAmount: bigint;
  profit: bigint;
  roi: number;
  route: RouteHop[];
  timestamp: number;
  /** Slot of the newest pool state used (cache only). */
  slot?: bigint;
  /** Where the quotes came from (set by `OpportunityFinder`). */
  source?: "cache" | "jupiter" | "mixed";
}

export function decodeOpportunity(v: JSONValue, path: string): Opportunity {
  const o = asObject(v, path);
  const route = asArray(o.route, `${path}.route`).map((h, n): RouteHop => {
    const p = `${path}.route[${n}]`;
    const x = asObject(h, p);
    const pool = optStr(x, "pool", p);
    return {
      dex: str(x, "dex", p), inputMint: str(x, "inputMint", p), outputMint: str(x, "outputMint", p),
      inAmount: u64(x, "inAmount", p), outAmount: u64(x, "outAmount", p), ...(pool === null ? {} : { pool }),
    };
  });
  const slot = optU64(o, "slot", path);
  return {
    inputMint: str(o, "inputMint", path), outputMint: str(o, "outputMint", path),
    inputAmount: u64(o, "inputAmount", path), outputAmount: u64(o, "outputAmount", path),
    profit: i64(o, "profit", path), roi: optNum(o, "roi", path) ?? 0,
    route, timestamp: num(o, "timestamp", path), ...(slot === null ? {} : { slot }),
  };
}

/** `GET /v1/health` (the fields a client acts on; the server sends more detail). */
export interface ServiceHealth {
  /** `ok`, `degraded`, `stale` or `starting`. */
  status: string;
  /** For a first run: `starting`, `validating n/m` or `live` (absent from older servers). */
  phase?: string;
  pools_total: number;
  pools_by_status: Record<string, number>;
  raw: JSONObject;
}

export function decodeHealth(v: JSONValue): ServiceHealth {
  const o = asObject(v, "v1/health");
  const by = asObject(o.pools_by_status, "v1/health.pools_by_status");
  const counts: Record<string, number> = {};
  for (const k of Object.keys(by)) counts[k] = num(by, k, "v1/health.pools_by_status");
  const phase = optStr(o, "phase", "v1/health");
  return {
    status: str(o, "status", "v1/health"), ...(phase === null ? {} : { phase }),
    pools_total: num(o, "pools_total", "v1/health"), pools_by_status: counts, raw: o,
  };
}

// ---------------------------------------------------------------------------------------------
// Stream (`/v1/stream`)

/** A message of the `/v1/stream` WebSocket. A new `hello` follows every (re)connect. */
export type StreamEvent =
  | { type: "hello"; pools: number }
  | { type: "pool_update"; slot: bigint; pool: PoolInfo }
  | { type: "opportunity"; event: "appeared" | "updated"; opportunity: Opportunity }
  | { type: "opportunity_gone"; input_mint: string; route: string[] }
  | { type: "filter"; ok: boolean }
  | { type: "error"; error: string; message: string };

export function decodeStreamEvent(v: JSONValue): StreamEvent | null {
  const o = asObject(v, "event");
  switch (o.type) {
    case "hello": return { type: "hello", pools: num(o, "pools", "hello") };
    case "pool_update": return { type: "pool_update", slot: u64(o, "slot", "pool_update"), pool: decodePool(o.pool, "pool_update.pool") };
    case "opportunity": {
      const event = optStr(o, "event", "opportunity") === "updated" ? "updated" : "appeared";
      return { type: "opportunity", event, opportunity: decodeOpportunity(o.opportunity, "opportunity.opportunity") };
    }
    case "opportunity_gone": {
      const route = Array.isArray(o.route) ? o.route.map((k, i) => { if (typeof k !== "string") throw new Error(`opportunity_gone.route[${i}]: not a string`); return k; }) : [];
      return { type: "opportunity_gone", input_mint: str(o, "input_mint", "opportunity_gone"), route };
    }
    case "filter": return { type: "filter", ok: bool(o, "ok", "filter") };
    case "error": return { type: "error", error: str(o, "error", "error"), message: optStr(o, "message", "error") ?? "" };
    default: return null; // a message type newer than this client: skipped, not an error
  }
}
