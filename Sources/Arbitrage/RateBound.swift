import PoolMath

/// Exchange rates in raw base units as unsigned Q64.64 fixed point, used only to prune cycles that
/// cannot be profitable (never to compute a reported amount). Every operation rounds up and
/// saturates, so a product of bounds is never below the true product.
///
/// ```swift
/// let r = RateBound.up(num: BigNat(81_000_000), den: BigNat(1_000_000_000))  // USDC raw per lamport
/// RateBound.mulUp(r, RateBound.up(num: BigNat(1_000_000_000), den: BigNat(80_000_000))) > RateBound.one // true
/// ```
public enum RateBound {
    public static let one: UInt128 = 1 << 64
    /// "Unknown": never prunes.
    public static let unbounded: UInt128 = .max

    /// ceil(a × b / 2^64), saturating at `unbounded`.
    @inline(__always)
    public static func mulUp(_ a: UInt128, _ b: UInt128) -> UInt128 {
        let (high, low) = a.multipliedFullWidth(by: b)
        if high >> 64 != 0 { return unbounded }
        let r = (high << 64) | (low >> 64)
        if low & 0xFFFF_FFFF_FFFF_FFFF != 0 { return r == unbounded ? unbounded : r + 1 }
        return r
    }

    /// ceil(num × 2^64 / den); `unbounded` when den is zero or the value does not fit.
    public static func up(num: BigNat, den: BigNat) -> UInt128 {
        if den.isZero { return unbounded }
        let (q, r) = (num * BigNat(one)).quotientAndRemainder(dividingBy: den)
        guard let v = toUInt128(q) else { return unbounded }
        return r.isZero ? v : (v == unbounded ? unbounded : v + 1)
    }

    /// floor(num × 2^64 / den); `unbounded` when den is zero or the value does not fit.
    public static func down(num: BigNat, den: BigNat) -> UInt128 {
        if den.isZero { return unbounded }
        return toUInt128((num * BigNat(one)) / den) ?? unbounded
    }

    static func toUInt128(_ n: BigNat) -> UInt128? {
        switch n.limbs.count {
        case 0: return 0
        case 1: return UInt128(n.limbs[0])
        case 2: return UInt128(n.limbs[1]) << 64 | UInt128(n.limbs[0])
        default: return nil
        }
    }

    /// ceil(amount × rate / 2^64) as a u64, saturating (converts costs between mints).
    public static func convertUp(_ amount: UInt64, rate: UInt128) -> UInt64 {
        let (high, low) = UInt128(amount).multipliedFullWidth(by: rate)
        if high != 0 { return .max }
        var q = low >> 64
        if low & 0xFFFF_FFFF_FFFF_FFFF != 0 { q += 1 }
        return q > UInt128(UInt64.max) ? .max : UInt64(q)
    }

    /// floor(amount × rate / 2^64) as a u64, saturating.
    public static func convertDown(_ amount: UInt64, rate: UInt128) -> UInt64 {
        let (high, low) = UInt128(amount).multipliedFullWidth(by: rate)
        if high != 0 { return .max }
        let q = low >> 64
        return q > UInt128(UInt64.max) ? .max : UInt64(q)
    }
}
