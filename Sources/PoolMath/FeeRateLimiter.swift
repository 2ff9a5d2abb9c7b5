// The rate-limiter base fee, from MeteoraAg/damm-v2 @a3d3827 programs/cp-amm/src/base_fee/
// fee_rate_limiter.rs (`is_rate_limiter_applied`, `get_fee_numerator_from_included_fee_amount`):
// within a window after activation, and only for one direction (quote token in), the fee grows by
// `fee_increment_bps` per `reference_amount` of input above the reference, up to `max_fee_bps`.

/// Rate-limiter parameters (the pool's `base_fee_info` bytes, decoded in Dex) and the fee numerator
/// (1e9 denominator) they charge on a fee-inclusive amount.
///
/// ```swift
/// let limiter = FeeRateLimiter(cliffFeeNumerator: 400_000, feeIncrementBps: 10, maxLimiterDuration: 3_600,
///                              maxFeeBps: 5_000, referenceAmount: 1_000_000_000)
/// try limiter.feeNumerator(amount: 2_500_000_000, currentPoint: 100, activationPoint: 0, quoteIn: true)  // 1_200_000
/// ```
public struct FeeRateLimiter: Sendable, Equatable {
    /// constants.rs `FEE_DENOMINATOR`, `MAX_BASIS_POINT`.
    public static let feeDenominator: UInt64 = 1_000_000_000
    public static let maxBasisPoint: UInt64 = 10_000

    public var cliffFeeNumerator: UInt64
    public var feeIncrementBps: UInt64
    public var maxLimiterDuration: UInt64
    public var maxFeeBps: UInt64
    public var referenceAmount: UInt64

    @inlinable
    public init(cliffFeeNumerator: UInt64, feeIncrementBps: UInt64, maxLimiterDuration: UInt64, maxFeeBps: UInt64, referenceAmount: UInt64) {
        self.cliffFeeNumerator = cliffFeeNumerator
        self.feeIncrementBps = feeIncrementBps
        self.maxLimiterDuration = maxLimiterDuration
        self.maxFeeBps = maxFeeBps
        self.referenceAmount = referenceAmount
    }

    /// The base fee numerator for a swap of `amount` (fee included): the cliff fee unless the
    /// limiter applies (`is_rate_limiter_applied`: non-zero parameters, quote token in, inside
    /// [activation, activation + max_limiter_duration], amount above the reference); then
    /// ceil(total fee · 1e9 / amount) with the total fee summed over the reference-sized slices.
    @inlinable
    public func feeNumerator(amount: UInt64, currentPoint: UInt64, activationPoint: UInt64, quoteIn: Bool) throws -> UInt64 {
        let cliff = cliffFeeNumerator, reference = referenceAmount
        let isZero = reference == 0 && maxLimiterDuration == 0 && maxFeeBps == 0 && feeIncrementBps == 0
        if isZero || !quoteIn || currentPoint < activationPoint { return cliff }
        if UInt128(currentPoint) > UInt128(activationPoint) + UInt128(maxLimiterDuration) { return cliff }
        if amount <= reference { return cliff }
        let d = Self.feeDenominator
        let maxFeeNumerator = maxFeeBps * d / Self.maxBasisPoint  // to_numerator
        let increment = feeIncrementBps * d / Self.maxBasisPoint
        guard maxFeeNumerator >= cliff, increment > 0, reference > 0 else { throw MathOverflow("rate limiter") }
        let maxIndex = UInt256((maxFeeNumerator - cliff) / increment)
        let c = UInt256(cliff), i = UInt256(increment), x0 = UInt256(reference)
        let excess = amount - reference
        let a = UInt256(excess / reference), b = UInt256(excess % reference)
        let one = UInt256(UInt64(1)), two = UInt256(UInt64(2))
        let total: UInt256
        if a < maxIndex {
            let n1 = c + c * a + i * a * (a + one) / two
            let n2 = c + i * (a + one)
            total = x0 * n1 + b * n2
        } else {
            let n1 = c + c * maxIndex + i * maxIndex * (maxIndex + one) / two
            let left = (a - maxIndex) * x0 + b
            total = x0 * n1 + left * UInt256(maxFeeNumerator)
        }
        let den = UInt256(d)
        guard let tradingFee = ((total + den - one) / den).asUInt64 else { throw MathOverflow("rate limiter fee") }
        guard let numerator = CheckedMulDiv.u64(tradingFee, d, amount, roundUp: true) else { throw MathOverflow("rate limiter numerator") }
        return numerator
    }
}
