import PoolMath
import SolanaCore

/// Helpers shared by the x·y=k pools (each program keeps its own fee rounding).
public enum ConstantProduct {
    /// floor(r_out · net / (r_in + net)) in U128 (fits: u64 × u64 < 2^128); throws if the result can't be u64.
    public static func outFloor(reserveIn: UInt64, reserveOut: UInt64, netIn: UInt128) throws -> UInt128 {
        guard netIn <= UInt128(UInt64.max) else { throw QuoteError.mathOverflow("net input") }
        let num = UInt128(reserveOut) * netIn
        let den = UInt128(reserveIn) + netIn
        guard den > 0 else { throw QuoteError.insufficientLiquidity("empty pool") }
        return num / den
    }

    /// Spot price out per in, human units: (r_out / 10^d_out) / (r_in / 10^d_in).
    public static func spot(reserveIn: UInt64, reserveOut: UInt64, decimalsIn: UInt8, decimalsOut: UInt8) -> Ratio {
        Ratio(reserveOut, reserveIn).scaled(byPow10: Int(decimalsIn) - Int(decimalsOut))
    }
}

func ceilDiv(_ a: UInt128, _ b: UInt128) -> UInt128 {
    let (q, r) = a.quotientAndRemainder(dividingBy: b)
    return r == 0 ? q : q + 1
}
