// Raydium CLMM's exact-out step (`is_base_input = false`), ported from raydium-io/raydium-clmm
// @03b44b7f programs/amm/src/libraries/swap_math.rs `compute_swap` (the fee-on-input branch) and
// sqrt_price_math.rs `get_next_sqrt_price_from_output`.

extension ClmmMath {
    /// `get_next_sqrt_price_from_output`: token1 out (0→1) → √P − ceil(Δy·2^64 / L);
    /// token0 out (1→0) → ceil(L·2^64·√P / (L·2^64 − Δx·√P)), both checked as the program.
    public static func nextSqrtPriceFromOutput(
        _ sqrtPrice: UInt128, liquidity: UInt128, amountOut: UInt64, zeroForOne: Bool
    ) throws -> UInt128 {
        guard sqrtPrice >= minSqrtPrice && sqrtPrice < maxSqrtPrice else { throw MathError.outOfRange("sqrt price \(sqrtPrice)") }
        guard liquidity > 0 else { throw MathError.zero("liquidity") }
        if amountOut == 0 { return sqrtPrice }
        if zeroForOne {
            // get_next_sqrt_price_from_amount_1_rounding_down(add = false)
            let x = UInt128(amountOut) << 64
            let quotient = x / liquidity + (x % liquidity > 0 ? 1 : 0)
            guard quotient <= sqrtPrice else { throw MathError.overflow("get_next_sqrt_price_from_amount_1_rounding_down") }
            return sqrtPrice - quotient
        }
        // get_next_sqrt_price_from_amount_0_rounding_up(add = false)
        let numerator1 = UInt256(liquidity) << 64
        let product = UInt256(amountOut) * UInt256(sqrtPrice)
        guard let denominator = numerator1.subtracting(product), !denominator.isZero,
            let r = UInt256.mulDiv(numerator1, UInt256(sqrtPrice), denominator, roundUp: true), let v = r.asUInt128
        else { throw MathError.overflow("get_next_sqrt_price_from_amount_0_rounding_up") }
        return v
    }

    /// `compute_swap(.., is_base_input = false, .., is_fee_on_input = true)`: the remaining output
    /// drives the price math, the step's output is capped at it, and the fee is
    /// ceil(amount_in · f / (1e6 − f)) on top of the (rounded-up) input.
    public static func computeSwapExactOut(
        current: UInt128, target: UInt128, liquidity: UInt128, amountRemaining: UInt64, feeRate: UInt32, zeroForOne: Bool
    ) throws -> SwapStep {
        guard feeRate < feeRateDenominator else { throw MathError.overflow("fee rate \(feeRate) at or above 1e6") }
        var step = try stepToward(
            current: current, target: target, liquidity: liquidity, zeroForOne: zeroForOne, reaches: { _, o in amountRemaining >= o }
        ) {
            try nextSqrtPriceFromOutput(current, liquidity: liquidity, amountOut: amountRemaining, zeroForOne: zeroForOne)
        }
        step.amountOut = min(step.amountOut, amountRemaining)
        let den = UInt64(feeRateDenominator)
        guard let f = mulDivCeil(step.amountIn, UInt64(feeRate), den - UInt64(feeRate)) else { throw MathError.overflow("compute_swap fee") }
        step.feeAmount = f
        return step
    }
}
