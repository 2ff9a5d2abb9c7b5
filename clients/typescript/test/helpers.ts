// Test fixtures that are real processes and sockets: the service in demo mode, a mock of Jupiter's
// quote API, a deliberately slow server, and a TCP proxy that can cut connections.
import { ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root (this file runs from clients/typescript/dist/test/). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Polls `check` until it returns a value or `timeoutMs` passes. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined | null | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) { last = e; }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

export interface Demo {
  url: string;
  port: number;
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts `solana-pool-cache demo --port <free>` (the built binary; `POOL_CACHE_BIN` overrides) and
 * waits until `/health` answers and at least `minPriced` pools have prices.
 */
/** `token`: the demo listens on every interface (0.0.0.0) and needs that API token (`--token-env`). */
export async function startDemo(minPriced = 3, token?: string): Promise<Demo> {
  const bin = process.env.POOL_CACHE_BIN ?? resolve(repoRoot, ".build/debug/solana-pool-cache");
  if (!existsSync(bin)) throw new Error(`${bin} not found: run \`swift build\` first (or set POOL_CACHE_BIN)`);
  const port = await freePort();
  const args = ["demo", "--port", String(port), ...(token ? ["--host", "0.0.0.0", "--token-env", "SPC_TEST_API_TOKEN"] : [])];
  const env = token ? { ...process.env, SPC_TEST_API_TOKEN: token } : process.env;
  const child = spawn(bin, args, { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const keep = (chunk: unknown) => { log = (log + String(chunk)).slice(-20_000); };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(killer);
    }
  };
  try {
    await waitFor(`demo on ${url} with ${minPriced} priced pools`, 180_000, async () => {
      if (child.exitCode !== null) throw new Error(`demo exited with ${child.exitCode}:\n${log}`);
      const health = await (await fetch(`${url}/health`)).json() as { status: string; cached_pools: number };
      return health.status === "ok" && health.cached_pools >= minPriced;
    });
  } catch (e) {
    await stop();
    throw new Error(`${String(e)}\n--- demo output ---\n${log}`);
  }
  return { url, port, process: child, output: () => log, stop };
}

// ---- Jupiter quote API mock

export interface JupiterMock {
  url: string;
  requests: URLSearchParams[];
  /** `ok`: quotes; `down`: 503 for everything; `garbage`: a 200 that is not JSON. */
  mode: "ok" | "down" | "garbage";
  close: () => Promise<void>;
}

/** Output per input in base units: SOL→stable at 150, stable→SOL at 1/149 (a 0.67 % round-trip edge). */
export function jupiterOut(inputMint: string, amount: bigint): bigint {
  return inputMint === "So11111111111111111111111111111111111111112" ? (amount * 150_000_000n) / 1_000_000_000n
    : (amount * 1_000_000_000n) / 149_000_000n;
}

export async function startJupiterMock(): Promise<JupiterMock> {
  const mock: JupiterMock = { url: "", requests: [], mode: "ok", close: async () => {} };
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://x");
    mock.requests.push(u.searchParams);
    if (mock.mode === "down") { res.writeHead(503, { "content-type": "application/json" }); res.end('{"error":"unavailable"}'); return; }
    if (mock.mode === "garbage") { res.writeHead(200, { "content-type": "application/json" }); res.end("<html>rate limited</html>"); return; }
    if (u.pathname !== "/quote") { res.writeHead(404); res.end(); return; }
    const input = u.searchParams.get("inputMint") ?? "";
    const output = u.searchParams.get("outputMint") ?? "";
    const amount = BigInt(u.searchParams.get("amount") ?? "0");
    const out = jupiterOut(input, amount);
    // Amounts as strings and a slot above 2^53, as the real API may send: nothing may be rounded.
    const body = `{"inputMint":"${input}","inAmount":"${amount}","outputMint":"${output}","outAmount":"${out}",` +
      `"otherAmountThreshold":"${out - out / 200n}","swapMode":"ExactIn","slippageBps":${u.searchParams.get("slippageBps") ?? 50},` +
      `"priceImpactPct":"0.0001","routePlan":[{"swapInfo":{"ammKey":"JupMockPool1111111111111111111111111111111","label":"MockDex",` +
      `"inputMint":"${input}","outputMint":"${output}","inAmount":"${amount}","outAmount":"${out}","feeAmount":"1","feeMint":"${input}"},` +
      `"percent":100}],"contextSlot":9007199254740993,"timeTaken":0.001}`;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(body);
  });
  const port = await listen(server);
  mock.url = `http://127.0.0.1:${port}`;
  mock.close = () => closeServer(server);
  return mock;
}

// ---- Generic scripted HTTP server (slow cache, stale cache, hostile answers)

export interface ScriptedServer {
  url: string;
  port: number;
  hits: string[];
  close: () => Promise<void>;
}

/** An HTTP server whose answer to each request (path, body) is decided by `handler` (after `delayMs`). */
export async function startScriptedServer(
  handler: (path: string, body?: string) => { status?: number; body: string },
  delayMs = 0,
): Promise<ScriptedServer> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? "");
    const chunks: Uint8Array[] = [];
    req.on("data", (c: Uint8Array) => chunks.push(c));
    req.on("end", () => {
      const answer = () => {
        const a = handler(req.url ?? "/", Buffer.concat(chunks).toString("utf8"));
        res.writeHead(a.status ?? 200, { "content-type": "application/json" });
        res.end(a.body);
      };
      if (delayMs > 0) setTimeout(answer, delayMs); else answer();
    });
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, port, hits, close: () => closeServer(server) };
}

// ---- TCP proxy that can cut every connection or stop listening (for reconnect tests)

export interface TcpProxy {
  port: number;
  url: string;
  connections: () => number;
  accepted: () => number;
  /** Destroys every open connection (both sides). */
  dropAll: () => void;
  /** While true, bytes are swallowed in both directions but sockets stay open (a half-open path). */
  setFrozen: (frozen: boolean) => void;
  /** Stops accepting (and drops everything) until `resume()`. */
  pause: () => Promise<void>;
  resume: () => Promise<void>;
  close: () => Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let accepted = 0;
  let frozen = false;
  const make = () => net.createServer((client) => {
    accepted += 1;
    const upstream = net.connect({ host: "127.0.0.1", port: targetPort });
    open.add(client); open.add(upstream);
    const end = () => { client.destroy(); upstream.destroy(); open.delete(client); open.delete(upstream); };
    client.on("data", (d: NodeBuffer) => { if (!frozen) upstream.write(d); });
    upstream.on("data", (d: NodeBuffer) => { if (!frozen) client.write(d); });
    client.on("close", end); upstream.on("close", end);
    client.on("error", end); upstream.on("error", end);
  });
  let server = make();
  const port = await listen(server);
  const dropAll = () => { for (const s of [...open]) s.destroy(); open.clear(); };
  return {
    port, url: `http://127.0.0.1:${port}`,
    connections: () => open.size / 2,
    accepted: () => accepted,
    dropAll,
    setFrozen: (f: boolean) => { frozen = f; },
    pause: async () => { dropAll(); await new Promise<void>((r) => server.close(() => r())); },
    resume: async () => { server = make(); await listen(server, port); },
    close: async () => { dropAll(); if (server.listening) await new Promise<void>((r) => server.close(() => r())); },
  };
}

// ---- A raw WebSocket server end, for protocol tests (frames as RFC 6455 servers send them)

export const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** Accept value for a client key (`accept` can be overridden to test a bad handshake). */
export function wsAccept(key: string): string {
  return createHash("sha1").update(key + WS_GUID).digest("base64");
}

/** An unmasked server frame. */
export function serverFrame(opcode: number, payload: Uint8Array, fin = true, masked = false): NodeBuffer {
  const len = payload.byteLength;
  const head = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const mask = masked ? 4 : 0;
  const f = Buffer.alloc(head + mask + len);
  f[0] = (fin ? 0x80 : 0) | opcode;
  if (len < 126) f[1] = len;
  else if (len < 65536) { f[1] = 126; f.writeUInt16BE(len, 2); } else { f[1] = 127; f.writeUInt32BE(0, 2); f.writeUInt32BE(len, 6); }
  if (masked) f[1] |= 0x80; // mask key 0,0,0,0: payload unchanged
  f.set(payload, head + mask);
  return f;
}

/** Decodes the (masked) client frames in `data`: opcode and unmasked payload of each complete frame. */
export function clientFrames(data: NodeBuffer): { opcode: number; payload: NodeBuffer; masked: boolean }[] {
  const out: { opcode: number; payload: NodeBuffer; masked: boolean }[] = [];
  let at = 0;
  while (data.byteLength - at >= 2) {
    const opcode = data[at] & 0x0f;
    const masked = (data[at + 1] & 0x80) !== 0;
    let len = data[at + 1] & 0x7f;
    let off = at + 2;
    if (len === 126) { len = data.readUInt16BE(off); off += 2; } else if (len === 127) { len = data.readUInt32BE(off + 4); off += 8; }
    const key = masked ? data.subarray(off, off + 4) : Buffer.alloc(4);
    if (masked) off += 4;
    if (data.byteLength < off + len) break;
    const payload = Buffer.alloc(len);
    for (let i = 0; i < len; i++) payload[i] = data[off + i] ^ key[i & 3];
    out.push({ opcode, payload, masked });
    at = off + len;
  }
  return out;
}

/** A TCP server speaking raw bytes; `onUpgrade` gets the socket and the client's key after the request head. */
export async function startRawWsServer(onUpgrade: (socket: net.Socket, key: string, path: string) => void):
    Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let head = "";
    const onData = (d: NodeBuffer) => {
      head += d.toString("latin1");
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      socket.off("data", onData);
      const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? "";
      const path = head.split(" ")[1] ?? "/";
      onUpgrade(socket, key, path);
    };
    socket.on("data", onData);
  });
  const port = await listen(server);
  return { port, close: async () => { for (const s of sockets) s.destroy(); await new Promise<void>((r) => server.close(() => r())); } };
}

function listen(server: net.Server | http.Server, port = 0): Promise<number> {
  return new Promise((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolveListen((server.address() as net.AddressInfo).port));
  });
}

function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}
