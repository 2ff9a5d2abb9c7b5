import { PoolCacheClient } from "./client.js";
import { PoolCacheError } from "./errors.js";
import { joinURL, requestJSON } from "./http.js";
import { decodeQuote, Opportunity, Quote, QuoteRequest, RouteHop } from "./types.js";

/** Mints of the bot's strategy. */
export const MINTS = {
  SOL: "So11111111111111111111111111111111111111112",
  USDC: "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
  USDT: "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB",
} as const;

/** Why a quote went to Jupiter instead of the cache. */
export type FallbackReason = "disabled" | "unavailable" | "stale" | "no_route" | "error";

/** A quote and where it came from. */
export interface SourcedQuote {
  quote: Quote;
  source: "cache" | "jupiter";
  /** Set when the cache was skipped or failed. */
  fallback?: FallbackReason;
}

export interface FinderStats {
  cacheQuotes: number;
  jupiterQuotes: number;
  fallbacks: Record<FallbackReason, number>;
  /** Legs neither source could quote. */
  failures: number;
}

export interface OpportunityFinderOptions {
  /** Environment to read (default `process.env`): `POOL_CACHE_URL` / `RUST_CACHE_URL`, `USE_RUST_CACHE` / `USE_POOL_CACHE`, `JUPITER_API_URL`. */
  env?: Record<string, string | undefined>;
  /** A ready client (overrides the URL and enable flag from the environment). */
  cache?: PoolCacheClient;
  cacheTimeoutMs?: number;
  /** Jupiter's quote API base (`…/quote` is appended). */
  jupiterURL?: string;
  jupiterTimeoutMs?: number;
  /** The round trip's start and end token (default SOL). */
  baseMint?: string;
  /** Tokens the round trip goes through (default USDC and USDT). */
  intermediateMints?: string[];
  /** Trade sizes tried, in base units of `baseMint` (default 1 SOL). */
  amounts?: bigint[];
  slippageBps?: number;
  /** Smallest profit (base units) reported by `findOpportunities()` (default 1). */
  minProfit?: bigint;
  /** One line per fallback or failure (default: none). */
  log?: (line: string) => void;
}

export const DEFAULT_CACHE_URL = "http://localhost:3001";
export const DEFAULT_JUPITER_URL = "https://lite-api.jup.ag/swap/v1";

/**
 * The bot's hybrid opportunity search: every quote is asked of the cache first and of Jupiter's
 * quote API when the cache is disabled, unavailable, stale, or has no route. Strategy: round
 * trips base → intermediate → base (SOL → USDC/USDT → SOL), amounts in base units.
 *
 * ```ts
 * const finder = new OpportunityFinder();              // RUST_CACHE_URL / POOL_CACHE_URL, USE_RUST_CACHE
 * for (const o of await finder.findOpportunities()) console.log(o.profit, o.route.map((h) => h.dex));
 * ```
 */
export class OpportunityFinder {
  readonly cache: PoolCacheClient;
  readonly useCache: boolean;
  readonly jupiterURL: string;
  readonly stats: FinderStats = {
    cacheQuotes: 0, jupiterQuotes: 0, failures: 0,
    fallbacks: { disabled: 0, unavailable: 0, stale: 0, no_route: 0, error: 0 },
  };
  private readonly jupiterTimeoutMs: number;
  private readonly baseMint: string;
  private readonly intermediates: string[];
  private readonly amounts: bigint[];
  private readonly slippageBps: number;
  private readonly minProfit: bigint;
  private readonly log: (line: string) => void;

  constructor(options: OpportunityFinderOptions = {}) {
    const env = options.env ?? (typeof process !== "undefined" ? process.env : {});
    // `USE_RUST_CACHE=false` (the original switch) or `USE_POOL_CACHE=false` turns the cache off.
    const flag = (env.USE_POOL_CACHE ?? env.USE_RUST_CACHE ?? "").trim().toLowerCase();
    this.useCache = flag !== "false";
    const url = env.POOL_CACHE_URL || env.RUST_CACHE_URL || DEFAULT_CACHE_URL;
    this.cache = options.cache ?? new PoolCacheClient(url, this.useCache, { timeoutMs: options.cacheTimeoutMs ?? 100 });
    this.jupiterURL = options.jupiterURL ?? (env.JUPITER_API_URL || DEFAULT_JUPITER_URL);
    this.jupiterTimeoutMs = options.jupiterTimeoutMs ?? 2_000;
    this.baseMint = options.baseMint ?? MINTS.SOL;
    this.intermediates = options.intermediateMints ?? [MINTS.USDC, MINTS.USDT];
    this.amounts = options.amounts ?? [1_000_000_000n];
    this.slippageBps = options.slippageBps ?? 50;
    this.minProfit = options.minProfit ?? 1n;
    this.log = options.log ?? (() => {});
  }

  /** Cache first, Jupiter as fallback. Throws `PoolCacheError` only when neither can quote. */
  async quote(request: QuoteRequest): Promise<SourcedQuote> {
    const req = { slippageBps: this.slippageBps, ...request };
    let fallback: FallbackReason;
    let cacheError = "";
    if (!this.useCache || !this.cache.isEnabled()) fallback = "disabled";
    else if (!(await this.cache.isAvailable())) fallback = "unavailable";
    else {
      try {
        const quote = await this.cache.quote(req);
        if (!quote.routePlan.some((s) => s.swapInfo.stale)) {
          this.stats.cacheQuotes += 1;
          return { quote, source: "cache" };
        }
        fallback = "stale";
      } catch (e) {
        const err = e instanceof PoolCacheError ? e : new PoolCacheError("parse", String(e));
        fallback = err.code === "no_route" ? "no_route" : err.kind === "timeout" || err.kind === "network" ? "unavailable" : "error";
        cacheError = `: ${err.message}`;
      }
    }
    this.stats.fallbacks[fallback] += 1;
    this.log(`cache ${fallback}${cacheError}; asking Jupiter for ${short(req.inputMint)}→${short(req.outputMint)} ${req.amount}`);
    try {
      const quote = await this.jupiterQuote(req);
      this.stats.jupiterQuotes += 1;
      return { quote, source: "jupiter", fallback };
    } catch (e) {
      this.stats.failures += 1;
      const err = e instanceof PoolCacheError ? e : new PoolCacheError("parse", String(e));
      this.log(`Jupiter failed too: ${err.message}`);
      throw new PoolCacheError(err.kind, `no quote for ${req.inputMint}→${req.outputMint}: cache ${fallback}${cacheError}; Jupiter: ${err.message}`,
        { status: err.status, code: err.code, url: err.url });
    }
  }

  /** Base → intermediate → base for one size, whatever its profit (negative included). */
  async roundTrip(intermediateMint: string, amount: bigint): Promise<Opportunity> {
    const first = await this.quote({ inputMint: this.baseMint, outputMint: intermediateMint, amount });
    const second = await this.quote({ inputMint: intermediateMint, outputMint: this.baseMint, amount: first.quote.outAmount });
    const profit = second.quote.outAmount - amount;
    const hops = (q: Quote): RouteHop[] => q.routePlan.map(({ swapInfo: s }) => ({
      dex: s.label, inputMint: s.inputMint, outputMint: s.outputMint, inAmount: s.inAmount, outAmount: s.outAmount, pool: s.ammKey,
    }));
    const slots = [first.quote.contextSlot, second.quote.contextSlot].filter((s): s is bigint => s !== null);
    const opportunity: Opportunity = {
      inputMint: this.baseMint, outputMint: this.baseMint, inputAmount: amount, outputAmount: second.quote.outAmount,
      profit, roi: ratio(profit, amount), route: [...hops(first.quote), ...hops(second.quote)], timestamp: Date.now(),
      source: first.source === second.source ? first.source : "mixed",
    };
    if (slots.length) opportunity.slot = slots.reduce((a, b) => (a > b ? a : b));
    return opportunity;
  }

  /** Every configured round trip and size, evaluated concurrently; legs that cannot be quoted are skipped (logged, counted). */
  async roundTrips(): Promise<Opportunity[]> {
    const jobs = this.intermediates.flatMap((mint) => this.amounts.map((amount) => this.roundTrip(mint, amount)));
    const settled = await Promise.allSettled(jobs);
    return settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  }

  /** Profitable round trips (profit ≥ `minProfit`), most profitable first, in the bot's shape. */
  async findOpportunities(): Promise<Opportunity[]> {
    return (await this.roundTrips())
      .filter((o) => o.profit >= this.minProfit)
      .sort((a, b) => (a.profit === b.profit ? 0 : a.profit > b.profit ? -1 : 1));
  }

  private async jupiterQuote(req: QuoteRequest): Promise<Quote> {
    const q = new URLSearchParams({
      inputMint: req.inputMint, outputMint: req.outputMint, amount: req.amount.toString(),
      slippageBps: String(req.slippageBps ?? this.slippageBps),
    });
    if (req.onlyDirectRoutes) q.set("onlyDirectRoutes", "true");
    if (req.swapMode !== undefined) q.set("swapMode", req.swapMode);
    const quote = decodeQuote(await requestJSON(`${joinURL(this.jupiterURL, "/quote")}?${q}`, { timeoutMs: this.jupiterTimeoutMs }), "jupiter");
    const specified = req.swapMode === "ExactOut" ? quote.outAmount : quote.inAmount;
    if (quote.inputMint !== req.inputMint || quote.outputMint !== req.outputMint || specified !== req.amount) {
      throw new PoolCacheError("parse", "Jupiter answered for a different trade");
    }
    return quote;
  }
}

/** profit / amount as a float, exact enough for display even for amounts beyond 2^53. */
function ratio(profit: bigint, amount: bigint): number {
  if (amount === 0n) return 0;
  const scale = 1_000_000_000_000n;
  return Number((profit * scale) / amount) / Number(scale);
}

function short(mint: string): string {
  return mint.length > 8 ? `${mint.slice(0, 4)}…` : mint;
}
