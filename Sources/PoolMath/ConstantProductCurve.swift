// The x·y = k curve as the constant-product programs compute it: raydium-amm `process_swap_base_in`
// and raydium-cp-swap curve/constant_product.rs (floor of r_out·in / (r_in + in)), pump-amm's
// buy/sell (same floor), spl-token-swap curve/constant_product.rs `swap` (new destination reserve
// = ceil(invariant / new source reserve), `checked_ceil_div`). Each program keeps its own fee
// rounding in Dex.

/// Constant-product output, reserves and spot price in exact integers.
///
/// ```swift
/// ConstantProductCurve.outFloor(reserveIn: 1_000, reserveOut: 2_000, netIn: 100)   // 181
/// ConstantProductCurve.newReserveOut(invariant: 2_000_000, newReserveIn: 1_100)     // 1_819
/// ```
public enum ConstantProductCurve {
    /// floor(r_out · net / (r_in + net)) in u128 (u64 × u64 < 2^128); nil when `net` does not fit
    /// in u64 or the pool is empty (r_in + net = 0).
    @inlinable
    public static func outFloor(reserveIn: UInt64, reserveOut: UInt64, netIn: UInt128) -> UInt128? {
        guard netIn <= UInt128(UInt64.max) else { return nil }
        let den = UInt128(reserveIn) + netIn
        guard den > 0 else { return nil }
        return UInt128(reserveOut) * netIn / den
    }

    /// spl-token-swap `swap`: the destination reserve after the trade, ceil(invariant / new source
    /// reserve); nil where `checked_ceil_div` fails (new reserve 0, or a quotient of 0).
    @inlinable
    public static func newReserveOut(invariant: UInt128, newReserveIn: UInt128) -> UInt128? {
        guard newReserveIn > 0, invariant / newReserveIn > 0 else { return nil }
        return ceilDiv(invariant, newReserveIn)
    }

    /// Exact-out side of the curve: ceil(r_in · out / (r_out − out)), the least input the pool needs
    /// before fees (raydium-amm math.rs `swap_token_amount_base_out`, raydium-cp-swap
    /// curve/constant_product.rs `swap_base_output_without_fees`); nil when out ≥ r_out.
    @inlinable
    public static func inCeil(reserveIn: UInt64, reserveOut: UInt64, amountOut: UInt128) -> UInt128? {
        guard amountOut < UInt128(reserveOut) else { return nil }
        return ceilDiv(UInt128(reserveIn) * amountOut, UInt128(reserveOut) - amountOut)
    }

    /// The pre-fee amount whose fee at `numerator / denominator` leaves `net`: ceil(net · den / (den − num))
    /// (raydium-amm `process_swap_base_out`, raydium-cp-swap fees.rs `calculate_pre_fee_amount`); nil
    /// when num ≥ den or the product overflows u128.
    @inlinable
    public static func grossUp(net: UInt128, feeNumerator: UInt64, feeDenominator: UInt64) -> UInt128? {
        guard feeNumerator < feeDenominator else { return nil }
        let (product, overflow) = net.multipliedReportingOverflow(by: UInt128(feeDenominator))
        guard !overflow else { return nil }
        return ceilDiv(product, UInt128(feeDenominator - feeNumerator))
    }

    /// ceil(a / b) (`checked_ceil_div`'s quotient: q = a / b, +1 when there is a remainder); b > 0.
    @inlinable
    public static func ceilDiv(_ a: UInt128, _ b: UInt128) -> UInt128 {
        let (q, r) = a.quotientAndRemainder(dividingBy: b)
        return r == 0 ? q : q + 1
    }

    /// Spot price out per in, human units: (r_out / 10^d_out) / (r_in / 10^d_in).
    @inlinable
    public static func spot(reserveIn: UInt64, reserveOut: UInt64, decimalsIn: UInt8, decimalsOut: UInt8) -> Ratio {
        Ratio(reserveOut, reserveIn).scaled(byPow10: Int(decimalsIn) - Int(decimalsOut))
    }
}
