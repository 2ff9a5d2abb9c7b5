import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PoolCacheError } from "../src/errors.js";
import { parseJSON } from "../src/json.js";
import { decodePoolPrice, decodeQuote } from "../src/types.js";

describe("lossless JSON", () => {
  it("keeps integers above 2^53 exact as bigint and small ones as numbers", () => {
    const v = parseJSON('{"a": 18446744073709551615, "b": 9007199254740993, "c": 42, "d": -7, "e": 1.5, "f": 1e3}') as Record<string, unknown>;
    assert.equal(v.a, 18446744073709551615n);
    assert.equal(v.b, 9007199254740993n);
    assert.equal(v.c, 42);
    assert.equal(v.d, -7);
    assert.equal(v.e, 1.5);
    assert.equal(v.f, 1000);
    // What JSON.parse would have done: the reason for this parser.
    assert.notEqual(BigInt(JSON.parse("9007199254740993")), 9007199254740993n);
  });

  it("parses strings, escapes, nesting, literals", () => {
    assert.deepEqual(parseJSON('["a\\"b", "\\u00e9\\n", [true, false, null], {}]'), ['a"b', "é\n", [true, false, null], Object.create(null)]);
  });

  for (const bad of ["", "{", '{"a":}', "[1,]", "01", '"unterminated', "{} x", "NaN", '{"a" 1}', "\"\u0001\"", "[".repeat(100) + "]".repeat(100)]) {
    it(`rejects ${JSON.stringify(bad.slice(0, 20))} with a typed parse error`, () => {
      assert.throws(() => parseJSON(bad), (e: unknown) => e instanceof PoolCacheError && e.kind === "parse");
    });
  }

  it("reads legacy reserves (JSON integers) as exact bigint", () => {
    const row = decodePoolPrice(parseJSON('{"pool_id":"p","dex_name":"raydium-amm-v4","pair":"SOL/USDC","price":81.5,' +
      '"base_reserve":12345678901234567890,"quote_reserve":null,"age_ms":5}'), "row");
    assert.equal(row.base_reserve, 12345678901234567890n);
    assert.equal(row.quote_reserve, null);
  });

  it("refuses a quote whose amounts are floats, negative or beyond u64", () => {
    const q = (amount: string) => `{"inputMint":"a","inAmount":${amount},"outputMint":"b","outAmount":"1","otherAmountThreshold":"1",` +
      `"routePlan":[{"swapInfo":{"ammKey":"k","label":"l","inputMint":"a","outputMint":"b","inAmount":"1","outAmount":"1"},"percent":100}]}`;
    assert.equal(decodeQuote(parseJSON(q('"18446744073709551615"'))).inAmount, 18446744073709551615n);
    for (const bad of ["1.5", '"-1"', '"18446744073709551616"', '"1e9"', "null"]) {
      assert.throws(() => decodeQuote(parseJSON(q(bad))), (e: unknown) => e instanceof PoolCacheError && e.kind === "parse" && /inAmount/.test(e.message));
    }
  });

  it("refuses a quote without hops", () => {
    const text = '{"inputMint":"a","inAmount":"1","outputMint":"b","outAmount":"1","otherAmountThreshold":"1","routePlan":[]}';
    assert.throws(() => decodeQuote(parseJSON(text)), (e: unknown) => e instanceof PoolCacheError && e.kind === "parse");
  });
});
