/// Meteora DLMM bin price and fee math, integer-exact ports of MeteoraAg/dlmm-sdk
/// `commons/src/math/{u64x64_math,price_math,u128x128_math}.rs` and the fee functions of
/// `commons/src/extensions/lb_pair.rs` (v0.12.0, commit fb02e51a). Every function returns nil
/// where the Rust code's checked arithmetic would fail, so callers can throw instead of trapping.
///
/// ```swift
/// let price = DlmmMath.priceFromId(-6260, binStep: 4)!          // Q64.64, Y per X in raw units
/// let out = DlmmMath.mulShr(price, 1_000_000, roundUp: false)    // X → Y at that bin
/// let fee = DlmmFeeRate(baseFactor: 10000, binStep: 4, baseFeePowerFactor: 0,
///                       variableFeeControl: 120000, volatilityAccumulator: 5281)
/// ```
public enum DlmmMath {
    /// `SCALE_OFFSET`: Q64.64 prices.
    public static let scaleOffset = 64
    /// `ONE` = 1.0 in Q64.64.
    public static let one: UInt128 = 1 << 64
    /// `BASIS_POINT_MAX`.
    public static let basisPointMax: UInt128 = 10_000
    /// `MAX_EXPONENTIAL` (u64x64_math.rs): 19 exponent bits are enough for any bin id.
    static let maxExponential: UInt32 = 0x80000

    /// `u64x64_math::pow(base, exp)`: base^exp in Q64.64 by square-and-multiply, each step
    /// `(a * b) >> 64` with a checked u128 multiply. When base ≥ 1 it works on `u128::MAX / base`
    /// and inverts at the end (`u128::MAX / result`), exactly as the program does, so the
    /// rounding of every step matches.
    public static func pow(_ base: UInt128, _ exp: Int32) -> UInt128? {
        var invert = exp < 0
        if exp == 0 { return one }
        let e: UInt32 = exp < 0 ? UInt32(exp.magnitude) : UInt32(exp)
        if e >= maxExponential { return nil }

        var squaredBase = base
        var result = one
        if squaredBase >= result {
            guard squaredBase != 0 else { return nil }
            squaredBase = UInt128.max / squaredBase
            invert = !invert
        }
        func mulShr(_ a: UInt128, _ b: UInt128) -> UInt128? {
            let (p, o) = a.multipliedReportingOverflow(by: b)
            return o ? nil : p >> 64
        }
        // Bits 0x1 … 0x40000, squaring the base between bits (19 steps, as in the source).
        var bit: UInt32 = 1
        while bit <= 0x40000 {
            if bit != 1 {
                guard let s = mulShr(squaredBase, squaredBase) else { return nil }
                squaredBase = s
            }
            if e & bit > 0 {
                guard let r = mulShr(result, squaredBase) else { return nil }
                result = r
            }
            bit <<= 1
        }
        if result == 0 { return nil }
        if invert { result = UInt128.max / result }
        return result
    }

    /// `price_math::get_price_from_id`: (1 + bin_step/10000)^id in Q64.64, with the base
    /// computed as `ONE + (bin_step << 64) / 10000` (floor).
    public static func priceFromId(_ id: Int32, binStep: UInt16) -> UInt128? {
        let bps = (UInt128(binStep) << 64) / basisPointMax
        let (base, o) = one.addingReportingOverflow(bps)
        if o { return nil }
        return pow(base, id)
    }

    /// `u128x128_math::mul_div`: (x * y) / d in 256 bits, rounded as asked; nil if d = 0 or the
    /// result does not fit u128.
    public static func mulDiv(_ x: UInt128, _ y: UInt128, _ d: UInt128, roundUp: Bool) -> UInt128? {
        guard d != 0 else { return nil }
        guard let q = UInt256.mulDiv(UInt256(x), UInt256(y), UInt256(d), roundUp: roundUp) else { return nil }
        return q.asUInt128
    }

    /// `mul_shr(x, y, 64)` = (x * y) >> 64 with rounding.
    public static func mulShr(_ x: UInt128, _ y: UInt128, roundUp: Bool) -> UInt128? {
        mulDiv(x, y, one, roundUp: roundUp)
    }

    /// `shl_div(x, y, 64)` = (x << 64) / y with rounding.
    public static func shlDiv(_ x: UInt128, _ y: UInt128, roundUp: Bool) -> UInt128? {
        mulDiv(x, one, y, roundUp: roundUp)
    }

    /// `Bin::get_amount_in(amount_out, price, swap_for_y, rounding)` (extensions/bin.rs): input
    /// needed for `amountOut`; X in for Y out is `(out << 64) / price`, Y in for X out is
    /// `(out * price) >> 64`. nil when it does not fit u64 (`safe_*_cast`).
    public static func amountIn(forOut amountOut: UInt64, price: UInt128, swapForY: Bool, roundUp: Bool) -> UInt64? {
        let v =
            swapForY
            ? shlDiv(UInt128(amountOut), price, roundUp: roundUp)
            : mulShr(UInt128(amountOut), price, roundUp: roundUp)
        return v.flatMap { UInt64(exactly: $0) }
    }

    /// `Bin::get_amount_out(amount_in, price, swap_for_y, rounding)`: `(price * in) >> 64` for
    /// X → Y, `(in << 64) / price` for Y → X.
    public static func amountOut(forIn amountIn: UInt64, price: UInt128, swapForY: Bool, roundUp: Bool) -> UInt64? {
        let v =
            swapForY
            ? mulShr(price, UInt128(amountIn), roundUp: roundUp)
            : shlDiv(UInt128(amountIn), price, roundUp: roundUp)
        return v.flatMap { UInt64(exactly: $0) }
    }
}

/// The DLMM total fee rate at one volatility accumulator value (`LbPair::get_total_fee`,
/// extensions/lb_pair.rs), in `FEE_PRECISION` (1e9) units, and the two fee formulas built on it.
///
/// ```swift
/// let rate = DlmmFeeRate(baseFactor: 10000, binStep: 10, baseFeePowerFactor: 1,
///                        variableFeeControl: 0, volatilityAccumulator: 0)
/// rate?.feeFromAmount(1_000_000)   // 10_000 (1%)
/// ```
public struct DlmmFeeRate: Sendable, Equatable {
    /// `FEE_PRECISION`.
    public static let feePrecision: UInt128 = 1_000_000_000
    /// `MAX_FEE_RATE` (10%).
    public static let maxFeeRate: UInt128 = 100_000_000

    public let baseFee: UInt128
    public let variableFee: UInt128
    /// `min(base + variable, MAX_FEE_RATE)`.
    public let totalRate: UInt128

    /// `get_base_fee` = base_factor * bin_step * 10 * 10^base_fee_power_factor and
    /// `compute_variable_fee` = ceil(variable_fee_control * (va * bin_step)^2 / 1e11);
    /// nil where the program's checked u128 math would overflow.
    public init?(
        baseFactor: UInt16, binStep: UInt16, baseFeePowerFactor: UInt8,
        variableFeeControl: UInt32, volatilityAccumulator: UInt32
    ) {
        // 10^p overflows u128 past p = 38 (the Rust `pow` would panic).
        guard baseFeePowerFactor <= 38 else { return nil }
        var pow10: UInt128 = 1
        for _ in 0..<baseFeePowerFactor { pow10 *= 10 }
        let (b1, o1) = (UInt128(baseFactor) * UInt128(binStep) * 10).multipliedReportingOverflow(by: pow10)
        guard !o1 else { return nil }
        baseFee = b1
        if variableFeeControl > 0 {
            guard
                let v = VariableFee.numerator(
                    volatilityAccumulator: UInt128(volatilityAccumulator), binStep: binStep, variableFeeControl: variableFeeControl)
            else { return nil }
            variableFee = v
        } else {
            variableFee = 0
        }
        let (t, o4) = baseFee.addingReportingOverflow(variableFee)
        guard !o4 else { return nil }
        totalRate = Swift.min(t, Self.maxFeeRate)
    }

    /// `compute_fee_from_amount`: fee contained in a fee-inclusive amount,
    /// ceil(amount * rate / 1e9).
    public func feeFromAmount(_ amountWithFees: UInt64) -> UInt64? {
        let v = (UInt128(amountWithFees) * totalRate + (Self.feePrecision - 1)) / Self.feePrecision
        return UInt64(exactly: v)
    }

    /// `compute_fee`: fee to add on top of a fee-exclusive amount,
    /// ceil(amount * rate / (1e9 - rate)).
    public func feeOnTop(_ amount: UInt64) -> UInt64? {
        let den = Self.feePrecision - totalRate  // rate ≤ 1e8, never underflows
        let v = (UInt128(amount) * totalRate + den - 1) / den
        return UInt64(exactly: v)
    }
}
