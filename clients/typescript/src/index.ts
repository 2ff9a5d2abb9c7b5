/**
 * solana-pool-cache client: the original `RustPoolCacheClient` API, the typed `/v1` API, the live
 * stream, and the bot's `OpportunityFinder` (cache first, Jupiter fallback). No runtime dependencies.
 *
 * ```ts
 * import { PoolCacheClient, OpportunityFinder } from "solana-pool-cache-client";
 * ```
 */
export { PoolCacheClient, RustPoolCacheClient } from "./client.js";
export type { PoolCacheClientOptions, RustArbitrageOpportunity, RustPoolPrice } from "./client.js";
export { PoolCacheError } from "./errors.js";
export { decodeInstruction, decodeSwapInstructions, opportunityToJSON, quoteToJSON } from "./instructions.js";
export type { InstructionAccount, PlainInstruction, SwapInstructions, SwapInstructionsOptions } from "./instructions.js";
export type { PoolCacheErrorKind } from "./errors.js";
export { OpportunityFinder, MINTS, DEFAULT_CACHE_URL, DEFAULT_JUPITER_URL } from "./finder.js";
export type { FallbackReason, FinderStats, OpportunityFinderOptions, SourcedQuote } from "./finder.js";
export { parseJSON } from "./json.js";
export type { JSONValue } from "./json.js";
export { PoolCacheStream } from "./stream.js";
export type { StreamOptions, StreamStats } from "./stream.js";
export type {
  CacheStats, LegacyArbitrageOpportunity, Opportunity, PoolInfo, PoolPage, PoolPrice, PoolQuery, Quote, QuoteRequest, RouteHop,
  ServiceHealth, StreamEvent, SwapInfo,
} from "./types.js";
export { connectNodeWebSocket } from "./websocket.js";
export type { TextSocket, SocketHandlers } from "./websocket.js";
