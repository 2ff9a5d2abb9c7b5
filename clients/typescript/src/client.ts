import { PoolCacheError } from "./errors.js";
import { joinURL, requestJSON } from "./http.js";
import { asArray, asObject, JSONValue, num } from "./json.js";
import { PoolCacheStream, StreamOptions } from "./stream.js";
import { decodeSwapInstructions, opportunityToJSON, quoteToJSON, SwapInstructions, SwapInstructionsOptions } from "./instructions.js";
import {
  CacheStats, decodeHealth, decodeLegacyOpportunity, decodeOpportunity, decodePool, decodePoolPrice, decodeQuote, decodeStats,
  LegacyArbitrageOpportunity, Opportunity, PoolInfo, PoolPage, PoolPrice, PoolQuery, Quote, QuoteRequest, ServiceHealth,
} from "./types.js";

/** Tuning of `PoolCacheClient`; every field has the original client's default. */
export interface PoolCacheClientOptions {
  /** Per-request deadline (the original: 100 ms; the cache answers locally). */
  timeoutMs?: number;
  /** How long `isAvailable()` reuses its last answer (the original: 30 s). */
  availabilityTtlMs?: number;
  /** Called with a short line for each failed call that is turned into `[]`/`null` (default: none). */
  onError?: (method: string, error: PoolCacheError) => void;
  /** The API token (`[api] auth_token`): sent on every request, and on the stream as `access_token`. */
  token?: string;
}

/**
 * Client of solana-pool-cache's HTTP API. The legacy methods behave exactly like the original
 * `RustPoolCacheClient` (never throw: `[]`/`null`/`false` on any failure); the `/v1` methods
 * return typed results and throw `PoolCacheError`. Amounts are `bigint`.
 *
 * ```ts
 * const cache = new PoolCacheClient("http://localhost:3001");
 * if (await cache.isAvailable()) console.log(await cache.getPairPrices("SOL/USDC"));
 * const q = await cache.quote({ inputMint: SOL, outputMint: USDC, amount: 1_000_000_000n });
 * for await (const event of cache.stream({ mints: [SOL] })) console.log(event.type);
 * ```
 */
export class PoolCacheClient {
  readonly baseURL: string;
  private enabled: boolean;
  private readonly timeoutMs: number;
  private readonly availabilityTtlMs: number;
  private readonly onError?: (method: string, error: PoolCacheError) => void;
  private readonly token?: string;
  private available = false;
  private lastHealthCheck = Number.NEGATIVE_INFINITY;

  constructor(baseURL = "http://localhost:3001", enabled = true, options: PoolCacheClientOptions = {}) {
    this.baseURL = baseURL.replace(/\/+$/, "");
    this.enabled = enabled;
    this.timeoutMs = options.timeoutMs ?? 100;
    this.availabilityTtlMs = options.availabilityTtlMs ?? 30_000;
    this.onError = options.onError;
    this.token = options.token;
  }

  // ---- Legacy API (the original client's methods and contract)

  /** `GET /health` says `ok`. The answer (either way) is reused for 30 s. */
  async isAvailable(): Promise<boolean> {
    if (!this.enabled) return false;
    const now = Date.now();
    if (now - this.lastHealthCheck < this.availabilityTtlMs) return this.available;
    try {
      this.available = decodeStats(await this.get("/health")).status === "ok";
    } catch (e) {
      this.report("isAvailable", e);
      this.available = false;
    }
    this.lastHealthCheck = now;
    return this.available;
  }

  /** Forgets the cached `isAvailable()` answer (e.g. after starting the cache). */
  resetAvailability(): void {
    this.lastHealthCheck = Number.NEGATIVE_INFINITY;
  }

  /** Every cached pool's price; `[]` when disabled, unavailable or on any error. */
  async getAllPrices(): Promise<PoolPrice[]> {
    if (!this.enabled || !(await this.isAvailable())) return [];
    try {
      return asArray(await this.get("/prices"), "prices").map((r, i) => decodePoolPrice(r, `prices[${i}]`));
    } catch (e) {
      this.report("getAllPrices", e);
      return [];
    }
  }

  /** Prices of one pair such as `SOL/USDC` (either orientation); `[]` when disabled, unavailable or on error. */
  async getPairPrices(pair: string): Promise<PoolPrice[]> {
    if (!this.enabled || !(await this.isAvailable())) return [];
    try {
      return asArray(await this.get(`/prices/${encodeURIComponent(pair)}`), "prices").map((r, i) => decodePoolPrice(r, `prices[${i}]`));
    } catch (e) {
      this.report("getPairPrices", e);
      return [];
    }
  }

  /** Same-pair price differences of at least `thresholdPct` percent; `[]` when disabled, unavailable or on error. */
  async scanArbitrage(thresholdPct = 0.3): Promise<LegacyArbitrageOpportunity[]> {
    if (!this.enabled || !(await this.isAvailable())) return [];
    try {
      const o = asObject(await requestJSON(this.url("/scan-arbitrage"), {
        method: "POST", body: { threshold_pct: thresholdPct }, timeoutMs: this.timeoutMs, token: this.token,
      }), "scan-arbitrage");
      return asArray(o.opportunities, "scan-arbitrage.opportunities").map((r, i) => decodeLegacyOpportunity(r, `opportunities[${i}]`));
    } catch (e) {
      this.report("scanArbitrage", e);
      return [];
    }
  }

  /** `/health` counters, or `null` when disabled or on error (not gated by `isAvailable()`, like the original). */
  async getStats(): Promise<CacheStats | null> {
    if (!this.enabled) return null;
    try {
      return decodeStats(await this.get("/health"));
    } catch (e) {
      this.report("getStats", e);
      return null;
    }
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
  }

  isEnabled(): boolean {
    return this.enabled;
  }

  // ---- /v1 API (typed; throws PoolCacheError)

  /**
   * Best route over the cached pools (`GET /v1/quote`): exact-in (possibly split over `maxSplits` pools of
   * the pair) or, with `swapMode: "ExactOut"`, the exact input for an exact output. A missing route is a
   * `PoolCacheError` with `kind: "http"`, `status: 404`, `code: "no_route"`.
   */
  async quote(request: QuoteRequest, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Quote> {
    this.requireEnabled();
    if (request.amount <= 0n || request.amount >= 1n << 64n) {
      throw new PoolCacheError("http", "amount must be in 1…2^64-1 base units", { status: 400, code: "invalid_parameter" });
    }
    const q = new URLSearchParams({ inputMint: request.inputMint, outputMint: request.outputMint, amount: request.amount.toString() });
    if (request.slippageBps !== undefined) q.set("slippageBps", String(request.slippageBps));
    if (request.onlyDirectRoutes) q.set("onlyDirectRoutes", "true");
    if (request.swapMode !== undefined) q.set("swapMode", request.swapMode);
    if (request.maxSplits !== undefined) q.set("maxSplits", String(request.maxSplits));
    return decodeQuote(await this.get(`/v1/quote?${q}`, options));
  }

  /**
   * The instructions a wallet signs to take `quote` (`POST /v1/swap-instructions`): compute budget,
   * setup (idempotent ATAs, SOL wrap), the programs' own swap instructions, cleanup (unwrap). A quote
   * whose pools moved since is a `PoolCacheError` with `status: 409`, `code: "quote_stale"`.
   */
  async swapInstructions(quote: Quote, userPublicKey: string, options: SwapInstructionsOptions = {}): Promise<SwapInstructions> {
    this.requireEnabled();
    const body: Record<string, unknown> = { quoteResponse: quoteToJSON(quote), userPublicKey, wrapAndUnwrapSol: options.wrapAndUnwrapSol ?? true };
    if (options.slippageBps !== undefined) body.slippageBps = options.slippageBps;
    return decodeSwapInstructions(await this.post("/v1/swap-instructions", body, options));
  }

  /** The same for a `/v1/opportunities` entry (`POST /v1/opportunities/instructions`). */
  async opportunityInstructions(opportunity: Opportunity, userPublicKey: string, options: SwapInstructionsOptions = {}): Promise<SwapInstructions> {
    this.requireEnabled();
    const body: Record<string, unknown> = {
      opportunity: opportunityToJSON(opportunity), userPublicKey, wrapAndUnwrapSol: options.wrapAndUnwrapSol ?? true,
    };
    if (options.slippageBps !== undefined) body.slippageBps = options.slippageBps;
    return decodeSwapInstructions(await this.post("/v1/opportunities/instructions", body, options), "opportunityInstructions");
  }

  /** One page of cached pools with status, reserves and freshness (`GET /v1/pools`). */
  async pools(query: PoolQuery = {}, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<PoolPage> {
    this.requireEnabled();
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
    const o = asObject(await this.get(`/v1/pools${q.toString() ? `?${q}` : ""}`, options), "pools");
    return {
      count: num(o, "count", "pools"), offset: num(o, "offset", "pools"),
      pools: asArray(o.pools, "pools.pools").map((p, i) => decodePool(p, `pools[${i}]`)),
    };
  }

  /** One pool (`GET /v1/pools/:address`); 404 `unknown_pool` when it is not configured. */
  async pool(address: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<PoolInfo> {
    this.requireEnabled();
    return decodePool(await this.get(`/v1/pools/${encodeURIComponent(address)}`, options), "pool");
  }

  /**
   * Standing opportunities found by the cache's arbitrage engine (`GET /v1/opportunities`), or the
   * recorded ones with `history: true`. 503 `arbitrage_not_running` when the engine is off.
   */
  async opportunities(query: { limit?: number; history?: boolean } = {},
                      options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Opportunity[]> {
    this.requireEnabled();
    const q = new URLSearchParams();
    if (query.limit !== undefined) q.set("limit", String(query.limit));
    if (query.history) q.set("history", "true");
    const o = asObject(await this.get(`/v1/opportunities${q.toString() ? `?${q}` : ""}`, options), "opportunities");
    return asArray(o.opportunities, "opportunities.opportunities").map((x, i) => decodeOpportunity(x, `opportunities[${i}]`));
  }

  /** Overall state and per-status pool counts (`GET /v1/health`). */
  async health(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ServiceHealth> {
    this.requireEnabled();
    return decodeHealth(await this.get("/v1/health", options));
  }

  /**
   * Live pool updates and opportunities over the `/v1/stream` WebSocket, as an async iterator
   * that reconnects by itself (exponential backoff) until `close()` or the signal ends it.
   */
  stream(options: StreamOptions = {}): PoolCacheStream {
    this.requireEnabled();
    const ws = this.baseURL.replace(/^http(s?):\/\//i, (_m, s: string) => `ws${s}://`);
    return new PoolCacheStream(joinURL(ws, "/v1/stream"), { token: this.token, ...options });
  }

  // ---- plumbing

  private url(path: string): string {
    return joinURL(this.baseURL, path);
  }

  private get(path: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<JSONValue> {
    return requestJSON(this.url(path), { timeoutMs: options.timeoutMs ?? this.timeoutMs, signal: options.signal, token: this.token });
  }

  private post(path: string, body: unknown, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<JSONValue> {
    return requestJSON(this.url(path), {
      method: "POST", body, timeoutMs: options.timeoutMs ?? this.timeoutMs, signal: options.signal, token: this.token,
    });
  }

  private requireEnabled() {
    if (!this.enabled) throw new PoolCacheError("disabled", "the pool cache client is disabled");
  }

  private report(method: string, e: unknown) {
    if (!this.onError) return;
    this.onError(method, e instanceof PoolCacheError ? e : new PoolCacheError("parse", String(e)));
  }
}

/** The original client's name, kept so `import { RustPoolCacheClient }` in the bot works unchanged. */
export const RustPoolCacheClient = PoolCacheClient;
export type RustPoolCacheClient = PoolCacheClient;
/** The original's type names. */
export type RustPoolPrice = PoolPrice;
export type RustArbitrageOpportunity = LegacyArbitrageOpportunity;
