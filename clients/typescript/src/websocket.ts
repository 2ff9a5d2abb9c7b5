import { createHash, randomBytes } from "node:crypto";
import * as net from "node:net";
import * as tls from "node:tls";

/** What a text WebSocket connection tells its owner. */
export interface SocketHandlers {
  onOpen(): void;
  onText(text: string): void;
  /** Any frame arrived (pongs included): the connection is alive. */
  onActivity?(): void;
  /** Called once, whatever ended the connection (`error` set for failures, not for clean closes). */
  onClose(code: number, reason: string, error?: Error): void;
}

/** A text-message WebSocket connection (ours over `node:net`, or an adapter over the global `WebSocket`). */
export interface TextSocket {
  send(text: string): void;
  /** Sends a ping; false when the transport cannot (the global WebSocket API has no ping). */
  ping(): boolean;
  close(code?: number, reason?: string): void;
}

export interface NodeSocketOptions {
  /** TCP connect + TLS + HTTP upgrade deadline. */
  connectTimeoutMs: number;
  /** Largest message accepted (fragments included); larger is a 1009 close. */
  maxMessageBytes: number;
}

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const OP_CONT = 0x0, OP_TEXT = 0x1, OP_BINARY = 0x2, OP_CLOSE = 0x8, OP_PING = 0x9, OP_PONG = 0xa;
const MAX_HANDSHAKE_BYTES = 16 * 1024;

/**
 * A minimal RFC 6455 client on `node:net`/`node:tls` for Node versions without a global
 * `WebSocket`: HTTP/1.1 upgrade with `Sec-WebSocket-Accept` check, masked client frames, text
 * messages (fragmented or not, strict UTF-8), ping/pong, close handshake. No extensions.
 *
 * ```ts
 * const ws = connectNodeWebSocket("ws://127.0.0.1:3001/v1/stream", {
 *   onOpen() {}, onText(t) { console.log(t) }, onClose(code) {} },
 *   { connectTimeoutMs: 5000, maxMessageBytes: 1 << 20 });
 * ```
 */
export function connectNodeWebSocket(url: string, handlers: SocketHandlers, options: NodeSocketOptions): TextSocket {
  const target = new URL(url);
  if (target.protocol !== "ws:" && target.protocol !== "wss:") throw new Error(`not a WebSocket URL: ${url}`);
  const secure = target.protocol === "wss:";
  const host = target.hostname.replace(/^\[|\]$/g, "");
  const port = Number(target.port || (secure ? 443 : 80));
  const key = randomBytes(16).toString("base64");
  const expectedAccept = createHash("sha1").update(key + GUID).digest("base64");

  let state: "connecting" | "open" | "closing" | "closed" = "connecting";
  let buffer: NodeBuffer = Buffer.alloc(0);
  let fragments: NodeBuffer[] = [];
  let fragmentBytes = 0;
  /** Opcode of the message being reassembled (0: none). */
  let messageOpcode = 0;
  let closeSent = false;

  const onConnect = () => {
    const path = (target.pathname || "/") + target.search;
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nUser-Agent: solana-pool-cache-client\r\n\r\n`);
  };
  const socket: net.Socket = secure ? tls.connect({ host, port, servername: host }, onConnect) : net.connect({ host, port }, onConnect);
  socket.setNoDelay(true);

  const connectTimer = setTimeout(() => finish(1006, "", new Error(`WebSocket connect to ${target.host} timed out after ${options.connectTimeoutMs} ms`)),
    options.connectTimeoutMs);

  let closeTimer: ReturnType<typeof setTimeout> | undefined;

  /** Reports the end once. `graceful`: let queued bytes (our close frame) flush before the socket goes. */
  function finish(code: number, reason: string, error?: Error, graceful = false) {
    if (state === "closed") return;
    state = "closed";
    clearTimeout(connectTimer);
    clearTimeout(closeTimer);
    if (graceful && !socket.destroyed) {
      socket.end();
      const reaper = setTimeout(() => socket.destroy(), 1000);
      socket.once("close", () => clearTimeout(reaper));
    } else socket.destroy();
    handlers.onClose(code, reason, error);
  }

  function writeFrame(opcode: number, payload: Uint8Array) {
    if (socket.destroyed) return;
    const len = payload.byteLength;
    const headerLen = len < 126 ? 2 : len < 65536 ? 4 : 10;
    const frame = Buffer.alloc(headerLen + 4 + len);
    frame[0] = 0x80 | opcode;
    if (len < 126) frame[1] = 0x80 | len;
    else if (len < 65536) { frame[1] = 0x80 | 126; frame.writeUInt16BE(len, 2); }
    else { frame[1] = 0x80 | 127; frame.writeUInt32BE(Math.floor(len / 2 ** 32), 2); frame.writeUInt32BE(len >>> 0, 6); }
    // Client frames are always masked (RFC 6455 §5.3), with a fresh key per frame.
    const mask = randomBytes(4);
    frame.set(mask, headerLen);
    for (let i = 0; i < len; i++) frame[headerLen + 4 + i] = payload[i] ^ mask[i & 3];
    socket.write(frame);
  }

  function sendClose(code: number, reason: string) {
    if (closeSent) return;
    closeSent = true;
    const r = Buffer.from(reason.slice(0, 100), "utf8");
    const payload = Buffer.alloc(2 + r.byteLength);
    payload.writeUInt16BE(code, 0);
    payload.set(r, 2);
    writeFrame(OP_CLOSE, payload);
  }

  /** Ends the connection for a protocol violation by the server. */
  function fail(code: number, why: string) {
    sendClose(code, why);
    finish(code, why, new Error(`WebSocket protocol error: ${why}`), true);
  }

  function handshake(): boolean {
    const end = buffer.indexOf("\r\n\r\n");
    if (end < 0) {
      if (buffer.byteLength > MAX_HANDSHAKE_BYTES) fail(1002, "handshake answer too large");
      return false;
    }
    const head = buffer.subarray(0, end).toString("latin1");
    buffer = buffer.subarray(end + 4);
    const [statusLine, ...lines] = head.split("\r\n");
    const status = /^HTTP\/1\.1 (\d{3})/.exec(statusLine);
    if (!status || status[1] !== "101") {
      finish(1006, "", new Error(`WebSocket upgrade refused: ${statusLine.slice(0, 200)}`));
      return false;
    }
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(":");
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    if ((headers["upgrade"] ?? "").toLowerCase() !== "websocket" || headers["sec-websocket-accept"] !== expectedAccept) {
      fail(1002, "bad upgrade answer");
      return false;
    }
    if (headers["sec-websocket-extensions"]) { fail(1002, "extension not requested"); return false; }
    state = "open";
    clearTimeout(connectTimer);
    handlers.onOpen();
    return true;
  }

  function frames() {
    while (state === "open" || state === "closing") {
      if (buffer.byteLength < 2) return;
      const b0 = buffer[0], b1 = buffer[1];
      const fin = (b0 & 0x80) !== 0;
      const opcode = b0 & 0x0f;
      if ((b0 & 0x70) !== 0) return fail(1002, "reserved bits set");
      if ((b1 & 0x80) !== 0) return fail(1002, "server frames must not be masked");
      let len = b1 & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (buffer.byteLength < 4) return;
        len = buffer.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (buffer.byteLength < 10) return;
        const high = buffer.readUInt32BE(2);
        if (high !== 0) return fail(1009, "message too big");
        len = buffer.readUInt32BE(6);
        offset = 10;
      }
      const control = opcode >= 0x8;
      if (control && (!fin || len > 125)) return fail(1002, "bad control frame");
      if (!control && fragmentBytes + len > options.maxMessageBytes) return fail(1009, "message too big");
      if (buffer.byteLength < offset + len) return;
      const payload = buffer.subarray(offset, offset + len);
      buffer = buffer.subarray(offset + len);
      handlers.onActivity?.();

      switch (opcode) {
        case OP_TEXT:
        case OP_BINARY:
        case OP_CONT: {
          if (opcode === OP_CONT ? messageOpcode === 0 : messageOpcode !== 0) return fail(1002, "bad fragmentation");
          if (opcode !== OP_CONT) messageOpcode = opcode;
          fragments.push(Buffer.from(payload));
          fragmentBytes += len;
          if (!fin) break;
          const whole = Buffer.concat(fragments);
          const kind = messageOpcode;
          fragments = [];
          fragmentBytes = 0;
          messageOpcode = 0;
          if (kind === OP_BINARY) break; // the API sends text only; binary is skipped
          let text: string;
          try { text = new TextDecoder("utf-8", { fatal: true }).decode(whole); } catch { return fail(1007, "invalid UTF-8"); }
          handlers.onText(text);
          break;
        }
        case OP_PING: writeFrame(OP_PONG, payload); break;
        case OP_PONG: break;
        case OP_CLOSE: {
          const code = len >= 2 ? payload.readUInt16BE(0) : 1005;
          const reason = len > 2 ? payload.subarray(2).toString("utf8") : "";
          sendClose(code === 1005 ? 1000 : code, "");
          finish(code, reason, undefined, true);
          return;
        }
        default: return fail(1002, `unknown opcode ${opcode}`);
      }
    }
  }

  socket.on("data", (chunk: NodeBuffer) => {
    buffer = buffer.byteLength === 0 ? chunk : Buffer.concat([buffer, chunk]);
    if (state === "connecting" && !handshake()) return;
    frames();
  });
  socket.on("error", (e: Error) => finish(1006, "", e));
  socket.on("close", () => finish(1006, "", state === "closing" ? undefined : new Error("connection closed without a close frame")));

  return {
    send(text: string) {
      if (state !== "open") throw new Error("WebSocket is not open");
      writeFrame(OP_TEXT, Buffer.from(text, "utf8"));
    },
    ping() {
      if (state === "open") writeFrame(OP_PING, Buffer.alloc(0));
      return true;
    },
    close(code = 1000, reason = "") {
      if (state === "closed") return;
      if (state === "open") {
        state = "closing";
        sendClose(code, reason);
        // The server answers with its own close frame; do not wait for it forever.
        closeTimer = setTimeout(() => finish(code, reason), 1000);
      } else finish(code, reason);
    },
  };
}

/** The part of the WHATWG `WebSocket` this package uses (Node ≥ 22, browsers, Deno, Bun). */
export interface GlobalWebSocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}
export type GlobalWebSocketConstructor = new (url: string) => GlobalWebSocketLike;

/** The runtime's own `WebSocket`, when it has one. */
export function globalWebSocket(): GlobalWebSocketConstructor | undefined {
  const ws = (globalThis as { WebSocket?: unknown }).WebSocket;
  return typeof ws === "function" ? (ws as GlobalWebSocketConstructor) : undefined;
}

/** Adapts a WHATWG `WebSocket` to `TextSocket`. */
export function connectGlobalWebSocket(Ctor: GlobalWebSocketConstructor, url: string, handlers: SocketHandlers,
                                       options: NodeSocketOptions): TextSocket {
  const ws = new Ctor(url);
  let done = false;
  let opened = false;
  const timer = setTimeout(() => { if (!opened) { end(1006, "", new Error("WebSocket connect timed out")); ws.close(); } }, options.connectTimeoutMs);
  const end = (code: number, reason: string, error?: Error) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    handlers.onClose(code, reason, error);
  };
  ws.onopen = () => { opened = true; clearTimeout(timer); handlers.onOpen(); };
  ws.onmessage = (ev) => {
    if (typeof ev.data !== "string") return;
    if (ev.data.length > options.maxMessageBytes) { ws.close(1009, "message too big"); end(1009, "message too big"); return; }
    handlers.onText(ev.data);
  };
  ws.onerror = () => end(1006, "", new Error("WebSocket error"));
  ws.onclose = (ev) => end(ev.code, ev.reason, ev.code === 1000 ? undefined : new Error(`closed with code ${ev.code}`));
  return {
    send: (text) => ws.send(text),
    ping: () => false,
    close: (code = 1000, reason = "") => { ws.close(code, reason); end(code, reason); },
  };
}
