// The volatility (variable) fee of bin-step pools: MeteoraAg/dlmm-sdk (v0.12.0, fb02e51a)
// commons/src/extensions/lb_pair.rs `compute_variable_fee` and MeteoraAg/damm-v2 @a3d3827
// programs/cp-amm/src/state/fee.rs `DynamicFeeStruct::get_variable_fee` compute the same
// checked-u128 formula.

/// ceil(variable_fee_control · (volatility_accumulator · bin_step)² / 1e11), in 1e9 fee units.
///
/// ```swift
/// VariableFee.numerator(volatilityAccumulator: 700_000, binStep: 1, variableFeeControl: 956)   // 4_685
/// ```
public enum VariableFee {
    /// nil where the program's checked u128 arithmetic fails.
    @inlinable
    public static func numerator(volatilityAccumulator: UInt128, binStep: UInt16, variableFeeControl: UInt32) -> UInt128? {
        let (vb, o1) = volatilityAccumulator.multipliedReportingOverflow(by: UInt128(binStep))
        let (sq, o2) = vb.multipliedReportingOverflow(by: vb)
        let (v, o3) = sq.multipliedReportingOverflow(by: UInt128(variableFeeControl))
        let (v2, o4) = v.addingReportingOverflow(99_999_999_999)
        guard !(o1 || o2 || o3 || o4) else { return nil }
        return v2 / 100_000_000_000
    }
}
