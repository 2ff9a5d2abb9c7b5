/// Orca Whirlpool's own integer math: tick ↔ sqrt-price conversion, token deltas and the
/// per-step swap computation, ported operation by operation (same widths, same rounding) from
/// orca-so/whirlpools `programs/whirlpool/src/math/{tick_math,token_math,swap_math,bit_math}.rs`
/// (@630c0e01). Nothing here traps: every place where the program returns an error (or would
/// panic on overflow) throws `WhirlpoolMathError`.
///
/// ```swift
/// let sp = WhirlpoolMath.sqrtPrice(atTick: -25156)
/// let step = try WhirlpoolMath.computeSwapExactIn(amountRemaining: 1_000_000_000, feeRate: 400,
///                                                 liquidity: l, sqrtPriceCurrent: sp, sqrtPriceTarget: t, aToB: true)
/// ```
public enum WhirlpoolMath {
    /// `tick_math.rs`: MAX/MIN_SQRT_PRICE_X64 (Orca's max differs from Raydium's).
    public static let maxSqrtPrice: UInt128 = 79_226_673_515_401_279_992_447_579_055
    public static let minSqrtPrice: UInt128 = 4_295_048_016
    /// `tick.rs`: MAX/MIN_TICK_INDEX.
    public static let maxTick = 443_636
    public static let minTick = -443_636
    /// `token_math.rs`: fee rate is in hundredths of a bp, FEE_RATE_MUL_VALUE = 1e6.
    public static let feeRateMulValue: UInt128 = 1_000_000
    static let q64Mask: UInt128 = 0xFFFF_FFFF_FFFF_FFFF

    // MARK: tick math (tick_math.rs)

    /// `sqrt_price_from_tick_index`. The tick is clamped to [minTick, maxTick] first (the program
    /// only calls it with in-range ticks; clamping keeps corrupt tick data from overflowing).
    public static func sqrtPrice(atTick tickIn: Int) -> UInt128 {
        let tick = Swift.min(Swift.max(tickIn, minTick), maxTick)
        return tick >= 0 ? positiveTick(tick) : negativeTick(tick)
    }

    /// `get_sqrt_price_positive_tick`: 96-bit constants, `mul_shift_96`, final `>> 32`.
    static func positiveTick(_ tick: Int) -> UInt128 {
        var ratio: UInt128 = tick & 1 != 0 ? 79_232_123_823_359_799_118_286_999_567 : 79_228_162_514_264_337_593_543_950_336
        let constants: [(Int, UInt128)] = [
            (2, 79_236_085_330_515_764_027_303_304_731), (4, 79_244_008_939_048_815_603_706_035_061),
            (8, 79_259_858_533_276_714_757_314_932_305), (16, 79_291_567_232_598_584_799_939_703_904),
            (32, 79_355_022_692_464_371_645_785_046_466), (64, 79_482_085_999_252_804_386_437_311_141),
            (128, 79_736_823_300_114_093_921_829_183_326), (256, 80_248_749_790_819_932_309_965_073_892),
            (512, 81_282_483_887_344_747_381_513_967_011), (1024, 83_390_072_131_320_151_908_154_831_281),
            (2048, 87_770_609_709_833_776_024_991_924_138), (4096, 97_234_110_755_111_693_312_479_820_773),
            (8192, 119_332_217_159_966_728_226_237_229_890), (16384, 179_736_315_981_702_064_433_883_588_727),
            (32768, 407_748_233_172_238_350_107_850_275_304), (65536, 2_098_478_828_474_011_932_436_660_412_517),
            (131_072, 55_581_415_166_113_811_149_459_800_483_533), (262_144, 38_992_368_544_603_139_932_233_054_999_993_551),
        ]
        for (bit, c) in constants where tick & bit != 0 {
            // mul_u256(ratio, c).shift_right(96): fits in u128 for every tick <= MAX_TICK_INDEX.
            ratio = ((UInt256(ratio) * UInt256(c)) >> 96).low128
        }
        return ratio >> 32
    }

    /// `get_sqrt_price_negative_tick`: 64-bit constants, `(ratio * c) >> 64` in u128 (ratio <= 2^64, c < 2^64).
    static func negativeTick(_ tick: Int) -> UInt128 {
        let abs = -tick
        var ratio: UInt128 = abs & 1 != 0 ? 18_445_821_805_675_392_311 : 18_446_744_073_709_551_616
        let constants: [(Int, UInt128)] = [
            (2, 18_444_899_583_751_176_498), (4, 18_443_055_278_223_354_162), (8, 18_439_367_220_385_604_838),
            (16, 18_431_993_317_065_449_817), (32, 18_417_254_355_718_160_513), (64, 18_387_811_781_193_591_352),
            (128, 18_329_067_761_203_520_168), (256, 18_212_142_134_806_087_854), (512, 17_980_523_815_641_551_639),
            (1024, 17_526_086_738_831_147_013), (2048, 16_651_378_430_235_024_244), (4096, 15_030_750_278_693_429_944),
            (8192, 12_247_334_978_882_834_399), (16384, 8_131_365_268_884_726_200), (32768, 3_584_323_654_723_342_297),
            (65536, 696_457_651_847_595_233), (131_072, 26_294_789_957_452_057), (262_144, 37_481_735_321_082),
        ]
        for (bit, c) in constants where abs & bit != 0 {
            ratio = (ratio * c) >> 64
        }
        return ratio
    }

    /// `tick_index_from_sqrt_price`: log2 by 14 squarings, change of base, then a ±1 fix-up
    /// against `sqrt_price_from_tick_index`. Input is clamped to [minSqrtPrice, maxSqrtPrice].
    public static func tickIndex(fromSqrtPrice input: UInt128) -> Int {
        let sqrtPrice = Swift.min(Swift.max(input, minSqrtPrice), maxSqrtPrice)
        let msb = 128 - sqrtPrice.leadingZeroBitCount - 1
        let log2pIntegerX32 = (Int128(msb) - 64) << 32
        var bit: Int128 = 0x8000_0000_0000_0000
        var precision = 0
        var log2pFractionX64: Int128 = 0
        var r: UInt128 = msb >= 64 ? sqrtPrice >> (msb - 63) : sqrtPrice << (63 - msb)
        while bit > 0 && precision < 14 {
            r = r * r  // r < 2^64, so r² < 2^128
            let isMoreThanTwo = r >> 127
            r >>= 63 + isMoreThanTwo
            log2pFractionX64 += bit * Int128(isMoreThanTwo)
            bit >>= 1
            precision += 1
        }
        let log2pFractionX32 = log2pFractionX64 >> 32
        let log2pX32 = log2pIntegerX32 + log2pFractionX32
        let logbpX64 = log2pX32 * 59_543_866_431_248  // LOG_B_2_X32
        let tickLow = Int((logbpX64 - 184_467_440_737_095_516) >> 64)  // LOG_B_P_ERR_MARGIN_LOWER_X64
        let tickHigh = Int((logbpX64 + 15_793_534_762_490_258_745) >> 64)  // LOG_B_P_ERR_MARGIN_UPPER_X64
        if tickLow == tickHigh { return tickLow }
        return WhirlpoolMath.sqrtPrice(atTick: tickHigh) <= sqrtPrice ? tickHigh : tickLow
    }

    // MARK: token math (token_math.rs)

    /// `AmountDeltaU64`: a delta that fits u64, or one that exceeds it (only "not a max swap").
    public enum AmountDelta: Equatable, Sendable {
        case valid(UInt64)
        case exceedsMax
        func lte(_ other: UInt64) -> Bool { if case .valid(let v) = self { return v <= other }; return false }
    }

    /// `try_get_amount_delta_a`: round((L·(hi−lo)) << 64 / (hi·lo)). Throws where the program
    /// errors (the 256-bit word shift overflows).
    public static func tryAmountDeltaA(_ p0: UInt128, _ p1: UInt128, liquidity: UInt128, roundUp: Bool) throws -> AmountDelta {
        let (lower, upper) = p0 > p1 ? (p1, p0) : (p0, p1)
        let product = UInt256(liquidity) * UInt256(upper - lower)  // < 2^256, exact
        // checked_shift_word_left: the top 64-bit word must be empty.
        guard product.l3 == 0 else { throw WhirlpoolMathError.overflow("get_amount_delta_a numerator") }
        let numerator = product << 64
        let denominator = UInt256(upper) * UInt256(lower)
        guard let (q, r) = numerator.quotientAndRemainder(dividingBy: denominator) else {
            throw WhirlpoolMathError.overflow("get_amount_delta_a divide by zero")
        }
        var result = q
        if roundUp && !r.isZero {
            guard let up = q.adding(.one) else { return .exceedsMax }
            result = up
        }
        guard let v = result.asUInt64 else { return .exceedsMax }
        return .valid(v)
    }

    /// `try_get_amount_delta_b`: (L·(hi−lo)) >> 64, +1 when rounding up and the low 64 bits are
    /// non-zero; the u128 product overflowing means "exceeds u64".
    public static func tryAmountDeltaB(_ p0: UInt128, _ p1: UInt128, liquidity: UInt128, roundUp: Bool) -> AmountDelta {
        let (lower, upper) = p0 > p1 ? (p1, p0) : (p0, p1)
        let n0 = liquidity, n1 = upper - lower
        if n0 == 0 || n1 == 0 { return .valid(0) }
        let (p, overflow) = n0.multipliedReportingOverflow(by: n1)
        if overflow { return .exceedsMax }
        let result = UInt64(truncatingIfNeeded: p >> 64)
        let shouldRound = roundUp && (p & q64Mask) > 0
        if shouldRound && result == .max { return .exceedsMax }
        return .valid(shouldRound ? result + 1 : result)
    }

    /// `get_amount_delta_a`: as `tryAmountDeltaA` but exceeding u64 is an error.
    public static func amountDeltaA(_ p0: UInt128, _ p1: UInt128, liquidity: UInt128, roundUp: Bool) throws -> UInt64 {
        guard case .valid(let v) = try tryAmountDeltaA(p0, p1, liquidity: liquidity, roundUp: roundUp) else {
            throw WhirlpoolMathError.overflow("get_amount_delta_a exceeds u64")
        }
        return v
    }

    /// `get_amount_delta_b`: as `tryAmountDeltaB` but exceeding u64 is an error.
    public static func amountDeltaB(_ p0: UInt128, _ p1: UInt128, liquidity: UInt128, roundUp: Bool) throws -> UInt64 {
        guard case .valid(let v) = tryAmountDeltaB(p0, p1, liquidity: liquidity, roundUp: roundUp) else {
            throw WhirlpoolMathError.overflow("get_amount_delta_b exceeds u64")
        }
        return v
    }

    /// `get_next_sqrt_price_from_a_round_up` for an input amount (exact-in a→b):
    /// ceil((L·sp) << 64 / ((L << 64) + amount·sp)), then bounds-checked.
    public static func nextSqrtPriceFromAInput(sqrtPrice: UInt128, liquidity: UInt128, amount: UInt64) throws -> UInt128 {
        if amount == 0 { return sqrtPrice }
        let product = UInt256(sqrtPrice) * UInt256(UInt128(amount))
        let ls = UInt256(liquidity) * UInt256(sqrtPrice)
        guard ls.l3 == 0 else { throw WhirlpoolMathError.overflow("get_next_sqrt_price_from_a numerator") }
        let numerator = ls << 64
        guard let denominator = (UInt256(liquidity) << 64).adding(product), !denominator.isZero else {
            throw WhirlpoolMathError.overflow("get_next_sqrt_price_from_a denominator")
        }
        guard let price = numerator.divRoundingUp(denominator)?.asUInt128 else {
            throw WhirlpoolMathError.overflow("get_next_sqrt_price_from_a downcast")
        }
        guard price >= minSqrtPrice else { throw WhirlpoolMathError.overflow("sqrt price below minimum (TokenMinSubceeded)") }
        guard price <= maxSqrtPrice else { throw WhirlpoolMathError.overflow("sqrt price above maximum (TokenMaxExceeded)") }
        return price
    }

    /// `get_next_sqrt_price_from_b_round_down` for an input amount (exact-in b→a):
    /// sp + floor((amount << 64) / L), checked add (no upper bound check here, as in the program).
    public static func nextSqrtPriceFromBInput(sqrtPrice: UInt128, liquidity: UInt128, amount: UInt64) throws -> UInt128 {
        guard liquidity != 0 else { throw WhirlpoolMathError.overflow("get_next_sqrt_price_from_b divide by zero") }
        let delta = (UInt128(amount) << 64) / liquidity
        let (sum, overflow) = sqrtPrice.addingReportingOverflow(delta)
        guard !overflow else { throw WhirlpoolMathError.overflow("get_next_sqrt_price_from_b (SqrtPriceOutOfBounds)") }
        return sum
    }

    // MARK: swap math (swap_math.rs)

    /// One `compute_swap` step (`SwapStepComputation`).
    public struct SwapStep: Equatable, Sendable {
        public var amountIn: UInt64
        public var amountOut: UInt64
        public var nextSqrtPrice: UInt128
        public var feeAmount: UInt64
    }

    /// `compute_swap` with `amount_specified_is_input = true`: the fee is taken from the input
    /// (`amount_calc = floor(rem·(1e6−fee)/1e6)`); a step that reaches the target charges
    /// `ceil(in·fee/(1e6−fee))`, otherwise the fee is whatever input remains.
    public static func computeSwapExactIn(
        amountRemaining: UInt64, feeRate: UInt32, liquidity: UInt128,
        sqrtPriceCurrent: UInt128, sqrtPriceTarget: UInt128, aToB: Bool
    ) throws -> SwapStep {
        // Fixed delta = input token: A for a→b, B for b→a, rounded up.
        let initialFixed: AmountDelta =
            aToB
            ? try tryAmountDeltaA(sqrtPriceCurrent, sqrtPriceTarget, liquidity: liquidity, roundUp: true)
            : tryAmountDeltaB(sqrtPriceCurrent, sqrtPriceTarget, liquidity: liquidity, roundUp: true)

        let fee = UInt128(feeRate)
        guard fee <= feeRateMulValue else { throw WhirlpoolMathError.overflow("fee rate above 100%") }
        // checked_mul_div(rem, 1e6 - fee, 1e6): product < 2^64 · 2^20, fits u128.
        let amountCalc128 = UInt128(amountRemaining) * (feeRateMulValue - fee) / feeRateMulValue
        let amountCalc = UInt64(truncatingIfNeeded: amountCalc128)  // <= amountRemaining

        let nextSqrtPrice: UInt128
        if initialFixed.lte(amountCalc) {
            nextSqrtPrice = sqrtPriceTarget
        } else if aToB {
            nextSqrtPrice = try nextSqrtPriceFromAInput(sqrtPrice: sqrtPriceCurrent, liquidity: liquidity, amount: amountCalc)
        } else {
            nextSqrtPrice = try nextSqrtPriceFromBInput(sqrtPrice: sqrtPriceCurrent, liquidity: liquidity, amount: amountCalc)
        }
        let isMaxSwap = nextSqrtPrice == sqrtPriceTarget

        // Unfixed delta = output token, rounded down.
        let amountOut =
            aToB
            ? try amountDeltaB(sqrtPriceCurrent, nextSqrtPrice, liquidity: liquidity, roundUp: false)
            : try amountDeltaA(sqrtPriceCurrent, nextSqrtPrice, liquidity: liquidity, roundUp: false)

        let amountIn: UInt64
        if case .valid(let v) = initialFixed, isMaxSwap {
            amountIn = v
        } else {
            amountIn =
                aToB
                ? try amountDeltaA(sqrtPriceCurrent, nextSqrtPrice, liquidity: liquidity, roundUp: true)
                : try amountDeltaB(sqrtPriceCurrent, nextSqrtPrice, liquidity: liquidity, roundUp: true)
        }

        let feeAmount: UInt64
        if !isMaxSwap {
            guard amountRemaining >= amountIn else { throw WhirlpoolMathError.overflow("compute_swap fee (amount_in > remaining)") }
            feeAmount = amountRemaining - amountIn
        } else {
            // checked_mul_div_round_up(amount_in, fee, 1e6 - fee)
            let d = feeRateMulValue - fee
            guard d != 0 else { throw WhirlpoolMathError.overflow("compute_swap fee divide by zero") }
            let p = UInt128(amountIn) * fee
            let q = p / d + (p % d > 0 ? 1 : 0)
            guard let f = UInt64(exactly: q) else { throw WhirlpoolMathError.overflow("compute_swap fee exceeds u64") }
            feeAmount = f
        }
        return SwapStep(amountIn: amountIn, amountOut: amountOut, nextSqrtPrice: nextSqrtPrice, feeAmount: feeAmount)
    }

    /// `add_liquidity_delta` (liquidity_math.rs): checked signed add.
    public static func addLiquidityDelta(_ liquidity: UInt128, _ delta: Int128) throws -> UInt128 {
        if delta == 0 { return liquidity }
        if delta > 0 {
            let (s, o) = liquidity.addingReportingOverflow(UInt128(delta))
            guard !o else { throw WhirlpoolMathError.overflow("add_liquidity_delta (LiquidityOverflow)") }
            return s
        }
        let m = delta.magnitude
        guard liquidity >= m else { throw WhirlpoolMathError.overflow("add_liquidity_delta (LiquidityUnderflow)") }
        return liquidity - m
    }

    /// `floor_division` for i32 tick arithmetic (rounds toward −∞).
    public static func floorDivision(_ a: Int, _ b: Int) -> Int {
        let q = a / b, r = a % b
        return (r != 0 && ((r < 0) != (b < 0))) ? q - 1 : q
    }
}

/// Where Orca's math returns an error (or would panic on overflow).
public enum WhirlpoolMathError: Error, Equatable, Sendable, CustomStringConvertible {
    case overflow(String)
    public var description: String {
        switch self {
        case .overflow(let w): return "whirlpool math: \(w)"
        }
    }
}
