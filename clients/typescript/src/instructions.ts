import { PoolCacheError } from "./errors.js";
import { asArray, asObject, bool, JSONValue, num, str } from "./json.js";
import type { Opportunity, Quote } from "./types.js";

/** One account of an instruction, as `@solana/web3.js`'s `AccountMeta` takes it (pubkey as base58). */
export interface InstructionAccount {
  pubkey: string;
  isSigner: boolean;
  isWritable: boolean;
}

/** A plain instruction: program, accounts, raw data (decoded from the API's base64). */
export interface PlainInstruction {
  programId: string;
  accounts: InstructionAccount[];
  data: Uint8Array;
}

/** `POST /v1/swap-instructions` (Jupiter's `/swap-instructions` shape), with plain instructions. */
export interface SwapInstructions {
  computeBudgetInstructions: PlainInstruction[];
  /** Idempotent ATA creation, SOL wrap (system transfer + SyncNative). */
  setupInstructions: PlainInstruction[];
  /** The programs' own swap instructions, one per hop. */
  swapInstructions: PlainInstruction[];
  /** CloseAccount of the wSOL account (unwrap), or null. */
  cleanupInstruction: PlainInstruction | null;
  addressLookupTableAddresses: string[];
  contextSlot: bigint;
  computeUnitEstimate: number;
}

/** Options of `swapInstructions` / `opportunityInstructions`. */
export interface SwapInstructionsOptions {
  /** Wrap SOL input into wSOL and close the wSOL account after (default true). */
  wrapAndUnwrapSol?: boolean;
  /** Slippage for the last hop's minimum out (default: the quote's; 0 for opportunities). */
  slippageBps?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

function base64Bytes(text: string, path: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new PoolCacheError("parse", `${path}: not base64`);
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function decodeInstruction(v: JSONValue, path: string): PlainInstruction {
  const o = asObject(v, path);
  return {
    programId: str(o, "programId", path),
    accounts: asArray(o.accounts, `${path}.accounts`).map((a, i) => {
      const p = `${path}.accounts[${i}]`;
      const x = asObject(a, p);
      return { pubkey: str(x, "pubkey", p), isSigner: bool(x, "isSigner", p), isWritable: bool(x, "isWritable", p) };
    }),
    data: base64Bytes(str(o, "data", path), `${path}.data`),
  };
}

export function decodeSwapInstructions(v: JSONValue, path = "swapInstructions"): SwapInstructions {
  const o = asObject(v, path);
  const list = (k: string) => asArray(o[k], `${path}.${k}`).map((x, i) => decodeInstruction(x, `${path}.${k}[${i}]`));
  const slot = o.contextSlot;
  if (typeof slot !== "number" && typeof slot !== "bigint") throw new PoolCacheError("parse", `${path}.contextSlot: expected an integer`);
  const swaps = list("swapInstructions");
  if (swaps.length === 0) throw new PoolCacheError("parse", `${path}.swapInstructions: expected at least one instruction`);
  return {
    computeBudgetInstructions: list("computeBudgetInstructions"),
    setupInstructions: list("setupInstructions"),
    swapInstructions: swaps,
    cleanupInstruction: o.cleanupInstruction === null || o.cleanupInstruction === undefined
      ? null : decodeInstruction(o.cleanupInstruction, `${path}.cleanupInstruction`),
    addressLookupTableAddresses: asArray(o.addressLookupTableAddresses, `${path}.addressLookupTableAddresses`).map((x, i) => {
      if (typeof x !== "string") throw new PoolCacheError("parse", `${path}.addressLookupTableAddresses[${i}]: expected a string`);
      return x;
    }),
    contextSlot: BigInt(slot),
    computeUnitEstimate: num(o, "computeUnitEstimate", path),
  };
}

/** A decoded quote back in the API's JSON shape (amounts as decimal strings). */
export function quoteToJSON(q: Quote): Record<string, unknown> {
  return {
    inputMint: q.inputMint, inAmount: q.inAmount.toString(), outputMint: q.outputMint, outAmount: q.outAmount.toString(),
    otherAmountThreshold: q.otherAmountThreshold.toString(), swapMode: q.swapMode, slippageBps: q.slippageBps,
    priceImpactPct: q.priceImpactPct,
    routePlan: q.routePlan.map((s) => ({
      percent: s.percent,
      swapInfo: {
        ammKey: s.swapInfo.ammKey, label: s.swapInfo.label, inputMint: s.swapInfo.inputMint, outputMint: s.swapInfo.outputMint,
        inAmount: s.swapInfo.inAmount.toString(), outAmount: s.swapInfo.outAmount.toString(),
        ...(s.swapInfo.feeAmount === null ? {} : { feeAmount: s.swapInfo.feeAmount.toString() }),
        ...(s.swapInfo.feeMint === null ? {} : { feeMint: s.swapInfo.feeMint }),
      },
    })),
    contextSlot: q.contextSlot === null ? 0 : Number(q.contextSlot),
  };
}

/** A decoded opportunity back in the API's JSON shape. */
export function opportunityToJSON(o: Opportunity): Record<string, unknown> {
  return {
    inputMint: o.inputMint, outputMint: o.outputMint, inputAmount: o.inputAmount.toString(), outputAmount: o.outputAmount.toString(),
    route: o.route.map((h) => ({
      pool: h.pool, dex: h.dex, inputMint: h.inputMint, outputMint: h.outputMint,
      inAmount: h.inAmount.toString(), outAmount: h.outAmount.toString(),
    })),
    slot: o.slot === undefined ? 0 : Number(o.slot),
  };
}
