import Dex
import PoolMath
import SolanaCore

/// One swap of a cycle, with the exact amounts the pool's quoter gives.
public struct RouteLeg: Sendable, Equatable {
    public var pool: Pubkey
    public var dex: DexKind
    public var inputMint: Pubkey
    public var outputMint: Pubkey
    public var inAmount: UInt64
    public var outAmount: UInt64
    /// Mid price of the pool in its own token order (B per A, human units), for display.
    public var midPrice: Ratio?
    /// True when this leg sells the pool's token A (so `midPrice`, B per A, reads output per input).
    public var inputIsTokenA: Bool
    public var priceStatus: PriceStatus
    public var updatedAtMs: Int64
}

/// A profitable cycle at its best size, in the bot's shape (amounts in base units, rendered as strings).
///
/// ```swift
/// for o in engine.changed(pool, at: time) {
///     print(o.json.rendered)          // {"inputMint":"So11…","outputMint":"So11…","inputAmount":"…",…}
///     if let legacy = o.legacyJSON(nowMs: time.unixMs) { print(legacy.rendered) }  // /scan-arbitrage shape
/// }
/// ```
public struct Opportunity: Sendable, Equatable {
    /// Start (and end) mint of the cycle.
    public var inputMint: Pubkey
    public var outputMint: Pubkey { inputMint }
    public var inputAmount: UInt64
    public var outputAmount: UInt64
    /// outputAmount − inputAmount.
    public var grossProfit: UInt64
    /// The transaction cost in the start mint (lamports at the cache's SOL price).
    public var txCost: UInt64
    /// grossProfit − txCost (> 0 for every reported opportunity).
    public var profit: UInt64
    /// Estimated net profit in lamports (for ranking across start mints).
    public var profitLamports: UInt64
    public var route: [RouteLeg]
    public var slot: UInt64
    public var detectedAtMs: Int64
    /// Quote calls spent on the size search.
    public var quoteCalls: Int

    /// Identity of the cycle: start mint plus the pools in order.
    public var routeKey: [Pubkey] { [inputMint] + route.map(\.pool) }

    /// Net return on the input, in percent, exact (rendered with 8 significant digits).
    public var roiPercent: Ratio { Ratio(num: BigNat(profit) * BigNat(100), den: BigNat(inputAmount)) }

    /// The bot's shape: `{inputMint, outputMint, inputAmount, outputAmount, profit, roi, route:[…], slot, detectedAt}`.
    public var json: JSONText {
        .object([
            ("inputMint", .string(inputMint.base58)),
            ("outputMint", .string(outputMint.base58)),
            ("inputAmount", .string(String(inputAmount))),
            ("outputAmount", .string(String(outputAmount))),
            ("profit", .string(String(profit))),
            ("grossProfit", .string(String(grossProfit))),
            ("txCost", .string(String(txCost))),
            ("roi", .number(roiPercent.decimalString(significant: 8))),
            ("route", .array(route.map { leg in
                .object([
                    ("pool", .string(leg.pool.base58)),
                    ("dex", .string(leg.dex.rawValue)),
                    ("inputMint", .string(leg.inputMint.base58)),
                    ("outputMint", .string(leg.outputMint.base58)),
                    ("inAmount", .string(String(leg.inAmount))),
                    ("outAmount", .string(String(leg.outAmount))),
                    ("priceStatus", .string(leg.priceStatus.rawValue)),
                ])
            })),
            ("slot", .number(String(slot))),
            ("detectedAt", .number(String(detectedAtMs))),
        ])
    }

    /// The original `/scan-arbitrage` entry, for two-pool round trips only (longer cycles have no
    /// pool_a/pool_b form): prices are both pools' mid prices in pool A's token order,
    /// `price_diff_pct` their gap relative to the lower one, `estimated_profit_pct` the net ROI
    /// after real fees, price impact and transaction cost; `age_ms` of the older pool.
    public func legacyJSON(nowMs: Int64) -> JSONText? {
        guard route.count == 2, let pa = route[0].midPrice else { return nil }
        let a = route[0], b = route[1]
        // Pool B's price in pool A's token order (B may list the tokens the other way round).
        guard let pb = b.midPrice, !pa.num.isZero, !pb.num.isZero else { return nil }
        let pbAligned = tokenA(a) == tokenA(b) ? pb : pb.inverted
        let (hi, lo) = greater(pa, pbAligned) ? (pa, pbAligned) : (pbAligned, pa)
        // (hi − lo) / lo × 100 = (hi.num·lo.den − lo.num·hi.den) × 100 / (hi.den · lo.num)
        let diff = Ratio(num: (hi.num * lo.den - lo.num * hi.den) * BigNat(100), den: hi.den * lo.num)
        let symbols = "\(KnownMints.symbol(tokenA(a)))/\(KnownMints.symbol(tokenB(a)))"
        let age = max(0, nowMs - min(a.updatedAtMs, b.updatedAtMs))
        return .object([
            ("pool_a_id", .string(a.pool.base58)),
            ("pool_a_dex", .string(a.dex.rawValue)),
            ("pool_a_price", .number(pa.decimalString(significant: 12))),
            ("pool_b_id", .string(b.pool.base58)),
            ("pool_b_dex", .string(b.dex.rawValue)),
            ("pool_b_price", .number(pbAligned.decimalString(significant: 12))),
            ("pair", .string(symbols)),
            ("price_diff_pct", .number(diff.decimalString(significant: 8))),
            ("estimated_profit_pct", .number(roiPercent.decimalString(significant: 8))),
            ("age_ms", .number(String(age))),
        ])
    }

    private func tokenA(_ leg: RouteLeg) -> Pubkey { leg.inputIsTokenA ? leg.inputMint : leg.outputMint }
    private func tokenB(_ leg: RouteLeg) -> Pubkey { leg.inputIsTokenA ? leg.outputMint : leg.inputMint }
    private func greater(_ x: Ratio, _ y: Ratio) -> Bool { x.num * y.den > y.num * x.den }
}
