// Orca Whirlpool's exact-out step (`amount_specified_is_input = false`), ported from
// orca-so/whirlpools @630c0e01 programs/whirlpool/src/math/swap_math.rs `compute_swap` and
// token_math.rs `get_next_sqrt_price_from_{a_round_up,b_round_down}` (the output branches).

extension WhirlpoolMath {
    /// `get_next_sqrt_price_from_a_round_up` removing `amount` of A (exact-out b→a):
    /// ceil((L·sp) << 64 / ((L << 64) − amount·sp)); `DivideByZero` when the pool lacks that much A.
    public static func nextSqrtPriceFromAOutput(sqrtPrice: UInt128, liquidity: UInt128, amount: UInt64) throws -> UInt128 {
        if amount == 0 { return sqrtPrice }
        let product = UInt256(sqrtPrice) * UInt256(UInt128(amount))
        let ls = UInt256(liquidity) * UInt256(sqrtPrice)
        guard ls.l3 == 0 else { throw WhirlpoolMathError.overflow("get_next_sqrt_price_from_a numerator") }
        let numerator = ls << 64
        let shifted = UInt256(liquidity) << 64
        guard product < shifted, let denominator = shifted.subtracting(product) else {
            throw WhirlpoolMathError.overflow("get_next_sqrt_price_from_a (DivideByZero: output exceeds the range's A)")
        }
        guard let price = numerator.divRoundingUp(denominator)?.asUInt128 else {
            throw WhirlpoolMathError.overflow("get_next_sqrt_price_from_a downcast")
        }
        guard price >= minSqrtPrice else { throw WhirlpoolMathError.overflow("sqrt price below minimum (TokenMinSubceeded)") }
        guard price <= maxSqrtPrice else { throw WhirlpoolMathError.overflow("sqrt price above maximum (TokenMaxExceeded)") }
        return price
    }

    /// `get_next_sqrt_price_from_b_round_down` removing `amount` of B (exact-out a→b):
    /// sp − ceil((amount << 64) / L), checked (`SqrtPriceOutOfBounds`).
    public static func nextSqrtPriceFromBOutput(sqrtPrice: UInt128, liquidity: UInt128, amount: UInt64) throws -> UInt128 {
        guard liquidity != 0 else { throw WhirlpoolMathError.overflow("get_next_sqrt_price_from_b divide by zero") }
        let x = UInt128(amount) << 64
        let delta = x / liquidity + (x % liquidity > 0 ? 1 : 0)
        guard delta <= sqrtPrice else { throw WhirlpoolMathError.overflow("get_next_sqrt_price_from_b (SqrtPriceOutOfBounds)") }
        return sqrtPrice - delta
    }

    /// `compute_swap` with `amount_specified_is_input = false`: the fixed delta is the output
    /// (rounded down), the input is the unfixed delta (rounded up), the step's output is capped at
    /// what remains, and the fee is always ceil(in · fee / (1e6 − fee)).
    public static func computeSwapExactOut(
        amountRemaining: UInt64, feeRate: UInt32, liquidity: UInt128,
        sqrtPriceCurrent: UInt128, sqrtPriceTarget: UInt128, aToB: Bool
    ) throws -> SwapStep {
        // Output token: B for a→b, A for b→a.
        let initialFixed: AmountDelta =
            aToB
            ? tryAmountDeltaB(sqrtPriceCurrent, sqrtPriceTarget, liquidity: liquidity, roundUp: false)
            : try tryAmountDeltaA(sqrtPriceCurrent, sqrtPriceTarget, liquidity: liquidity, roundUp: false)
        let fee = UInt128(feeRate)
        guard fee < feeRateMulValue else { throw WhirlpoolMathError.overflow("fee rate at or above 100%") }

        let nextSqrtPrice: UInt128
        if initialFixed.lte(amountRemaining) {
            nextSqrtPrice = sqrtPriceTarget
        } else if aToB {
            nextSqrtPrice = try nextSqrtPriceFromBOutput(sqrtPrice: sqrtPriceCurrent, liquidity: liquidity, amount: amountRemaining)
        } else {
            nextSqrtPrice = try nextSqrtPriceFromAOutput(sqrtPrice: sqrtPriceCurrent, liquidity: liquidity, amount: amountRemaining)
        }
        let isMaxSwap = nextSqrtPrice == sqrtPriceTarget

        let amountIn =
            aToB
            ? try amountDeltaA(sqrtPriceCurrent, nextSqrtPrice, liquidity: liquidity, roundUp: true)
            : try amountDeltaB(sqrtPriceCurrent, nextSqrtPrice, liquidity: liquidity, roundUp: true)
        var amountOut: UInt64
        if case .valid(let v) = initialFixed, isMaxSwap {
            amountOut = v
        } else {
            amountOut =
                aToB
                ? try amountDeltaB(sqrtPriceCurrent, nextSqrtPrice, liquidity: liquidity, roundUp: false)
                : try amountDeltaA(sqrtPriceCurrent, nextSqrtPrice, liquidity: liquidity, roundUp: false)
        }
        amountOut = Swift.min(amountOut, amountRemaining)

        let d = feeRateMulValue - fee
        let p = UInt128(amountIn) * fee
        guard let feeAmount = UInt64(exactly: p / d + (p % d > 0 ? 1 : 0)) else {
            throw WhirlpoolMathError.overflow("compute_swap fee exceeds u64")
        }
        return SwapStep(amountIn: amountIn, amountOut: amountOut, nextSqrtPrice: nextSqrtPrice, feeAmount: feeAmount)
    }
}
