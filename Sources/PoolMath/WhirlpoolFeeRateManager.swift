// Orca Whirlpool adaptive fee, from orca-so/whirlpools `programs/whirlpool/src` @630c0e01:
// manager/fee_rate_manager.rs and state/oracle.rs (`AdaptiveFeeConstants`, `AdaptiveFeeVariables`).

/// `FeeRateManager::Adaptive` (manager/fee_rate_manager.rs) with the Oracle's
/// `AdaptiveFeeConstants` / `AdaptiveFeeVariables` (state/oracle.rs): a volatility fee on top of
/// the static rate, recomputed per tick group the price crosses. Static pools use no manager.
public struct WhirlpoolFeeRateManager {
    public static let volatilityScale: UInt64 = 10_000  // VOLATILITY_ACCUMULATOR_SCALE_FACTOR
    public static let reductionDenominator: UInt64 = 10_000  // REDUCTION_FACTOR_DENOMINATOR
    public static let controlDenominator: UInt128 = 100_000  // ADAPTIVE_FEE_CONTROL_FACTOR_DENOMINATOR
    public static let maxReferenceAge: UInt64 = 3_600  // MAX_REFERENCE_AGE
    public static let feeRateHardLimit: UInt32 = 100_000  // FEE_RATE_HARD_LIMIT

    public let aToB: Bool
    public var tickGroupIndex: Int
    public let staticFeeRate: UInt16
    public let tickGroupSize: Int
    public let controlFactor: UInt32
    public let maxVolatilityAccumulator: UInt32
    public var volatilityReference: UInt32
    public var tickGroupIndexReference: Int
    public var volatilityAccumulator: UInt32
    public var coreLower: (index: Int, sqrtPrice: UInt128)?
    public var coreUpper: (index: Int, sqrtPrice: UInt128)?
    /// True when `update_reference` moved the reference (the oracle then records the timestamp).
    public var referenceUpdated = false

    /// `FeeRateManager::new` including `AdaptiveFeeVariables::update_reference`.
    public init(aToB: Bool, currentTick: Int, timestamp: UInt64, staticFeeRate: UInt16, oracle o: some WhirlpoolAdaptiveFeeParameters) throws {
        guard o.tickGroupSize > 0 else { throw WhirlpoolMathError.overflow("oracle tick_group_size is 0") }
        self.aToB = aToB
        self.staticFeeRate = staticFeeRate
        tickGroupSize = Int(o.tickGroupSize)
        controlFactor = o.adaptiveFeeControlFactor
        maxVolatilityAccumulator = o.maxVolatilityAccumulator
        tickGroupIndex = WhirlpoolMath.floorDivision(currentTick, tickGroupSize)
        volatilityReference = o.volatilityReference
        tickGroupIndexReference = Int(o.tickGroupIndexReference)
        volatilityAccumulator = o.volatilityAccumulator

        // update_reference
        let maxTimestamp = max(o.lastReferenceUpdateTimestamp, o.lastMajorSwapTimestamp)
        guard timestamp >= maxTimestamp else { throw WhirlpoolMathError.overflow("oracle timestamps are in the future (InvalidTimestamp)") }
        let referenceAge = timestamp - o.lastReferenceUpdateTimestamp
        if referenceAge > Self.maxReferenceAge {
            tickGroupIndexReference = tickGroupIndex
            volatilityReference = 0
            referenceUpdated = true
        } else {
            let elapsed = timestamp - maxTimestamp
            if elapsed < UInt64(o.filterPeriod) {
                // high-frequency trading: keep the reference
            } else if elapsed < UInt64(o.decayPeriod) {
                tickGroupIndexReference = tickGroupIndex
                volatilityReference = UInt32(
                    truncatingIfNeeded: UInt64(volatilityAccumulator) * UInt64(o.reductionFactor) / Self.reductionDenominator)
                referenceUpdated = true
            } else {
                tickGroupIndexReference = tickGroupIndex
                volatilityReference = 0
                referenceUpdated = true
            }
        }

        // Core range: outside it the accumulator is pinned at its maximum, so steps may skip groups.
        guard maxVolatilityAccumulator >= volatilityReference else {
            throw WhirlpoolMathError.overflow("volatility reference above max_volatility_accumulator")
        }
        let span = UInt64(maxVolatilityAccumulator - volatilityReference)
        let delta = Int((span + Self.volatilityScale - 1) / Self.volatilityScale)  // ceil_division_u32
        let lowerIndex = tickGroupIndexReference - delta
        let upperIndex = tickGroupIndexReference + delta
        let lowerTick = lowerIndex * tickGroupSize
        let upperTick = upperIndex * tickGroupSize + tickGroupSize
        coreLower = lowerTick > WhirlpoolMath.minTick ? (lowerIndex, WhirlpoolMath.sqrtPrice(atTick: lowerTick)) : nil
        coreUpper = upperTick < WhirlpoolMath.maxTick ? (upperIndex, WhirlpoolMath.sqrtPrice(atTick: upperTick)) : nil
    }

    /// `AdaptiveFeeVariables::update_volatility_accumulator`.
    @inlinable public mutating func updateVolatilityAccumulator() {
        let indexDelta = UInt64((tickGroupIndexReference - tickGroupIndex).magnitude)
        let (scaled, o1) = indexDelta.multipliedReportingOverflow(by: Self.volatilityScale)
        let (acc, o2) = UInt64(volatilityReference).addingReportingOverflow(scaled)
        volatilityAccumulator = (o1 || o2) ? maxVolatilityAccumulator : UInt32(min(acc, UInt64(maxVolatilityAccumulator)))
    }

    /// `get_total_fee_rate` + `compute_adaptive_fee_rate`: ceil(control · (acc·group)² / (1e5·1e4·1e4)), capped.
    @inlinable public func totalFeeRate() throws -> UInt32 {
        let crossed = UInt64(volatilityAccumulator) * UInt64(tickGroupSize)
        guard crossed <= UInt64(UInt32.max) else { throw WhirlpoolMathError.overflow("compute_adaptive_fee_rate crossed (u32)") }
        let squared = UInt128(crossed * crossed)
        let numerator = UInt128(controlFactor) * squared
        let denominator = Self.controlDenominator * 10_000 * 10_000
        let adaptive = numerator / denominator + (numerator % denominator == 0 ? 0 : 1)
        let adaptiveRate = UInt32(min(adaptive, UInt128(Self.feeRateHardLimit)))
        return min(UInt32(staticFeeRate) + adaptiveRate, Self.feeRateHardLimit)
    }

    /// `get_bounded_sqrt_price_target`: stop at the current tick group's edge so the fee can be
    /// recomputed; the Bool says the per-group update is skipped (outside the core range).
    @inlinable public func boundedTarget(_ sqrtPrice: UInt128, liquidity: UInt128) -> (UInt128, Bool) {
        if controlFactor == 0 || liquidity == 0 { return (sqrtPrice, true) }
        if let lower = coreLower, tickGroupIndex < lower.index {
            return aToB ? (sqrtPrice, true) : (min(sqrtPrice, lower.sqrtPrice), true)
        }
        if let upper = coreUpper, tickGroupIndex > upper.index {
            return aToB ? (max(sqrtPrice, upper.sqrtPrice), true) : (sqrtPrice, true)
        }
        let boundaryTick = aToB ? tickGroupIndex * tickGroupSize : tickGroupIndex * tickGroupSize + tickGroupSize
        let boundary = WhirlpoolMath.sqrtPrice(atTick: boundaryTick)  // clamped to [MIN, MAX] as in the program
        return aToB ? (max(sqrtPrice, boundary), false) : (min(sqrtPrice, boundary), false)
    }

    /// `advance_tick_group`.
    @inlinable public mutating func advanceTickGroup() { tickGroupIndex += aToB ? -1 : 1 }

    /// `advance_tick_group_after_skip`: jump to the group the price actually reached.
    @inlinable public mutating func advanceTickGroupAfterSkip(sqrtPrice: UInt128, nextTickSqrtPrice: UInt128, nextTickIndex: Int) {
        let tickIndex: Int
        let onBoundary: Bool
        if sqrtPrice == nextTickSqrtPrice {
            tickIndex = nextTickIndex
            onBoundary = nextTickIndex % tickGroupSize == 0
        } else {
            tickIndex = WhirlpoolMath.tickIndex(fromSqrtPrice: sqrtPrice)
            onBoundary = tickIndex % tickGroupSize == 0 && sqrtPrice == WhirlpoolMath.sqrtPrice(atTick: tickIndex)
        }
        let lastTraversed = onBoundary && !aToB ? tickIndex / tickGroupSize - 1 : WhirlpoolMath.floorDivision(tickIndex, tickGroupSize)
        if (aToB && lastTraversed < tickGroupIndex) || (!aToB && lastTraversed > tickGroupIndex) {
            tickGroupIndex = lastTraversed
            updateVolatilityAccumulator()
        }
        tickGroupIndex += aToB ? -1 : 1
    }

    /// state/oracle.rs `is_major_swap`: the price moved by at least `major_swap_threshold_ticks`
    /// (the larger sqrt price ≥ the smaller × sqrt_price(threshold) >> 64).
    public static func isMajorSwap(_ pre: UInt128, _ post: UInt128, thresholdTicks: UInt16) -> Bool {
        let (smaller, larger) = pre < post ? (pre, post) : (post, pre)
        let factor = WhirlpoolMath.sqrtPrice(atTick: Int(thresholdTicks))
        let target = BigNat(smaller) * BigNat(factor) / BigNat(limbs: [0, 1])  // mul_shr(…, 64)
        return !(BigNat(larger) < target)
    }
}
