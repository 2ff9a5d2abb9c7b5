import { PoolCacheError } from "./errors.js";

/** A parsed JSON value; integers beyond 2^53 are `bigint` so no amount is ever rounded. */
export type JSONValue = null | boolean | number | bigint | string | JSONValue[] | { [key: string]: JSONValue };
export type JSONObject = { [key: string]: JSONValue };

const MAX_DEPTH = 64;

/**
 * Strict JSON parser that keeps large integers exact. `JSON.parse` turns `18446744073709551615`
 * into `18446744073709552000`; this returns `18446744073709551615n` instead (safe integers stay numbers).
 *
 * ```ts
 * parseJSON('{"base_reserve": 9007199254740993}')   // { base_reserve: 9007199254740993n }
 * ```
 */
export function parseJSON(text: string): JSONValue {
  let i = 0;
  const fail = (why: string): never => {
    throw new PoolCacheError("parse", `malformed JSON at offset ${i}: ${why}`);
  };
  const ws = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const value = (depth: number): JSONValue => {
    if (depth > MAX_DEPTH) fail("nested too deeply");
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const out: JSONObject = Object.create(null);
      ws();
      if (text[i] === "}") { i++; return out; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail("expected a key");
        const key = string();
        ws();
        if (text[i] !== ":") fail("expected ':'");
        i++;
        out[key] = value(depth + 1);
        ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "}") { i++; return out; }
        fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      const out: JSONValue[] = [];
      ws();
      if (text[i] === "]") { i++; return out; }
      for (;;) {
        out.push(value(depth + 1));
        ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "]") { i++; return out; }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    if (text.startsWith("true", i)) { i += 4; return true; }
    if (text.startsWith("false", i)) { i += 5; return false; }
    if (text.startsWith("null", i)) { i += 4; return null; }
    return number();
  };
  const string = (): string => {
    i++; // opening quote
    let out = "";
    let start = i;
    for (;;) {
      if (i >= text.length) fail("unterminated string");
      const c = text.charCodeAt(i);
      if (c === 0x22) { out += text.slice(start, i); i++; return out; }
      if (c < 0x20) fail("control character in string");
      if (c === 0x5c) {
        out += text.slice(start, i);
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (e !== undefined && e in simple) { out += simple[e]; i += 2; }
        else if (e === "u") {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad \\u escape");
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else fail("bad escape");
        start = i;
      } else i++;
    }
  };
  const number = (): number | bigint => {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0].length === 0) fail("unexpected character");
    const literal = m![0];
    i += literal.length;
    if (m![2] === undefined && m![3] === undefined) {
      const n = Number(literal);
      return Number.isSafeInteger(n) ? n : BigInt(literal);
    }
    return Number(literal);
  };
  const result = value(0);
  ws();
  if (i !== text.length) fail("trailing characters");
  return result;
}

// ---- Field readers: each names the field in its error, so a foreign answer is a clear parse error.

const U64_MAX = (1n << 64n) - 1n;

function bad(path: string, expected: string, got: JSONValue | undefined): never {
  const shown = got === undefined ? "nothing" : typeof got === "bigint" ? got.toString() : JSON.stringify(got);
  throw new PoolCacheError("parse", `${path}: expected ${expected}, got ${String(shown).slice(0, 80)}`);
}

export function asObject(v: JSONValue | undefined, path: string): JSONObject {
  if (v === null || v === undefined || typeof v !== "object" || Array.isArray(v)) bad(path, "an object", v);
  return v as JSONObject;
}

export function asArray(v: JSONValue | undefined, path: string): JSONValue[] {
  if (!Array.isArray(v)) bad(path, "an array", v);
  return v as JSONValue[];
}

export function str(o: JSONObject, key: string, path: string): string {
  const v = o[key];
  if (typeof v !== "string") bad(`${path}.${key}`, "a string", v);
  return v as string;
}

export function optStr(o: JSONObject, key: string, path: string): string | null {
  const v = o[key];
  if (v === null || v === undefined) return null;
  if (typeof v !== "string") bad(`${path}.${key}`, "a string or null", v);
  return v as string;
}

export function num(o: JSONObject, key: string, path: string): number {
  const v = o[key];
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  return bad(`${path}.${key}`, "a number", v);
}

export function optNum(o: JSONObject, key: string, path: string): number | null {
  const v = o[key];
  if (v === null || v === undefined) return null;
  return num(o, key, path);
}

export function bool(o: JSONObject, key: string, path: string, fallback?: boolean): boolean {
  const v = o[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== "boolean") bad(`${path}.${key}`, "a boolean", v);
  return v as boolean;
}

/** A u64 amount: decimal string (the `/v1` API, Jupiter) or exact JSON integer (legacy API). */
export function u64(o: JSONObject, key: string, path: string): bigint {
  const v = o[key];
  let n: bigint;
  if (typeof v === "string" && /^[0-9]{1,20}$/.test(v)) n = BigInt(v);
  else if (typeof v === "bigint") n = v;
  else if (typeof v === "number" && Number.isSafeInteger(v)) n = BigInt(v);
  else return bad(`${path}.${key}`, "an unsigned integer amount", v);
  if (n < 0n || n > U64_MAX) bad(`${path}.${key}`, "a u64", v);
  return n;
}

export function optU64(o: JSONObject, key: string, path: string): bigint | null {
  const v = o[key];
  if (v === null || v === undefined) return null;
  return u64(o, key, path);
}

/** A signed 64-bit amount as a string (`profit` may be negative). */
export function i64(o: JSONObject, key: string, path: string): bigint {
  const v = o[key];
  if (typeof v === "string" && /^-?[0-9]{1,20}$/.test(v)) return BigInt(v);
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
  return bad(`${path}.${key}`, "a signed integer amount", v);
}
