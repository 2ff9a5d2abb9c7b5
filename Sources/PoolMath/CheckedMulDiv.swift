// meteora damm-v2 @a3d3827 programs/cp-amm/src/utils_math.rs `safe_mul_div_cast_u64`: a u64
// product over a u64 divisor in a u128 intermediate, rounded down or up, cast back to u64.

/// x · y / d in u128 with the chosen rounding, when d > 0 and the result fits in u64.
///
/// ```swift
/// CheckedMulDiv.u64(7, 3, 2, roundUp: true)    // 11
/// CheckedMulDiv.u64(7, 3, 0, roundUp: false)   // nil
/// ```
public enum CheckedMulDiv {
    @inlinable
    public static func u64(_ x: UInt64, _ y: UInt64, _ d: UInt64, roundUp: Bool) -> UInt64? {
        guard d > 0 else { return nil }
        let p = UInt128(x) * UInt128(y)
        let q = roundUp ? (p + UInt128(d) - 1) / UInt128(d) : p / UInt128(d)
        return q <= UInt128(UInt64.max) ? UInt64(q) : nil
    }
}
