// Base-fee schedulers of a constant-product / single-range pool, from MeteoraAg/damm-v2 @a3d3827
// programs/cp-amm/src/: base_fee/fee_time_scheduler.rs and base_fee/fee_market_cap_scheduler.rs
// (`get_base_fee_numerator`: how many periods have passed) and math/fee_math.rs
// (`get_fee_in_period`, `pow`: the fee after that many periods, linear or exponential decay).

/// The scheduled base fee numerator: a cliff fee that decays by a fixed amount (linear) or a fixed
/// fraction (exponential) per period, periods counted in time or in price moves.
///
/// ```swift
/// let period = FeeScheduler.timePeriod(currentPoint: 1_125, activationPoint: 1_000, frequency: 60, numberOfPeriods: 10)  // 2
/// try FeeScheduler.feeInPeriod(cliff: 400_000, reduction: 20_000, period: period, exponential: false)                  // 360_000
/// ```
public enum FeeScheduler {
    /// Q64.64 one.
    @usableFromInline static let one: UInt128 = 1 << 64

    /// fee_time_scheduler.rs: periods passed = (current − activation) / frequency, at most
    /// `numberOfPeriods`; before activation (alpha vault) the last period. `frequency` > 0.
    @inlinable
    public static func timePeriod(currentPoint: UInt64, activationPoint: UInt64, frequency: UInt64, numberOfPeriods: UInt64) -> UInt64 {
        currentPoint < activationPoint ? numberOfPeriods : min((currentPoint - activationPoint) / frequency, numberOfPeriods)
    }

    /// fee_market_cap_scheduler.rs: periods passed = the price's rise over the initial price in
    /// steps of `stepBps`; all periods after expiration or before activation, none at or below the
    /// initial price.
    @inlinable
    public static func marketCapPeriod(
        currentPoint: UInt64, activationPoint: UInt64, expiration: UInt64, sqrtPrice: UInt128,
        initSqrtPrice: UInt128, stepBps: UInt64, numberOfPeriods: UInt64
    ) throws -> UInt64 {
        let (expiry, o) = activationPoint.addingReportingOverflow(expiration)
        guard !o else { throw MathOverflow("market cap scheduler expiration") }
        var period: UInt64
        if currentPoint > expiry || currentPoint < activationPoint {
            period = numberOfPeriods
        } else if sqrtPrice <= initSqrtPrice {
            period = 0
        } else {
            guard initSqrtPrice > 0, stepBps > 0 else { throw MathOverflow("market cap scheduler") }
            let num = UInt256(sqrtPrice - initSqrtPrice) * UInt256(UInt64(10_000))
            let passed = num / UInt256(initSqrtPrice) / UInt256(stepBps)
            period = passed > UInt256(numberOfPeriods) ? numberOfPeriods : (passed.asUInt64 ?? numberOfPeriods)
        }
        return min(period, numberOfPeriods)
    }

    /// fee_math.rs `get_fee_in_period`. Linear: cliff − reduction × period; exponential:
    /// cliff × (1 − reduction/10⁴)^period in Q64.64, floored.
    @inlinable
    public static func feeInPeriod(cliff: UInt64, reduction: UInt64, period: UInt64, exponential: Bool) throws -> UInt64 {
        if !exponential {
            let (cut, o) = reduction.multipliedReportingOverflow(by: period)
            guard !o, cut <= cliff else { throw MathOverflow("fee scheduler") }
            return cliff - cut
        }
        if reduction == 0 { return cliff }
        guard period <= UInt64(UInt16.max) else { throw MathOverflow("fee scheduler period") }
        let bps = (UInt128(reduction) << 64) / 10_000
        guard bps <= one, let factor = powQ64(one - bps, Int(period)) else {
            throw MathOverflow("fee scheduler pow")
        }
        let (p, o) = factor.multipliedReportingOverflow(by: UInt128(cliff))
        guard !o, (p >> 64) <= UInt128(UInt64.max) else { throw MathOverflow("fee scheduler") }
        return UInt64(p >> 64)
    }

    /// fee_math.rs `pow` (Q64.64 base, non-negative exponent < 2^19), bit for bit; nil where the
    /// program returns None.
    @inlinable
    public static func powQ64(_ base: UInt128, _ exp: Int) -> UInt128? {
        if exp == 0 { return one }
        guard exp < 0x80000 else { return nil }
        var invert = false
        var squared = base
        var result = one
        if squared >= result {
            squared = UInt128.max / squared
            invert = true
        }
        func mulShift(_ a: UInt128, _ b: UInt128) -> UInt128? {
            let (p, o) = a.multipliedReportingOverflow(by: b)
            return o ? nil : p >> 64
        }
        var bit = 1
        while bit <= 0x40000 {
            if bit > 1 { guard let s = mulShift(squared, squared) else { return nil }; squared = s }
            if exp & bit != 0 { guard let r = mulShift(result, squared) else { return nil }; result = r }
            bit <<= 1
        }
        if result == 0 { return nil }
        if invert { result = UInt128.max / result }
        return result
    }
}
