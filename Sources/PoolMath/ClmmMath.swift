/// Raydium CLMM pool math, a line-by-line port of raydium-io/raydium-clmm
/// `programs/amm/src/libraries/{tick_math,sqrt_price_math,liquidity_math,swap_math}.rs`
/// (commit 03b44b7f), exact-input side only. Every function throws where the program errors
/// (`require!`, checked ops, `None` from `mul_div_*`) and never traps.
///
/// ```swift
/// let sp = try ClmmMath.sqrtPriceAtTick(-25038)
/// let step = try ClmmMath.computeSwapExactIn(current: sp, target: try ClmmMath.sqrtPriceAtTick(-25039),
///                                            liquidity: 109_600_928_560_850, amountRemaining: 1_000_000_000,
///                                            feeRate: 400, zeroForOne: true, feeOnInput: true)
/// ```
public enum ClmmMath {
    /// tick_math.rs `MIN_TICK` / `MAX_TICK`.
    public static let minTick: Int32 = -443_636
    public static let maxTick: Int32 = 443_636
    /// tick_math.rs `MIN_SQRT_PRICE_X64` / `MAX_SQRT_PRICE_X64` (Raydium's max differs from Orca's).
    public static let minSqrtPrice: UInt128 = 4_295_048_016
    public static let maxSqrtPrice: UInt128 = 79_226_673_521_066_979_257_578_248_091
    /// config.rs `FEE_RATE_DENOMINATOR_VALUE`.
    public static let feeRateDenominator: UInt32 = 1_000_000
    static let q64: UInt128 = UInt128(1) << 64

    /// The program's error codes that the quote path distinguishes.
    public enum MathError: Error, Equatable, CustomStringConvertible, Sendable {
        /// `TickUpperOverflow` / `SqrtPriceX64`: argument outside the valid range.
        case outOfRange(String)
        /// `CalculateOverflow` and checked-arithmetic failures.
        case overflow(String)
        /// `MaxTokenOverflow`: a token amount does not fit u64 (swap_math treats it as "target not reachable").
        case maxTokenOverflow
        /// `ZeroLiquidity` / `ZeroSqrtPrice`.
        case zero(String)
        /// `LiquiditySubValueErr` / `LiquidityAddValueErr`.
        case liquidity(String)

        public var description: String {
            switch self {
            case .outOfRange(let s): return "out of range: \(s)"
            case .overflow(let s): return "overflow in \(s)"
            case .maxTokenOverflow: return "token amount exceeds u64"
            case .zero(let s): return "zero \(s)"
            case .liquidity(let s): return "liquidity delta: \(s)"
            }
        }
    }

    // MARK: - full_math.rs (u64 MulDiv via a 128-bit product)

    /// `u64::mul_div_floor`: nil when `d == 0` or the result exceeds u64.
    public static func mulDivFloor(_ a: UInt64, _ b: UInt64, _ d: UInt64) -> UInt64? {
        if d == 0 { return nil }
        let r = UInt128(a) * UInt128(b) / UInt128(d)
        return r > UInt128(UInt64.max) ? nil : UInt64(r)
    }
    /// `u64::mul_div_ceil`.
    public static func mulDivCeil(_ a: UInt64, _ b: UInt64, _ d: UInt64) -> UInt64? {
        if d == 0 { return nil }
        let r = (UInt128(a) * UInt128(b) + UInt128(d - 1)) / UInt128(d)
        return r > UInt128(UInt64.max) ? nil : UInt64(r)
    }
    /// `U128::mul_div_floor/ceil`: the 256-bit product divided, nil when the result exceeds u128.
    static func mulDiv128(_ a: UInt128, _ b: UInt128, _ d: UInt128, roundUp: Bool) -> UInt128? {
        guard let r = UInt256.mulDiv(UInt256(a), UInt256(b), UInt256(d), roundUp: roundUp) else { return nil }
        return r.asUInt128
    }

    // MARK: - tick_math.rs

    /// `get_sqrt_price_at_tick`: 1.0001^(tick/2) in Q64.64 via the magic-constant ladder.
    public static func sqrtPriceAtTick(_ tick: Int32) throws -> UInt128 {
        guard tick >= minTick && tick <= maxTick else { throw MathError.outOfRange("tick \(tick)") }
        let absTick = tick.magnitude
        var ratio: UInt128 = absTick & 0x1 != 0 ? 0xfffc_b933_bd6f_b800 : q64
        // Each factor is 2^64 / 1.0001^(2^(i-1)); ratio <= 2^64 and factor < 2^64, so the product fits.
        let factors: [(UInt32, UInt128)] = [
            (0x2, 0xfff9_7272_373d_4000), (0x4, 0xfff2_e50f_5f65_7000), (0x8, 0xffe5_caca_7e10_f000),
            (0x10, 0xffcb_9843_d60f_7000), (0x20, 0xff97_3b41_fa98_e800), (0x40, 0xff2e_a164_66c9_b000),
            (0x80, 0xfe5d_ee04_6a9a_3800), (0x100, 0xfcbe_86c7_900b_b000), (0x200, 0xf987_a725_3ac6_5800),
            (0x400, 0xf339_2b08_22bb_6000), (0x800, 0xe715_9475_a2ca_f000), (0x1000, 0xd097_f3bd_fd2f_2000),
            (0x2000, 0xa9f7_4646_2d9f_8000), (0x4000, 0x70d8_69a1_56f3_1c00), (0x8000, 0x31be_135f_97ed_3200),
            (0x10000, 0x9aa_508b_5b85_a500), (0x20000, 0x5d_6af8_dedc_582c), (0x40000, 0x2216_e584_f5fa),
        ]
        for (bit, factor) in factors where absTick & bit != 0 {
            let (hi, lo) = ratio.multipliedFullWidth(by: factor)
            ratio = (hi << 64) | (lo >> 64)
        }
        if tick > 0 { ratio = UInt128.max / ratio }
        return ratio
    }

    /// `get_tick_at_sqrt_price`: greatest tick with sqrt_price_at_tick(tick) <= sqrtPrice (16-bit log2 refinement).
    public static func tickAtSqrtPrice(_ sqrtPrice: UInt128) throws -> Int32 {
        guard sqrtPrice >= minSqrtPrice && sqrtPrice < maxSqrtPrice else {
            throw MathError.outOfRange("sqrt price \(sqrtPrice)")
        }
        let msb = 128 - sqrtPrice.leadingZeroBitCount - 1
        let log2pIntegerX32 = Int128(msb - 64) << 32
        var bit: Int128 = 0x8000_0000_0000_0000
        var precision = 0
        var log2pFractionX64: Int128 = 0
        var r: UInt128 = msb >= 64 ? sqrtPrice >> (msb - 63) : sqrtPrice << (63 - msb)
        while bit > 0 && precision < 16 {
            r = r &* r  // r < 2^64 here, so the square fits
            let more = r >> 127
            r >>= (63 + more)
            log2pFractionX64 += bit * Int128(more)
            bit >>= 1
            precision += 1
        }
        let log2pX32 = log2pIntegerX32 + (log2pFractionX64 >> 32)
        let logSqrt10001X64 = log2pX32 * 59_543_866_431_248
        let tickLow = Int32(truncatingIfNeeded: (logSqrt10001X64 - 184_467_440_737_095_516) >> 64)
        let tickHigh = Int32(truncatingIfNeeded: (logSqrt10001X64 + 15_793_534_762_490_258_745) >> 64)
        if tickLow == tickHigh { return tickLow }
        return try sqrtPriceAtTick(tickHigh) <= sqrtPrice ? tickHigh : tickLow
    }

    /// `get_price_from_sqrt_price`: price_x64 = sqrt^2 / 2^64 (rounded up on request), must fit u128.
    public static func priceFromSqrtPrice(_ sqrtPrice: UInt128, roundUp: Bool) throws -> UInt128 {
        var prod = UInt256(sqrtPrice) * UInt256(sqrtPrice)
        if roundUp { prod = prod + UInt256(q64 - 1) }
        guard let p = (prod >> 64).asUInt128 else { throw MathError.overflow("get_price_from_sqrt_price") }
        return p
    }

    // MARK: - liquidity_math.rs

    /// `add_delta`: L + ΔL, erroring on underflow (and, as the program's `require_gt!`, when the result is not below L).
    public static func addDelta(_ x: UInt128, _ y: Int128) throws -> UInt128 {
        if y < 0 {
            let (z, o) = x.subtractingReportingOverflow(y.magnitude)
            guard !o, x > z else { throw MathError.liquidity("LiquiditySubValueErr") }
            return z
        }
        let (z, o) = x.addingReportingOverflow(y.magnitude)
        guard !o else { throw MathError.liquidity("LiquidityAddValueErr") }
        return z
    }

    /// `get_delta_amounts_for_swap`: (amount_in rounded up, amount_out rounded down) between two sqrt prices.
    /// zero_for_one: in = Δtoken0 (ceil), out = Δtoken1 (floor); else in = Δtoken1 (ceil), out = Δtoken0 (floor).
    public static func deltaAmountsForSwap(
        _ a0: UInt128, _ b0: UInt128, liquidity: UInt128,
        zeroForOne: Bool
    ) throws -> (amountIn: UInt64, amountOut: UInt64) {
        let (a, b) = a0 > b0 ? (b0, a0) : (a0, b0)
        guard a > 0 else { throw MathError.zero("sqrt price") }
        let amount1X64 = UInt256(liquidity) * UInt256(b - a)  // u128 × u128 always fits 256 bits
        let product = UInt256(a) * UInt256(b)
        let pow64 = UInt256.one << 64
        let amountIn: UInt256, amountOut: UInt256
        if zeroForOne {
            guard let i = UInt256.mulDiv(amount1X64, pow64, product, roundUp: true) else {
                throw MathError.overflow("get_delta_amounts_for_swap")
            }
            amountIn = i
            amountOut = amount1X64 >> 64
        } else {
            guard let up = amount1X64.adding(UInt256(UInt64.max)) else { throw MathError.overflow("get_delta_amounts_for_swap") }
            amountIn = up >> 64
            guard let o = UInt256.mulDiv(amount1X64, pow64, product, roundUp: false) else {
                throw MathError.overflow("get_delta_amounts_for_swap")
            }
            amountOut = o
        }
        guard let i = amountIn.asUInt64, let o = amountOut.asUInt64 else { throw MathError.maxTokenOverflow }
        return (i, o)
    }

    // MARK: - sqrt_price_math.rs

    /// `get_next_sqrt_price_from_input`: token0 in → ceil(L·2^64·√P / (L·2^64 + Δx·√P)); token1 in → √P + floor(Δy·2^64 / L).
    public static func nextSqrtPriceFromInput(
        _ sqrtPrice: UInt128, liquidity: UInt128, amountIn: UInt64,
        zeroForOne: Bool
    ) throws -> UInt128 {
        guard sqrtPrice >= minSqrtPrice && sqrtPrice < maxSqrtPrice else { throw MathError.outOfRange("sqrt price \(sqrtPrice)") }
        guard liquidity > 0 else { throw MathError.zero("liquidity") }
        if amountIn == 0 { return sqrtPrice }
        if zeroForOne {
            // get_next_sqrt_price_from_amount_0_rounding_up(add = true); Δx·√P < 2^192 never overflows U256.
            let numerator1 = UInt256(liquidity) << 64
            let product = UInt256(amountIn) * UInt256(sqrtPrice)
            let denominator = numerator1 + product
            guard let r = UInt256.mulDiv(numerator1, UInt256(sqrtPrice), denominator, roundUp: true),
                let v = r.asUInt128
            else { throw MathError.overflow("get_next_sqrt_price_from_amount_0_rounding_up") }
            return v
        }
        // get_next_sqrt_price_from_amount_1_rounding_down(add = true)
        let quotient = (UInt128(amountIn) << 64) / liquidity
        let (v, o) = sqrtPrice.addingReportingOverflow(quotient)
        guard !o else { throw MathError.overflow("get_next_sqrt_price_from_amount_1_rounding_down") }
        return v
    }

    // MARK: - swap_math.rs

    /// One step of `compute_swap` for exact input (`is_base_input = true`).
    public struct SwapStep: Sendable, Equatable {
        public var sqrtPriceNext: UInt128
        /// Input that moves the price (excludes the fee when the fee is on input).
        public var amountIn: UInt64
        /// Output to the user (net of the fee when the fee is on output).
        public var amountOut: UInt64
        public var feeAmount: UInt64
        public init(sqrtPriceNext: UInt128, amountIn: UInt64, amountOut: UInt64, feeAmount: UInt64) {
            self.sqrtPriceNext = sqrtPriceNext; self.amountIn = amountIn; self.amountOut = amountOut; self.feeAmount = feeAmount
        }
    }

    /// `compute_swap(.., is_base_input = true, ..)`: fee on input deducts `floor(rem·(1e6−f)/1e6)` before the
    /// price math; fee on output charges `ceil(gross_out·f/1e6)` on the output.
    public static func computeSwapExactIn(
        current: UInt128, target: UInt128, liquidity: UInt128, amountRemaining: UInt64,
        feeRate: UInt32, zeroForOne: Bool, feeOnInput: Bool
    ) throws -> SwapStep {
        guard feeRate <= feeRateDenominator else { throw MathError.overflow("fee rate \(feeRate) above 1e6") }
        let den = UInt64(feeRateDenominator)
        let amountForPriceCalc: UInt64
        if feeOnInput {
            guard let v = mulDivFloor(amountRemaining, den - UInt64(feeRate), den) else { throw MathError.overflow("compute_swap fee") }
            amountForPriceCalc = v
        } else {
            amountForPriceCalc = amountRemaining
        }
        var step = try stepToward(
            current: current, target: target, liquidity: liquidity, zeroForOne: zeroForOne, reaches: { i, _ in amountForPriceCalc >= i }
        ) {
            try nextSqrtPriceFromInput(current, liquidity: liquidity, amountIn: amountForPriceCalc, zeroForOne: zeroForOne)
        }
        if feeOnInput {
            if step.sqrtPriceNext != target {
                // Partial step: whatever input is left over becomes fee.
                guard amountRemaining >= step.amountIn else { throw MathError.overflow("compute_swap fee remainder") }
                step.feeAmount = amountRemaining - step.amountIn
            } else {
                guard let f = mulDivCeil(step.amountIn, UInt64(feeRate), den - UInt64(feeRate)) else {
                    throw MathError.overflow("compute_swap fee")
                }
                step.feeAmount = f
            }
        } else {
            guard let f = mulDivCeil(step.amountOut, UInt64(feeRate), den) else { throw MathError.overflow("compute_swap fee") }
            step.feeAmount = f
            guard step.amountOut >= f else { throw MathError.overflow("compute_swap net output") }
            step.amountOut -= f
            // Fee-on-output partial step consumes the whole remaining input (dust goes to the pool).
            if step.sqrtPriceNext != target { step.amountIn = amountRemaining }
        }
        return step
    }

    /// `compute_swap`'s price move: to the target when `reaches` says the amount covers the target's
    /// amounts (`amountsAtTarget`), else to `next()`; amounts between current and the new price;
    /// the program's direction checks.
    static func stepToward(
        current: UInt128, target: UInt128, liquidity: UInt128, zeroForOne: Bool, reaches: (UInt64, UInt64) -> Bool,
        next: () throws -> UInt128
    ) throws -> SwapStep {
        var step = SwapStep(sqrtPriceNext: target, amountIn: 0, amountOut: 0, feeAmount: 0)
        if let (i, o) = try amountsAtTarget(target, current, liquidity: liquidity, zeroForOne: zeroForOne), reaches(i, o) {
            step.amountIn = i; step.amountOut = o
        } else {
            step.sqrtPriceNext = try next()
            let (i, o) = try deltaAmountsForSwap(step.sqrtPriceNext, current, liquidity: liquidity, zeroForOne: zeroForOne)
            step.amountIn = i; step.amountOut = o
        }
        if zeroForOne {
            guard step.sqrtPriceNext >= target else { throw MathError.outOfRange("compute_swap price below target") }
        } else {
            guard target >= step.sqrtPriceNext else { throw MathError.outOfRange("compute_swap price above target") }
        }
        return step
    }

    /// `get_delta_amounts_for_swap` to the step's target, nil on `MaxTokenOverflow` (the target is
    /// unreachable at u64 precision: `compute_swap` falls through to its not-reached branch).
    static func amountsAtTarget(_ target: UInt128, _ current: UInt128, liquidity: UInt128, zeroForOne: Bool) throws -> (UInt64, UInt64)? {
        do {
            return try deltaAmountsForSwap(target, current, liquidity: liquidity, zeroForOne: zeroForOne)
        } catch MathError.maxTokenOverflow {
            return nil
        }
    }

    // MARK: - tick_array.rs limit-order conversions

    /// `get_limit_order_output_with_price`: token0→token1 = floor(in·price/2^64); token1→token0 = floor(in·2^64/price).
    public static func limitOrderOutput(amountIn: UInt64, token0PriceX64: UInt128, zeroForOne: Bool) throws -> UInt128 {
        let r =
            zeroForOne
            ? mulDiv128(UInt128(amountIn), token0PriceX64, q64, roundUp: false)
            : mulDiv128(UInt128(amountIn), q64, token0PriceX64, roundUp: false)
        guard let v = r else { throw MathError.overflow("get_limit_order_output_with_price") }
        return v
    }

    /// `get_limit_order_input_with_price` (rounded up); `zeroForOne` is the limit order's direction.
    public static func limitOrderInput(amountOut: UInt64, token0PriceX64: UInt128, zeroForOne: Bool) throws -> UInt64 {
        let r =
            zeroForOne
            ? mulDiv128(UInt128(amountOut), token0PriceX64, q64, roundUp: true)
            : mulDiv128(UInt128(amountOut), q64, token0PriceX64, roundUp: true)
        guard let v = r, v <= UInt128(UInt64.max) else { throw MathError.overflow("get_limit_order_input_with_price") }
        return UInt64(v)
    }
}
