// The client against the real service listening on every interface with an API token
// (`demo --host 0.0.0.0 --token-env …`): with the token every call works, the stream included;
// without it /v1 calls throw an http 401 and the legacy calls give their empty answers.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PoolCacheClient } from "../src/client.js";
import { PoolCacheError } from "../src/errors.js";
import { Demo, startDemo } from "./helpers.js";

describe("API token (real service on 0.0.0.0)", { timeout: 300_000 }, () => {
  const token = `tok-${Date.now()}-${Math.random().toString(36).slice(2)}-0123456789`;
  let demo: Demo;
  before(async () => { demo = await startDemo(3, token); }, { timeout: 200_000 });
  after(async () => { await demo?.stop(); });

  it("with the token: reads and the stream work", async () => {
    const client = new PoolCacheClient(demo.url, true, { timeoutMs: 5_000, token });
    assert.ok((await client.getAllPrices()).length >= 3);
    const page = await client.pools();
    assert.ok(page.pools.length >= 3);
    const stream = client.stream();
    try {
      const first = await stream.next();
      assert.equal(first.done, false);
      assert.equal(first.value.type, "hello");
    } finally {
      stream.close();
    }
  });

  it("without the token: 401 on /v1, empty legacy answers, nothing leaked", async () => {
    const client = new PoolCacheClient(demo.url, true, { timeoutMs: 5_000 });
    await assert.rejects(client.pools(), (e: unknown) => e instanceof PoolCacheError && e.kind === "http" && e.status === 401);
    assert.deepEqual(await client.getAllPrices(), []);
    const raw = await fetch(`${demo.url}/v1/health`);
    assert.equal(raw.status, 401);
    assert.match(raw.headers.get("www-authenticate") ?? "", /^Bearer /);
    assert.ok(!(await raw.text()).includes(token));
    assert.ok(!demo.output().includes(token), "the token is not in the service's output");
  });
});
