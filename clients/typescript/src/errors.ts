/** Why a request to the cache (or to Jupiter) failed. */
export type PoolCacheErrorKind =
  | "timeout"   // no complete answer within the client's timeout
  | "network"   // connection refused / reset / DNS
  | "http"      // the server answered with a non-2xx status (see `status` and `code`)
  | "parse"     // the answer is not the JSON shape this client expects
  | "disabled"  // the client is disabled (`setEnabled(false)` or `USE_RUST_CACHE=false`)
  | "aborted";  // the caller's AbortSignal fired

/**
 * A failed request, typed so callers can tell "cache down" from "no route".
 *
 * ```ts
 * try { await client.quote({ inputMint, outputMint, amount: 1_000_000_000n }) }
 * catch (e) { if (e instanceof PoolCacheError && e.code === "no_route") { ... } }
 * ```
 */
export class PoolCacheError extends Error {
  readonly kind: PoolCacheErrorKind;
  /** HTTP status for `kind === "http"`. */
  readonly status?: number;
  /** The server's machine code (`{"error": code}`), e.g. `no_route`, `invalid_parameter`. */
  readonly code?: string;
  readonly url?: string;

  constructor(kind: PoolCacheErrorKind, message: string, extra: { status?: number; code?: string; url?: string } = {}) {
    super(message);
    this.name = "PoolCacheError";
    this.kind = kind;
    this.status = extra.status;
    this.code = extra.code;
    this.url = extra.url;
  }
}
