import Dex
import PoolMath
import SolanaCore

/// An upper bound on a pool's exchange rate (raw output units per raw input unit, Q64.64 as
/// `RateBound`) for any trade size: the mid price, which every supported curve only worsens as
/// size grows (constant product, concentrated liquidity, bins, stable swap), optionally discounted
/// by the input-side fee a tiny probe quote shows. The probe also checks the bound: a pool whose
/// small trade beats it is `unbounded` (never pruned). Used only to skip work (arbitrage cycles,
/// `/v1/quote` candidates) that cannot win; reported amounts always come from exact quotes.
///
/// ```swift
/// let (ab, ba) = MarginalRateBound.both(model, price: try model.price(context: ctx), context: ctx, discountFee: false)
/// RateBound.convertUp(amountIn, rate: ab)   // ≥ the exact A→B output of amountIn
/// ```
public enum MarginalRateBound {
    /// Bounds for A→B and B→A. `discountFee`: multiply by (1 − the fee the probe paid); only valid
    /// while that fee cannot fall (the arbitrage engine re-derives bounds on every full scan).
    public static func both(_ model: any PoolModel, price: PoolPrice, context: QuoteContext, discountFee: Bool) -> (UInt128, UInt128) {
        guard price.priceBPerA.isDefined, !price.priceBPerA.num.isZero else { return (RateBound.unbounded, RateBound.unbounded) }
        let raw = price.priceBPerA.scaled(byPow10: Int(price.decimalsB) - Int(price.decimalsA))
        return (
            bound(
                model, input: price.mintA, decimals: price.decimalsA, reserve: price.reserveA, midNum: raw.num, midDen: raw.den,
                context: context, discountFee: discountFee),
            bound(
                model, input: price.mintB, decimals: price.decimalsB, reserve: price.reserveB, midNum: raw.den, midDen: raw.num,
                context: context, discountFee: discountFee)
        )
    }

    static func bound(
        _ model: any PoolModel, input: Pubkey, decimals: UInt8, reserve: UInt64?,
        midNum: BigNat, midDen: BigNat, context: QuoteContext, discountFee: Bool
    ) -> UInt128 {
        // Probe: 1/1000 of a whole token, at most 1/10_000 of the input reserve, at least 1 unit.
        var probe: UInt64 = 1
        for _ in 0..<max(0, Int(decimals) - 3) { probe *= 10 }
        if let r = reserve, r / 10_000 > 0 { probe = min(probe, r / 10_000) }
        guard let q = try? model.quote(amountIn: probe, inputMint: input, context: context), q.partial == nil else {
            return RateBound.up(num: midNum, den: midDen)
        }
        var keepNum = BigNat(1), keepDen = BigNat(1)
        if discountFee, q.feeMint == input, q.feeAmount > 1, q.feeAmount - 1 < probe {
            keepNum = BigNat(probe - (q.feeAmount - 1)); keepDen = BigNat(probe)
        }
        let b = RateBound.up(num: midNum * keepNum, den: midDen * keepDen)
        // Sanity: out(probe)/probe ≤ marginal rate ≤ bound; otherwise do not trust the bound.
        let (high, low) = b.multipliedFullWidth(by: UInt128(probe))
        if high == 0 && (UInt128(q.amountOut) << 64) > low { return RateBound.unbounded }
        return b
    }
}
