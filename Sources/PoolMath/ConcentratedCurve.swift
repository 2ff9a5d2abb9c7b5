// Token amounts and next prices on one concentrated price range, from MeteoraAg/damm-v2 @a3d3827
// programs/cp-amm/src/curve.rs (next sqrt price from an input or output amount, `get_delta_amount_a/b_unsigned_unchecked`):
// sqrt prices in Q64.64 and liquidity scaled by 2^64, so token B amounts are L · Δ√P >> 128 and
// token A amounts L · Δ√P / (√P_lower · √P_upper).

/// Single-range constant-liquidity curve: next sqrt price for an exact input, and the token
/// deltas between two sqrt prices, with the programs' rounding and widths (u256 intermediates).
///
/// ```swift
/// let next = try ConcentratedCurve.nextSqrtPriceFromAInput(sp, liquidity, 1_000_000)
/// let out = ConcentratedCurve.deltaB(next, sp, liquidity, roundUp: false)
/// ```
public enum ConcentratedCurve {
    /// get_next_sqrt_price_from_amount_in_a_rounding_up: ceil(L · √P / (L + in · √P)).
    @inlinable
    public static func nextSqrtPriceFromAInput(_ sp: UInt128, _ L: UInt128, _ amount: UInt64) throws -> UInt128 {
        let product = UInt256(amount) * UInt256(sp)  // < 2^192
        guard let den = UInt256(L).adding(product),
            let r = UInt256.mulDiv(UInt256(L), UInt256(sp), den, roundUp: true), let v = r.asUInt128
        else {
            throw MathOverflow("next sqrt price (a in)")
        }
        return v
    }

    /// get_next_sqrt_price_from_amount_in_b_rounding_down: √P + (in << 128) / L.
    @inlinable
    public static func nextSqrtPriceFromBInput(_ sp: UInt128, _ L: UInt128, _ amount: UInt64) throws -> UInt128 {
        let q = (UInt256(amount) << 128) / UInt256(L)
        guard let sum = UInt256(sp).adding(q), let v = sum.asUInt128 else {
            throw MathOverflow("next sqrt price (b in)")
        }
        return v
    }

    /// get_next_sqrt_price_from_amount_out_a_rounding_up (exact-out b→a): ceil(L · √P / (L − out · √P)).
    @inlinable
    public static func nextSqrtPriceFromAOutput(_ sp: UInt128, _ L: UInt128, _ amount: UInt64) throws -> UInt128 {
        let product = UInt256(amount) * UInt256(sp)
        guard let den = UInt256(L).subtracting(product), !den.isZero,
            let r = UInt256.mulDiv(UInt256(L), UInt256(sp), den, roundUp: true), let v = r.asUInt128
        else {
            throw MathOverflow("next sqrt price (a out)")
        }
        return v
    }

    /// get_next_sqrt_price_from_amount_out_b_rounding_down (exact-out a→b): √P − ceil((out << 128) / L).
    @inlinable
    public static func nextSqrtPriceFromBOutput(_ sp: UInt128, _ L: UInt128, _ amount: UInt64) throws -> UInt128 {
        guard L > 0, let q = (UInt256(amount) << 128).divRoundingUp(UInt256(L)), let d = UInt256(sp).subtracting(q), let v = d.asUInt128
        else {
            throw MathOverflow("next sqrt price (b out)")
        }
        return v
    }

    /// get_delta_amount_a_unsigned_unchecked: L · (upper − lower) / (lower · upper).
    @inlinable
    public static func deltaA(_ lower: UInt128, _ upper: UInt128, _ L: UInt128, roundUp: Bool) throws -> UInt256 {
        guard upper >= lower, lower > 0 else { throw MathOverflow("delta a range") }
        let den = UInt256(lower) * UInt256(upper)
        guard let r = UInt256.mulDiv(UInt256(L), UInt256(upper - lower), den, roundUp: roundUp) else {
            throw MathOverflow("delta a")
        }
        return r
    }

    /// get_delta_amount_b_unsigned_unchecked: L · (upper − lower) >> 128, rounded up when asked
    /// (< 2^256: both factors are below 2^128). `upper` ≥ `lower`.
    @inlinable
    public static func deltaB(_ lower: UInt128, _ upper: UInt128, _ L: UInt128, roundUp: Bool) -> UInt256 {
        let prod = UInt256(L) * UInt256(upper - lower)
        return roundUp && prod.low128 != 0 ? (prod >> 128) + UInt256(UInt64(1)) : prod >> 128
    }
}
