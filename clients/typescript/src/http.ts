import { PoolCacheError } from "./errors.js";
import { asObject, JSONValue, parseJSON } from "./json.js";

/** Options of one HTTP call. */
export interface RequestOptions {
  method?: "GET" | "POST" | "DELETE";
  body?: unknown;
  /** Whole-request deadline (connect, headers and body). */
  timeoutMs: number;
  /** Answers larger than this are refused (a hostile or confused server cannot exhaust memory). */
  maxBytes?: number;
  signal?: AbortSignal;
  /** The API token (`[api] auth_token`), sent as `Authorization: Bearer …`. */
  token?: string;
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/**
 * GET/POST a URL and parse the JSON answer losslessly, within `timeoutMs`. Every failure is a
 * `PoolCacheError` (timeout, network, http with the server's `{"error": code}`, parse).
 *
 * ```ts
 * const health = await requestJSON("http://127.0.0.1:3001/health", { timeoutMs: 100 });
 * ```
 */
export async function requestJSON(url: string, options: RequestOptions): Promise<JSONValue> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; controller.abort(); }, options.timeoutMs);
  const onCallerAbort = () => controller.abort();
  options.signal?.addEventListener("abort", onCallerAbort, { once: true });
  const failure = (e: unknown): PoolCacheError => {
    if (e instanceof PoolCacheError) return e;
    if (timedOut) return new PoolCacheError("timeout", `no answer from ${url} within ${options.timeoutMs} ms`, { url });
    if (options.signal?.aborted) return new PoolCacheError("aborted", `request to ${url} aborted`, { url });
    const cause = e instanceof Error ? ((e as Error & { cause?: { code?: string; message?: string } }).cause?.code ?? e.message) : String(e);
    return new PoolCacheError("network", `${url}: ${cause}`, { url });
  };
  try {
    if (options.signal?.aborted) throw new PoolCacheError("aborted", `request to ${url} aborted`, { url });
    const headers: Record<string, string> = { accept: "application/json" };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const init: RequestInit = { method: options.method ?? "GET", signal: controller.signal, headers };
    if (options.body !== undefined) {
      init.body = JSON.stringify(options.body);
      headers["content-type"] = "application/json";
    }
    const response = await fetch(url, init);
    const text = await readText(response, options.maxBytes ?? DEFAULT_MAX_BYTES, url);
    if (!response.ok) {
      let code: string | undefined;
      let message = `${response.status} ${response.statusText}`;
      try {
        const o = asObject(parseJSON(text), "error");
        if (typeof o.error === "string") code = o.error;
        if (typeof o.message === "string") message = `${response.status}: ${o.message}`;
      } catch { /* not our JSON error body: keep the status line */ }
      throw new PoolCacheError("http", `${url}: ${message}`, { status: response.status, code, url });
    }
    return parseJSON(text);
  } catch (e) {
    throw failure(e);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onCallerAbort);
  }
}

/** Reads a body as UTF-8 text, refusing more than `maxBytes`. */
async function readText(response: Response, maxBytes: number, url: string): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new PoolCacheError("parse", `${url}: answer of ${declared} bytes exceeds ${maxBytes}`, { url });
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new PoolCacheError("parse", `${url}: answer exceeds ${maxBytes} bytes`, { url });
    }
    chunks.push(value);
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { all.set(c, at); at += c.byteLength; }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(all);
  } catch {
    throw new PoolCacheError("parse", `${url}: answer is not UTF-8`, { url });
  }
}

/** Joins a base URL and a path without doubling or dropping the slash. */
export function joinURL(base: string, path: string): string {
  return base.replace(/\/+$/, "") + (path.startsWith("/") ? path : `/${path}`);
}
