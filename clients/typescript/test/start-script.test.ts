// scripts/start-with-cache.sh: cache first, bot after /health, both stop together.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import { freePort, repoRoot, sleep, waitFor } from "./helpers.js";

const script = resolve(repoRoot, "scripts/start-with-cache.sh");
const bin = process.env.POOL_CACHE_BIN ?? resolve(repoRoot, ".build/debug/solana-pool-cache");

function run(args: string[]) {
  const child = spawn("bash", [script, ...args], { cwd: repoRoot, env: { ...process.env, POOL_CACHE_BIN: bin }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (d: unknown) => { out += String(d); });
  child.stderr?.on("data", (d: unknown) => { out += String(d); });
  const exit = new Promise<number | null>((r) => child.once("exit", (code: number | null) => r(code)));
  return { child, exit, output: () => out };
}

async function refused(url: string): Promise<boolean> {
  const c = new AbortController();
  const t = setTimeout(() => c.abort(), 1_000);
  try { await fetch(url, { signal: c.signal }); return false; } catch { return true; } finally { clearTimeout(t); }
}

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

describe("start-with-cache.sh", { timeout: 400_000 }, () => {
  it("starts the bot only once /health is ok, with both URL variables; the bot's exit stops the cache", async () => {
    const port = await freePort();
    const bot = `const u = process.env.POOL_CACHE_URL;
      if (u !== process.env.RUST_CACHE_URL) process.exit(3);
      fetch(u + "/prices").then(r => r.json()).then(rows => { console.log("BOT SAW " + rows.length + " PRICES"); process.exit(7); });`;
    const r = run(["demo", "--port", String(port), "--", "node", "-e", bot]);
    const code = await r.exit;
    assert.equal(code, 7, r.output());
    assert.match(r.output(), /BOT SAW [1-9][0-9]* PRICES/);
    assert.ok(await refused(`http://127.0.0.1:${port}/health`), "the cache was stopped with the bot");
  });

  it("SIGTERM stops both", async () => {
    const port = await freePort();
    const r = run(["demo", "--port", String(port), "--", "node", "-e", 'console.log("BOT PID " + process.pid); setInterval(() => {}, 1000)']);
    const pid = Number(await waitFor("the bot", 200_000, async () => /BOT PID (\d+)/.exec(r.output())?.[1]));
    assert.ok(alive(pid));
    r.child.kill("SIGTERM");
    assert.equal(await r.exit, 143);
    await sleep(200);
    assert.equal(alive(pid), false, "bot stopped");
    assert.ok(await refused(`http://127.0.0.1:${port}/health`), "cache stopped");
  });

  it("a cache that cannot start fails the script and never starts the bot", async () => {
    const r = run(["run", "/nonexistent/config.toml", "--", "node", "-e", 'console.log("BOT RAN")']);
    const code = await r.exit;
    assert.notEqual(code, 0);
    assert.doesNotMatch(r.output(), /BOT RAN/);
    assert.match(r.output(), /exited \(code \d+\) before/);
  });

  it("refuses a command line without `--`", async () => {
    const r = run(["demo"]);
    assert.equal(await r.exit, 2);
    assert.match(r.output(), /usage/);
  });
});
