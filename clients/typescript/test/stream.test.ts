// stream() against the real service's /v1/stream, directly and through a TCP proxy that cuts
// connections and stops listening for a while (reconnect).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PoolCacheClient } from "../src/client.js";
import { MINTS } from "../src/finder.js";
import { PoolCacheStream } from "../src/stream.js";
import { StreamEvent } from "../src/types.js";
import { Demo, sleep, startDemo, startTcpProxy, TcpProxy } from "./helpers.js";

/** Next event matching `want`, within `ms`. */
async function next(stream: PoolCacheStream, want: (e: StreamEvent) => boolean, ms: number): Promise<StreamEvent> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error("no matching event in time");
    const r = await Promise.race([stream.next(), sleep(left).then(() => null)]);
    if (r === null) throw new Error("no matching event in time");
    if (r.done) throw new Error("stream ended");
    if (want(r.value)) return r.value;
  }
}

/** Streams opened by a test: closed after the suite even when an assertion failed mid-test. */
const opened: PoolCacheStream[] = [];
function track(stream: PoolCacheStream): PoolCacheStream {
  opened.push(stream);
  return stream;
}

describe("stream()", { timeout: 300_000 }, () => {
  let demo: Demo;
  let proxy: TcpProxy;
  before(async () => {
    demo = await startDemo();
    proxy = await startTcpProxy(demo.port);
  }, { timeout: 200_000 });
  after(async () => { for (const s of opened) s.close(); await proxy?.close(); await demo?.stop(); });

  it("greets with hello, then pushes pool updates with exact bigint reserves, filtered by mint", async () => {
    const client = new PoolCacheClient(demo.url);
    const stream = track(client.stream({ mints: [MINTS.SOL], transport: "node" }));
    const hello = await next(stream, () => true, 10_000);
    assert.equal(hello.type, "hello");
    assert.ok(hello.type === "hello" && hello.pools >= 3);
    const update = await next(stream, (e) => e.type === "pool_update", 60_000);
    assert.ok(update.type === "pool_update");
    assert.ok(update.pool.mint_a === MINTS.SOL || update.pool.mint_b === MINTS.SOL, "the mint filter is applied");
    assert.equal(typeof update.slot, "bigint");
    assert.equal(typeof update.pool.reserve_a, "bigint");
    stream.close();
    assert.deepEqual(await stream.next(), { value: undefined, done: true });
  });

  it("setFilter() is acknowledged and applied", async () => {
    const client = new PoolCacheClient(demo.url);
    const page = await client.pools({ mint: MINTS.SOL, limit: 1 }, { timeoutMs: 5_000 });
    const address = page.pools[0].address;
    const stream = track(client.stream({ transport: "node" }));
    await next(stream, (e) => e.type === "hello", 10_000);
    stream.setFilter({ pools: [address] });
    await next(stream, (e) => e.type === "filter" && e.ok, 10_000);
    // After the acknowledgement only that pool's updates arrive.
    for (let i = 0; i < 2; i++) {
      const u = await next(stream, (e) => e.type === "pool_update", 60_000);
      assert.ok(u.type === "pool_update" && u.pool.address === address);
    }
    stream.setFilter({ pools: ["not-a-key"] });
    const err = await next(stream, (e) => e.type === "error", 10_000);
    assert.ok(err.type === "error" && err.error === "invalid_parameter");
    stream.close();
  });

  it("reconnects by itself after the connection is cut and while the server is unreachable", async () => {
    const client = new PoolCacheClient(proxy.url);
    const changes: string[] = [];
    const stream = track(client.stream({
      transport: "node", reconnectInitialMs: 100, reconnectMaxMs: 400,
      onConnectionChange: (c) => changes.push(c.state),
    }));
    await next(stream, (e) => e.type === "hello", 10_000);
    await next(stream, (e) => e.type === "pool_update", 60_000);

    // 1. The connection is cut (both directions, no close frame).
    proxy.dropAll();
    await next(stream, (e) => e.type === "hello", 10_000);
    assert.equal(stream.stats.reconnects, 1);
    await next(stream, (e) => e.type === "pool_update", 60_000);

    // 2. Nothing listens for a while: failed attempts back off, then the stream comes back.
    await proxy.pause();
    const acceptedBefore = proxy.accepted();
    await sleep(1_500);
    assert.equal(stream.connected, false);
    await proxy.resume();
    await next(stream, (e) => e.type === "hello", 10_000);
    assert.equal(stream.stats.reconnects, 2);
    assert.equal(proxy.accepted(), acceptedBefore + 1, "one successful dial after the listener came back");
    await next(stream, (e) => e.type === "pool_update", 60_000);
    assert.deepEqual(changes.slice(0, 3), ["open", "closed", "open"]);
    assert.equal(stream.stats.malformed, 0);
    stream.close();
  });

  it("a half-open path (bytes stop, no FIN) is detected by keep-alive pings and redialled", async () => {
    const client = new PoolCacheClient(proxy.url);
    let closedAt = 0;
    const stream = track(client.stream({
      transport: "node", pingIntervalMs: 500, reconnectInitialMs: 100,
      onConnectionChange: (c) => { if (c.state === "closed" && closedAt === 0) { closedAt = Date.now(); proxy.setFrozen(false); } },
    }));
    await next(stream, (e) => e.type === "hello", 10_000);
    const frozenAt = Date.now();
    proxy.setFrozen(true);
    await next(stream, (e) => e.type === "hello", 15_000);
    // Two silent ping intervals, then the unanswered close handshake (1 s), then the redial.
    assert.ok(closedAt - frozenAt >= 1_000 && closedAt - frozenAt < 10_000, `dropped after ${closedAt - frozenAt} ms`);
    assert.ok(stream.stats.reconnects >= 1);
    stream.close();
  });

  it("close() during reconnect backoff ends the iterator and stops dialling", async () => {
    await proxy.pause();
    const client = new PoolCacheClient(proxy.url);
    const stream = track(client.stream({ transport: "node", reconnectInitialMs: 50, reconnectMaxMs: 100 }));
    await sleep(300);
    const waiting = stream.next();
    stream.close();
    assert.deepEqual(await waiting, { value: undefined, done: true });
    await proxy.resume();
    const accepted = proxy.accepted();
    await sleep(400);
    assert.equal(proxy.accepted(), accepted);
  });

  it("an AbortSignal ends the stream", async () => {
    const controller = new AbortController();
    const client = new PoolCacheClient(demo.url);
    const seen: string[] = [];
    const consumer = (async () => {
      for await (const e of track(client.stream({ transport: "node", signal: controller.signal }))) {
        seen.push(e.type);
        if (e.type === "hello") controller.abort();
      }
    })();
    await consumer;
    assert.equal(seen[0], "hello");
  });
});
