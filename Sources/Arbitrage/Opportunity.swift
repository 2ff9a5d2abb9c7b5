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

    public init(
        pool: Pubkey, dex: DexKind, inputMint: Pubkey, outputMint: Pubkey, inAmount: UInt64, outAmount: UInt64,
        midPrice: Ratio? = nil, inputIsTokenA: Bool, priceStatus: PriceStatus = .ok, updatedAtMs: Int64 = 0
    ) {
        self.pool = pool; self.dex = dex; self.inputMint = inputMint; self.outputMint = outputMint; self.inAmount = inAmount
        self.outAmount = outAmount; self.midPrice = midPrice; self.inputIsTokenA = inputIsTokenA; self.priceStatus = priceStatus
        self.updatedAtMs = updatedAtMs
    }
}

/// A profitable cycle at its best size, with the exact amounts of every hop: the one opportunity
/// model behind `/v1/opportunities`, the stream, the history and `/scan-arbitrage` (the API's
/// `OpportunityJSON` renders each shape).
///
/// ```swift
/// for o in engine.changed(pool, at: time) {
///     print(o.profit, o.roiPercent.decimalString(significant: 8), o.route.map(\.pool))
///     if let gap = o.pairGap(nowMs: time.unixMs) { print(gap.priceDiffPercent) }  // /scan-arbitrage row
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

    public init(
        inputMint: Pubkey, inputAmount: UInt64, outputAmount: UInt64, grossProfit: UInt64, txCost: UInt64, profit: UInt64,
        profitLamports: UInt64, route: [RouteLeg], slot: UInt64, detectedAtMs: Int64, quoteCalls: Int
    ) {
        self.inputMint = inputMint; self.inputAmount = inputAmount; self.outputAmount = outputAmount; self.grossProfit = grossProfit
        self.txCost = txCost; self.profit = profit; self.profitLamports = profitLamports
        self.route = route; self.slot = slot; self.detectedAtMs = detectedAtMs; self.quoteCalls = quoteCalls
    }

    /// Identity of the cycle: start mint plus the pools in order.
    public var routeKey: [Pubkey] { [inputMint] + route.map(\.pool) }

    /// Net return on the input, in percent, exact (rendered with 8 significant digits).
    public var roiPercent: Ratio { Ratio(num: BigNat(profit) * BigNat(100), den: BigNat(inputAmount)) }

    /// Net return on the input as a fraction (0.002 = 0.2 %), for JSON and ranking.
    public var roiFraction: Double { inputAmount == 0 ? 0 : Double(profit) / Double(inputAmount) }

    /// The original `/scan-arbitrage` row, for two-pool round trips only (longer cycles have no
    /// pool_a/pool_b form): both pools' mid prices in pool A's token order, their gap relative to
    /// the lower one, the net ROI after real fees, price impact and transaction cost, and the age
    /// of the older pool.
    public func pairGap(nowMs: Int64) -> PairGap? {
        guard route.count == 2, let pa = route[0].midPrice else { return nil }
        let a = route[0], b = route[1]
        // Pool B's price in pool A's token order (B may list the tokens the other way round).
        guard let pb = b.midPrice, !pa.num.isZero, !pb.num.isZero else { return nil }
        let pbAligned = tokenA(a) == tokenA(b) ? pb : pb.inverted
        let (hi, lo) = greater(pa, pbAligned) ? (pa, pbAligned) : (pbAligned, pa)
        // (hi − lo) / lo × 100 = (hi.num·lo.den − lo.num·hi.den) × 100 / (hi.den · lo.num)
        let diff = Ratio(num: (hi.num * lo.den - lo.num * hi.den) * BigNat(100), den: hi.den * lo.num)
        return PairGap(
            poolA: a.pool, poolADex: a.dex, poolAPrice: pa, poolB: b.pool, poolBDex: b.dex, poolBPrice: pbAligned,
            pair: "\(KnownMints.symbol(tokenA(a)))/\(KnownMints.symbol(tokenB(a)))", priceDiffPercent: diff,
            estimatedProfitPercent: roiPercent, ageMs: max(0, nowMs - min(a.updatedAtMs, b.updatedAtMs)))
    }

    private func tokenA(_ leg: RouteLeg) -> Pubkey { leg.inputIsTokenA ? leg.inputMint : leg.outputMint }
    private func tokenB(_ leg: RouteLeg) -> Pubkey { leg.inputIsTokenA ? leg.outputMint : leg.inputMint }
    private func greater(_ x: Ratio, _ y: Ratio) -> Bool { x.num * y.den > y.num * x.den }
}
