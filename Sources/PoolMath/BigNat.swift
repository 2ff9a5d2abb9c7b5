/// Arbitrary-precision natural number, for exact display of prices (ratios with 10^k and
/// 2^128 factors) and for test oracles. Not used on the quote hot path.
public struct BigNat: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public private(set) var limbs: [UInt64]

    public init(limbs: [UInt64]) { self.limbs = LimbDivision.trim(limbs) }
    public init(_ v: UInt64) { self.init(limbs: [v]) }
    public init(_ v: UInt128) { self.init(limbs: [UInt64(truncatingIfNeeded: v), UInt64(truncatingIfNeeded: v >> 64)]) }
    public init(_ v: UInt256) { self.init(limbs: v.limbs) }
    public init(integerLiteral v: UInt64) { self.init(v) }
    public init?(_ decimal: String) {
        guard !decimal.isEmpty, decimal.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        var r = BigNat(0)
        for c in decimal.utf8 { r = r * BigNat(10) + BigNat(UInt64(c - 48)) }
        self = r
    }

    public var isZero: Bool { limbs.isEmpty }

    public static func + (a: BigNat, b: BigNat) -> BigNat {
        var out = [UInt64](repeating: 0, count: Swift.max(a.limbs.count, b.limbs.count) + 1)
        var carry: UInt64 = 0
        for i in 0..<(out.count - 1) {
            let x = i < a.limbs.count ? a.limbs[i] : 0, y = i < b.limbs.count ? b.limbs[i] : 0
            let (s1, o1) = x.addingReportingOverflow(y)
            let (s2, o2) = s1.addingReportingOverflow(carry)
            out[i] = s2; carry = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        out[out.count - 1] = carry
        return BigNat(limbs: out)
    }
    /// Saturates at zero (display code never subtracts a larger number).
    public static func - (a: BigNat, b: BigNat) -> BigNat {
        if a <= b { return 0 }
        var out = a.limbs
        var borrow: UInt64 = 0
        for i in 0..<out.count {
            let y = i < b.limbs.count ? b.limbs[i] : 0
            let (s1, o1) = out[i].subtractingReportingOverflow(y)
            let (s2, o2) = s1.subtractingReportingOverflow(borrow)
            out[i] = s2; borrow = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        return BigNat(limbs: out)
    }
    public static func * (a: BigNat, b: BigNat) -> BigNat { BigNat(limbs: LimbDivision.multiply(a.limbs, b.limbs)) }
    public func quotientAndRemainder(dividingBy d: BigNat) -> (quotient: BigNat, remainder: BigNat) {
        let (q, r) = LimbDivision.divmod(limbs, d.limbs)
        return (BigNat(limbs: q), BigNat(limbs: r))
    }
    public static func / (a: BigNat, b: BigNat) -> BigNat { a.quotientAndRemainder(dividingBy: b).quotient }
    public static func % (a: BigNat, b: BigNat) -> BigNat { a.quotientAndRemainder(dividingBy: b).remainder }
    public static func pow10(_ k: Int) -> BigNat {
        var r = BigNat(1)
        for _ in 0..<k { r = r * BigNat(10) }
        return r
    }
    public static func < (a: BigNat, b: BigNat) -> Bool { LimbDivision.compare(a.limbs, b.limbs) < 0 }

    public var description: String {
        if limbs.isEmpty { return "0" }
        var parts: [UInt64] = []
        var n = self
        let chunk = BigNat(10_000_000_000_000_000_000)
        while !n.isZero {
            let (q, r) = n.quotientAndRemainder(dividingBy: chunk)
            parts.append(r.limbs.first ?? 0); n = q
        }
        var s = String(parts.last!)
        for p in parts.dropLast().reversed() {
            let d = String(p)
            s += String(repeating: "0", count: 19 - d.count) + d
        }
        return s
    }
}
