// The volatility state of a bin-step (liquidity book) pool, from MeteoraAg/dlmm-sdk (v0.12.0,
// fb02e51a) commons/src/extensions/lb_pair.rs `update_references` and
// `update_volatility_accumulator`: the accumulator grows by 10_000 per bin the price has moved from
// the reference bin; the reference decays with time since the last update.

/// Volatility reference and accumulator arithmetic on plain integers (the pair's `v_parameters`
/// and `s_parameters` are decoded in Dex).
///
/// ```swift
/// let acc = BinVolatility.accumulator(volatilityReference: 5_000, indexReference: 100, activeId: 97, max: 350_000)  // 35_000
/// ```
public enum BinVolatility {
    /// The scale of one bin of movement, and the `reduction_factor` denominator (`BASIS_POINT_MAX`).
    public static let basisPointMax: UInt32 = 10_000

    /// `update_references`: at or past the filter period the reference bin becomes the active bin
    /// and the volatility reference the accumulator decayed by `reduction_factor / 10_000` (inside
    /// the decay period) or 0 (past it); inside the filter period nothing changes.
    @inlinable
    public static func references(
        elapsed: Int64, activeId: Int32, indexReference: Int32, volatilityReference: UInt32, volatilityAccumulator: UInt32,
        filterPeriod: UInt16, decayPeriod: UInt16, reductionFactor: UInt16
    ) throws -> (indexReference: Int32, volatilityReference: UInt32) {
        guard elapsed >= Int64(filterPeriod) else { return (indexReference, volatilityReference) }
        guard elapsed < Int64(decayPeriod) else { return (activeId, 0) }
        let (m, o) = volatilityAccumulator.multipliedReportingOverflow(by: UInt32(reductionFactor))
        guard !o else { throw MathOverflow("update_references volatility_reference") }
        return (activeId, m / basisPointMax)
    }

    /// `update_volatility_accumulator`: min(volatility_reference + |index_reference − active_id| · 10_000, max).
    @inlinable
    public static func accumulator(volatilityReference: UInt32, indexReference: Int32, activeId: Int32, max: UInt32) -> UInt32 {
        let delta = UInt64((Int64(indexReference) - Int64(activeId)).magnitude)
        return UInt32(Swift.min(UInt64(volatilityReference) + delta * UInt64(basisPointMax), UInt64(max)))
    }
}
