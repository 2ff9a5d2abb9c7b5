// The RFC 6455 client against a raw server end that sends exactly the frames under test.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { connectNodeWebSocket } from "../src/websocket.js";
import { clientFrames, serverFrame, sleep, startRawWsServer as startRaw, wsAccept } from "./helpers.js";

// Servers are also closed after the suite, so a failed assertion cannot leave the process hanging.
const servers: { close: () => Promise<void> }[] = [];
const startRawWsServer: typeof startRaw = async (onUpgrade) => {
  const s = await startRaw(onUpgrade);
  let closed = false;
  const wrapped = { port: s.port, close: async () => { if (!closed) { closed = true; await s.close(); } } };
  servers.push(wrapped);
  return wrapped;
};
after(async () => { for (const s of servers) await s.close(); });

const text = (s: string) => Buffer.from(s, "utf8");

function upgradeAnswer(key: string, accept = wsAccept(key)): string {
  return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`;
}

function collect(url: string) {
  const got: string[] = [];
  let closed: { code: number; error?: Error } | null = null;
  let opened = false;
  const socket = connectNodeWebSocket(url, {
    onOpen: () => { opened = true; },
    onText: (t) => got.push(t),
    onClose: (code, _r, error) => { closed = { code, error }; },
  }, { connectTimeoutMs: 2_000, maxMessageBytes: 1024 });
  return { socket, got, closed: () => closed, opened: () => opened };
}

async function until(check: () => boolean, ms = 2_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not reached");
    await sleep(10);
  }
}

describe("RFC 6455 client", () => {
  it("reassembles fragmented text, answers pings with masked pongs, and echoes the close code", async () => {
    const fromClient: NodeBuffer[] = [];
    const server = await startRawWsServer((socket, key, path) => {
      assert.equal(path, "/v1/stream?mints=abc");
      socket.on("data", (d: NodeBuffer) => fromClient.push(d));
      socket.write(upgradeAnswer(key));
      socket.write(Buffer.concat([
        serverFrame(0x1, text('{"type":"he'), false),
        serverFrame(0x9, text("ping-1")),                // control frame between fragments is legal
        serverFrame(0x0, text('llo","pools":3}'), true),
        serverFrame(0x1, text("second é")),
      ]));
      setTimeout(() => socket.write(serverFrame(0x8, Buffer.from([0x03, 0xe8]))), 100);
    });
    const c = collect(`ws://127.0.0.1:${server.port}/v1/stream?mints=abc`);
    await until(() => c.closed() !== null);
    assert.deepEqual(c.got, ['{"type":"hello","pools":3}', "second é"]);
    assert.equal(c.closed()!.code, 1000);
    await until(() => clientFrames(Buffer.concat(fromClient)).length >= 2);
    const frames = clientFrames(Buffer.concat(fromClient));
    assert.ok(frames.every((f) => f.masked), "every client frame is masked");
    assert.deepEqual(frames.map((f) => f.opcode), [0xa, 0x8]);
    assert.equal(frames[0].payload.toString(), "ping-1");
    await server.close();
  });

  it("sends masked text frames (16-bit length too)", async () => {
    const fromClient: NodeBuffer[] = [];
    const server = await startRawWsServer((socket, key) => {
      socket.on("data", (d: NodeBuffer) => fromClient.push(d));
      socket.write(upgradeAnswer(key));
    });
    const c = collect(`ws://127.0.0.1:${server.port}/`);
    await until(c.opened);
    const long = "x".repeat(300);
    c.socket.send('{"pools":[]}');
    c.socket.send(long);
    await until(() => clientFrames(Buffer.concat(fromClient)).length >= 2);
    const frames = clientFrames(Buffer.concat(fromClient));
    assert.deepEqual(frames.map((f) => [f.opcode, f.payload.toString()]), [[1, '{"pools":[]}'], [1, long]]);
    c.socket.close();
    await server.close();
  });

  const hostile: [string, (socket: import("node:net").Socket, key: string) => void, number][] = [
    ["a wrong Sec-WebSocket-Accept", (s, key) => s.write(upgradeAnswer(key, "AAAA")), 1002],
    ["a refused upgrade", (s) => s.write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"), 1006],
    ["a masked server frame", (s, key) => { s.write(upgradeAnswer(key)); s.write(serverFrame(0x1, text("hi"), true, true)); }, 1002],
    ["reserved bits", (s, key) => { s.write(upgradeAnswer(key)); const f = serverFrame(0x1, text("hi")); f[0] |= 0x40; s.write(f); }, 1002],
    ["a message above the size limit", (s, key) => { s.write(upgradeAnswer(key)); s.write(serverFrame(0x1, Buffer.alloc(5000, 0x61))); }, 1009],
    ["invalid UTF-8", (s, key) => { s.write(upgradeAnswer(key)); s.write(serverFrame(0x1, Buffer.from([0xc3, 0x28]))); }, 1007],
    ["an unknown opcode", (s, key) => { s.write(upgradeAnswer(key)); s.write(serverFrame(0x3, text("?"))); }, 1002],
    ["a continuation without a start", (s, key) => { s.write(upgradeAnswer(key)); s.write(serverFrame(0x0, text("?"))); }, 1002],
    ["an endless handshake", (s) => s.write("HTTP/1.1 101 OK\r\n" + "X: y\r\n".repeat(4000)), 1002],
    ["a connection cut mid-frame", (s, key) => { s.write(upgradeAnswer(key)); s.write(serverFrame(0x1, text("0123456789")).subarray(0, 5)); setTimeout(() => s.destroy(), 50); }, 1006],
  ];
  for (const [name, behave, code] of hostile) {
    it(`closes with ${code} and an error on ${name}, delivering nothing`, async () => {
      const server = await startRawWsServer(behave);
      const c = collect(`ws://127.0.0.1:${server.port}/`);
      await until(() => c.closed() !== null);
      assert.equal(c.closed()!.code, code);
      assert.ok(c.closed()!.error instanceof Error);
      assert.deepEqual(c.got, []);
      await server.close();
    });
  }

  it("times out a server that accepts TCP but never answers the upgrade", async () => {
    const server = await startRawWsServer(() => { /* silent */ });
    const started = Date.now();
    const socket = connectNodeWebSocket(`ws://127.0.0.1:${server.port}/`, {
      onOpen: () => assert.fail("must not open"), onText: () => {}, onClose: () => { closedAt = Date.now(); },
    }, { connectTimeoutMs: 300, maxMessageBytes: 1024 });
    let closedAt = 0;
    await until(() => closedAt > 0);
    assert.ok(closedAt - started >= 250 && closedAt - started < 1_500, `closed after ${closedAt - started} ms`);
    socket.close();
    await server.close();
  });
});
