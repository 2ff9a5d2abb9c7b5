// orca-so/whirlpools @630c0e01 programs/whirlpool/src/state/oracle.rs.

/// What the adaptive fee reads from a Whirlpool Oracle account (`AdaptiveFeeConstants`,
/// `AdaptiveFeeVariables`).
public protocol WhirlpoolAdaptiveFeeParameters {
    var filterPeriod: UInt16 { get }
    var decayPeriod: UInt16 { get }
    var reductionFactor: UInt16 { get }
    var adaptiveFeeControlFactor: UInt32 { get }
    var maxVolatilityAccumulator: UInt32 { get }
    var tickGroupSize: UInt16 { get }
    var lastReferenceUpdateTimestamp: UInt64 { get }
    var lastMajorSwapTimestamp: UInt64 { get }
    var volatilityReference: UInt32 { get }
    var tickGroupIndexReference: Int32 { get }
    var volatilityAccumulator: UInt32 { get }
}
