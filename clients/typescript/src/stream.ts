import { parseJSON } from "./json.js";
import { decodeStreamEvent, StreamEvent } from "./types.js";
import {
  connectGlobalWebSocket, connectNodeWebSocket, globalWebSocket, GlobalWebSocketConstructor, SocketHandlers, TextSocket,
} from "./websocket.js";

/** Options of `PoolCacheClient.stream()`. */
export interface StreamOptions {
  /** Only updates of these pools (addresses) … */
  pools?: string[];
  /** … or of pools trading these mints (both empty: everything). */
  mints?: string[];
  /** Ends the stream (the iterator finishes). */
  signal?: AbortSignal;
  /** The API token, sent as `?access_token=` (a WebSocket from a browser cannot carry headers). */
  token?: string;
  /** First reconnect delay; doubles per failed attempt up to `reconnectMaxMs` (with jitter). */
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
  connectTimeoutMs?: number;
  /** Keep-alive: a ping every `pingIntervalMs`; a connection silent for two intervals is dropped and redialled. */
  pingIntervalMs?: number;
  maxMessageBytes?: number;
  /** Events buffered for a slow consumer before the oldest are dropped (counted in `stats.dropped`). */
  maxBufferedEvents?: number;
  /** `auto`: the global `WebSocket` when the runtime has one, else the built-in RFC 6455 client. */
  transport?: "auto" | "node" | GlobalWebSocketConstructor;
  /** Connection state changes, for logs and metrics. */
  onConnectionChange?: (change: { state: "open" | "closed"; attempt: number; error?: Error }) => void;
}

/** Counters of one stream (for logs and metrics). */
export interface StreamStats {
  connects: number;
  reconnects: number;
  /** Messages that were not JSON or not of a known shape. */
  malformed: number;
  /** Events dropped because the consumer was slower than `maxBufferedEvents`. */
  dropped: number;
}

/**
 * The `/v1/stream` WebSocket as an async iterator that survives disconnects: it redials with
 * exponential backoff and re-sends its filter; the server greets every connection with `hello`.
 *
 * ```ts
 * const stream = client.stream({ mints: [SOL] });
 * for await (const event of stream) {
 *   if (event.type === "pool_update") console.log(event.pool.address, event.pool.reserve_a);
 * }
 * stream.setFilter({ pools: [address] });   // while running
 * stream.close();
 * ```
 */
export class PoolCacheStream implements AsyncIterableIterator<StreamEvent> {
  readonly stats: StreamStats = { connects: 0, reconnects: 0, malformed: 0, dropped: 0 };
  private readonly url: string;
  private readonly options: Required<Omit<StreamOptions, "signal" | "onConnectionChange" | "transport" | "pools" | "mints" | "token">>;
  private readonly token?: string;
  private readonly transport: StreamOptions["transport"];
  private readonly onConnectionChange?: StreamOptions["onConnectionChange"];
  private readonly signal?: AbortSignal;
  private filter: { pools: string[]; mints: string[] };
  private queue: StreamEvent[] = [];
  private waiter: ((r: IteratorResult<StreamEvent>) => void) | null = null;
  private socket: TextSocket | null = null;
  private open = false;
  private closed = false;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private keepAlive: ReturnType<typeof setInterval> | null = null;
  private lastHeard = 0;

  constructor(url: string, options: StreamOptions = {}) {
    this.url = url;
    this.filter = { pools: options.pools ?? [], mints: options.mints ?? [] };
    this.options = {
      reconnectInitialMs: options.reconnectInitialMs ?? 250,
      reconnectMaxMs: options.reconnectMaxMs ?? 10_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
      pingIntervalMs: options.pingIntervalMs ?? 15_000,
      maxMessageBytes: options.maxMessageBytes ?? 1 << 20,
      maxBufferedEvents: options.maxBufferedEvents ?? 10_000,
    };
    this.token = options.token;
    this.transport = options.transport ?? "auto";
    this.onConnectionChange = options.onConnectionChange;
    this.signal = options.signal;
    if (this.signal?.aborted) { this.closed = true; return; }
    this.signal?.addEventListener("abort", () => this.close(), { once: true });
    this.connect();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<StreamEvent> {
    return this;
  }

  next(): Promise<IteratorResult<StreamEvent>> {
    const event = this.queue.shift();
    if (event) return Promise.resolve({ value: event, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => { this.waiter = resolve; });
  }

  return(): Promise<IteratorResult<StreamEvent>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Replaces the filter now (sent to the server) and on every reconnect. */
  setFilter(filter: { pools?: string[]; mints?: string[] }): void {
    this.filter = { pools: filter.pools ?? [], mints: filter.mints ?? [] };
    if (this.open && this.socket) this.socket.send(JSON.stringify(this.filter));
  }

  /** True while a connection is up. */
  get connected(): boolean {
    return this.open;
  }

  /** Ends the stream: closes the connection, stops reconnecting, drops buffered events, finishes the iterator. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.stopKeepAlive();
    this.socket?.close(1000, "client closed");
    this.socket = null;
    this.queue = []; // closed means done: buffered events are not delivered after close()
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w({ value: undefined, done: true });
    }
  }

  private connect() {
    if (this.closed) return;
    const q = new URLSearchParams();
    if (this.filter.pools.length) q.set("pools", this.filter.pools.join(","));
    if (this.filter.mints.length) q.set("mints", this.filter.mints.join(","));
    if (this.token) q.set("access_token", this.token);
    const url = this.url + (q.toString() ? `?${q}` : "");
    const attempt = this.attempt;
    let socket: TextSocket | null = null;
    const handlers: SocketHandlers = {
      onOpen: () => {
        if (this.closed) { socket?.close(); return; }
        this.open = true;
        this.stats.connects += 1;
        if (this.stats.connects > 1) this.stats.reconnects += 1;
        this.attempt = 0;
        this.lastHeard = Date.now();
        this.startKeepAlive(socket);
        this.onConnectionChange?.({ state: "open", attempt });
      },
      onActivity: () => { this.lastHeard = Date.now(); },
      onText: (text) => {
        this.lastHeard = Date.now();
        let event: StreamEvent | null;
        try { event = decodeStreamEvent(parseJSON(text)); } catch { this.stats.malformed += 1; return; }
        if (event) this.push(event);
      },
      onClose: (_code, _reason, error) => {
        const wasOpen = this.open;
        this.open = false;
        this.stopKeepAlive();
        if (this.socket === socket) this.socket = null;
        if (wasOpen || error) this.onConnectionChange?.({ state: "closed", attempt, error });
        this.scheduleReconnect();
      },
    };
    try {
      const Global = this.transport === "auto" ? globalWebSocket() : this.transport === "node" ? undefined : this.transport;
      const limits = { connectTimeoutMs: this.options.connectTimeoutMs, maxMessageBytes: this.options.maxMessageBytes };
      socket = Global ? connectGlobalWebSocket(Global, url, handlers, limits) : connectNodeWebSocket(url, handlers, limits);
      this.socket = socket;
    } catch (e) {
      this.onConnectionChange?.({ state: "closed", attempt, error: e instanceof Error ? e : new Error(String(e)) });
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect() {
    if (this.closed || this.reconnectTimer) return;
    const base = Math.min(this.options.reconnectMaxMs, this.options.reconnectInitialMs * 2 ** Math.min(this.attempt, 20));
    // Jitter (50–100 %) keeps many clients from redialling a restarted cache in lockstep.
    const delay = base * (0.5 + Math.random() / 2);
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => { this.reconnectTimer = null; this.connect(); }, delay);
  }

  private startKeepAlive(socket: TextSocket | null) {
    this.stopKeepAlive();
    const interval = this.options.pingIntervalMs;
    this.keepAlive = setInterval(() => {
      // Transports without ping (the global WebSocket) rely on TCP to notice a dead peer.
      if (!socket || !socket.ping()) return;
      // Silent for two intervals despite pings: a half-open connection; redial.
      if (Date.now() - this.lastHeard > 2 * interval) socket.close(4000, "keep-alive timeout");
    }, interval);
  }

  private stopKeepAlive() {
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = null;
  }

  private push(event: StreamEvent) {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w({ value: event, done: false });
      return;
    }
    this.queue.push(event);
    if (this.queue.length > this.options.maxBufferedEvents) {
      this.queue.shift();
      this.stats.dropped += 1;
    }
  }
}
