/// Unsigned 256-bit integer for the programs' `U256` arithmetic (Raydium CLMM, Orca,
/// Meteora use `U256`/`U512` for `L * Δsqrt` products). Only what the pool math needs:
/// add/sub with overflow checks, full-width multiply, shifts, compare, and `mulDiv`.
///
/// ```swift
/// let q = UInt256.mulDiv(UInt256(l) << 64, UInt256(b - a), UInt256(a) * UInt256(b), roundUp: true)
/// ```
public struct UInt256: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Little-endian limbs.
    public var l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64

    public static let zero = UInt256(l0: 0, l1: 0, l2: 0, l3: 0)
    public static let max = UInt256(l0: .max, l1: .max, l2: .max, l3: .max)
    public static let one = UInt256(l0: 1, l1: 0, l2: 0, l3: 0)

    @inlinable public init(l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64) {
        self.l0 = l0; self.l1 = l1; self.l2 = l2; self.l3 = l3
    }
    @inlinable public init(_ v: UInt64) { self.init(l0: v, l1: 0, l2: 0, l3: 0) }
    @inlinable public init(_ v: UInt128) {
        self.init(l0: UInt64(truncatingIfNeeded: v), l1: UInt64(truncatingIfNeeded: v >> 64), l2: 0, l3: 0)
    }
    @inlinable public init(high: UInt128, low: UInt128) {
        self.init(
            l0: UInt64(truncatingIfNeeded: low), l1: UInt64(truncatingIfNeeded: low >> 64),
            l2: UInt64(truncatingIfNeeded: high), l3: UInt64(truncatingIfNeeded: high >> 64))
    }

    @inlinable public var low128: UInt128 { UInt128(l1) << 64 | UInt128(l0) }
    @inlinable public var high128: UInt128 { UInt128(l3) << 64 | UInt128(l2) }
    @inlinable public var isZero: Bool { l0 | l1 | l2 | l3 == 0 }
    /// The value as UInt128 when it fits.
    @inlinable public var asUInt128: UInt128? { l2 | l3 == 0 ? low128 : nil }
    @inlinable public var asUInt64: UInt64? { l1 | l2 | l3 == 0 ? l0 : nil }
    /// The value as a Double, within a few ulps (display and sorting only, never math).
    @inlinable public var approximateDouble: Double {
        ((Double(l3) * 0x1p64 + Double(l2)) * 0x1p64 + Double(l1)) * 0x1p64 + Double(l0)
    }

    public var limbs: [UInt64] { [l0, l1, l2, l3] }
    public init?(limbs: [UInt64]) {
        let t = LimbDivision.trim(limbs)
        guard t.count <= 4 else { return nil }
        let p = t + [UInt64](repeating: 0, count: 4 - t.count)
        self.init(l0: p[0], l1: p[1], l2: p[2], l3: p[3])
    }

    @inlinable public static func < (a: UInt256, b: UInt256) -> Bool {
        if a.l3 != b.l3 { return a.l3 < b.l3 }
        if a.l2 != b.l2 { return a.l2 < b.l2 }
        if a.l1 != b.l1 { return a.l1 < b.l1 }
        return a.l0 < b.l0
    }

    @inlinable public func addingReportingOverflow(_ b: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let lo = low128.addingReportingOverflow(b.low128)
        let hi1 = high128.addingReportingOverflow(b.high128)
        let hi2 = hi1.partialValue.addingReportingOverflow(lo.overflow ? 1 : 0)
        return (UInt256(high: hi2.partialValue, low: lo.partialValue), hi1.overflow || hi2.overflow)
    }
    @inlinable public func subtractingReportingOverflow(_ b: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let lo = low128.subtractingReportingOverflow(b.low128)
        let hi1 = high128.subtractingReportingOverflow(b.high128)
        let hi2 = hi1.partialValue.subtractingReportingOverflow(lo.overflow ? 1 : 0)
        return (UInt256(high: hi2.partialValue, low: lo.partialValue), hi1.overflow || hi2.overflow)
    }
    /// Checked add: nil on overflow (the programs return MathOverflow).
    @inlinable public func adding(_ b: UInt256) -> UInt256? {
        let r = addingReportingOverflow(b); return r.overflow ? nil : r.partialValue
    }
    @inlinable public func subtracting(_ b: UInt256) -> UInt256? {
        let r = subtractingReportingOverflow(b); return r.overflow ? nil : r.partialValue
    }
    /// Wrapping operators for values already known not to overflow.
    @inlinable public static func + (a: UInt256, b: UInt256) -> UInt256 { a.addingReportingOverflow(b).partialValue }
    @inlinable public static func - (a: UInt256, b: UInt256) -> UInt256 { a.subtractingReportingOverflow(b).partialValue }

    /// 256 × 256 → 512 bits as (high, low).
    @inlinable public func multipliedFullWidth(by b: UInt256) -> (high: UInt256, low: UInt256) {
        let a = [l0, l1, l2, l3], c = [b.l0, b.l1, b.l2, b.l3]
        var out = [UInt64](repeating: 0, count: 8)
        for i in 0..<4 where a[i] != 0 {
            var carry: UInt64 = 0
            for j in 0..<4 {
                let (hi, lo) = a[i].multipliedFullWidth(by: c[j])
                let (s1, o1) = lo.addingReportingOverflow(out[i + j])
                let (s2, o2) = s1.addingReportingOverflow(carry)
                out[i + j] = s2
                carry = hi &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
            }
            out[i + 4] = carry
        }
        return (UInt256(l0: out[4], l1: out[5], l2: out[6], l3: out[7]), UInt256(l0: out[0], l1: out[1], l2: out[2], l3: out[3]))
    }
    /// Checked multiply: nil when the product needs more than 256 bits.
    @inlinable public func multiplied(by b: UInt256) -> UInt256? {
        // Fast path: both fit in 128 bits.
        if l2 | l3 | b.l2 | b.l3 == 0 {
            let (h, l) = low128.multipliedFullWidth(by: b.low128)
            return UInt256(high: h, low: l)
        }
        let r = multipliedFullWidth(by: b)
        return r.high.isZero ? r.low : nil
    }
    @inlinable public static func * (a: UInt256, b: UInt256) -> UInt256 { a.multipliedFullWidth(by: b).low }

    @inlinable public static func << (a: UInt256, s: Int) -> UInt256 {
        if s <= 0 { return s == 0 ? a : a >> -s }
        if s >= 256 { return .zero }
        if s >= 128 { return UInt256(high: a.low128 << (s - 128), low: 0) }
        return UInt256(high: (a.high128 << s) | (a.low128 >> (128 - s)), low: a.low128 << s)
    }
    @inlinable public static func >> (a: UInt256, s: Int) -> UInt256 {
        if s <= 0 { return s == 0 ? a : a << -s }
        if s >= 256 { return .zero }
        if s >= 128 { return UInt256(high: 0, low: a.high128 >> (s - 128)) }
        return UInt256(high: a.high128 >> s, low: (a.low128 >> s) | (a.high128 << (128 - s)))
    }

    /// (quotient, remainder); nil when dividing by zero.
    public func quotientAndRemainder(dividingBy d: UInt256) -> (quotient: UInt256, remainder: UInt256)? {
        if d.isZero { return nil }
        if let a = asUInt128, let b = d.asUInt128 {
            let (q, r) = a.quotientAndRemainder(dividingBy: b)
            return (UInt256(q), UInt256(r))
        }
        let (q, r) = LimbDivision.divmod(limbs, d.limbs)
        return (UInt256(limbs: q)!, UInt256(limbs: r)!)
    }
    public static func / (a: UInt256, b: UInt256) -> UInt256 { a.quotientAndRemainder(dividingBy: b)!.quotient }
    public static func % (a: UInt256, b: UInt256) -> UInt256 { a.quotientAndRemainder(dividingBy: b)!.remainder }

    /// `ceil(self / d)`; nil on division by zero.
    public func divRoundingUp(_ d: UInt256) -> UInt256? {
        guard let (q, r) = quotientAndRemainder(dividingBy: d) else { return nil }
        return r.isZero ? q : q + UInt256(UInt64(1))
    }

    /// `a * b / c` with a 512-bit intermediate, rounded down or up; nil if c is zero or the
    /// result needs more than 256 bits (the programs' `mul_div_floor` / `mul_div_ceil`).
    public static func mulDiv(_ a: UInt256, _ b: UInt256, _ c: UInt256, roundUp: Bool) -> UInt256? {
        if c.isZero { return nil }
        if let p = a.multiplied(by: b) {
            return roundUp ? p.divRoundingUp(c) : p / c
        }
        let (hi, lo) = a.multipliedFullWidth(by: b)
        let (q, r) = LimbDivision.divmod(lo.limbs + hi.limbs, c.limbs)
        guard var quotient = UInt256(limbs: q) else { return nil }
        if roundUp && !r.isEmpty {
            guard let up = quotient.adding(UInt256(UInt64(1))) else { return nil }
            quotient = up
        }
        return quotient
    }

    /// Leading zero bits of the 256-bit value (256 for zero).
    @inlinable public var leadingZeroBitCount: Int {
        if l3 != 0 { return l3.leadingZeroBitCount }
        if l2 != 0 { return 64 + l2.leadingZeroBitCount }
        if l1 != 0 { return 128 + l1.leadingZeroBitCount }
        return 192 + l0.leadingZeroBitCount
    }

    /// floor(√self), digit by digit (cp-amm math/utils_math.rs `sqrt_u256`).
    public var squareRoot: UInt256 {
        if isZero { return .zero }
        var bit = UInt256.one << ((255 - leadingZeroBitCount) & ~1)
        var n = self, result = UInt256.zero
        while !bit.isZero {
            let candidate = result + bit
            if n >= candidate {
                n = n - candidate
                result = (result >> 1) + bit
            } else {
                result = result >> 1
            }
            bit = bit >> 2
        }
        return result
    }

    public var description: String { BigNat(limbs: limbs).description }
}
