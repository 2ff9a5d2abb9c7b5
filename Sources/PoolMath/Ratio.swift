/// An exact non-negative rational, used for prices: `num / den`, printed as a decimal
/// string with a fixed number of significant digits (floats only for display, never in math).
/// Small ratios (u256 over u256 times a power of ten) are stored inline so a quote's
/// before/after prices cost no heap allocation; big-number arithmetic happens only when printed.
///
/// ```swift
/// let p = Ratio(reservePc, reserveCoin).scaled(byPow10: 9 - 6)
/// p.decimalString()      // "81.591509679518047177239761313442678950622257037349"
/// ```
public struct Ratio: Sendable, Equatable, CustomStringConvertible {
    enum Storage: Sendable {
        case small(num: UInt256, den: UInt256, pow10: Int)
        case big(num: BigNat, den: BigNat)
    }
    var storage: Storage

    public init(num: BigNat, den: BigNat) { storage = .big(num: num, den: den) }
    public init(num: UInt256, den: UInt256) { storage = .small(num: num, den: den, pow10: 0) }
    public init(_ num: UInt64, _ den: UInt64) { storage = .small(num: UInt256(num), den: UInt256(den), pow10: 0) }

    /// (sqrt_price / 2^64)² for a Q64.64 sqrt price (CLMM, Whirlpool, DAMM v2): sp² / 2^128.
    public static func squaredQ64(_ sqrtPrice: UInt128) -> Ratio {
        let (hi, lo) = sqrtPrice.multipliedFullWidth(by: sqrtPrice)
        return Ratio(num: UInt256(high: hi, low: lo), den: UInt256(high: 1, low: 0))
    }
    /// A Q64.64 value as a ratio: v / 2^64.
    public static func q64(_ value: UInt128) -> Ratio { Ratio(num: UInt256(value), den: UInt256(l0: 0, l1: 1, l2: 0, l3: 0)) }

    public var num: BigNat { materialized.num }
    public var den: BigNat { materialized.den }

    var materialized: (num: BigNat, den: BigNat) {
        switch storage {
        case let .big(n, d): return (n, d)
        case let .small(n, d, e):
            return e >= 0 ? (BigNat(n) * BigNat.pow10(e), BigNat(d)) : (BigNat(n), BigNat(d) * BigNat.pow10(-e))
        }
    }

    /// Multiplies by 10^k (k may be negative).
    public func scaled(byPow10 k: Int) -> Ratio {
        switch storage {
        case let .small(n, d, e): var r = self; r.storage = .small(num: n, den: d, pow10: e + k); return r
        case let .big(n, d):
            return k >= 0 ? Ratio(num: n * BigNat.pow10(k), den: d) : Ratio(num: n, den: d * BigNat.pow10(-k))
        }
    }
    public var inverted: Ratio {
        switch storage {
        case let .small(n, d, e): var r = self; r.storage = .small(num: d, den: n, pow10: -e); return r
        case let .big(n, d): return Ratio(num: d, den: n)
        }
    }
    public var isDefined: Bool {
        switch storage {
        case let .small(_, d, _): return !d.isZero
        case let .big(_, d): return !d.isZero
        }
    }

    public static func == (a: Ratio, b: Ratio) -> Bool {
        let (an, ad) = a.materialized, (bn, bd) = b.materialized
        return an * bd == bn * ad
    }

    /// Decimal with `significant` significant digits, rounded half-to-even (as Python's
    /// `decimal` module), without exponent notation. "NaN" when the denominator is zero.
    public func decimalString(significant: Int = 50) -> String {
        let (num, den) = materialized
        if den.isZero { return "NaN" }
        if num.isZero { return "0" }
        let intPart = num / den
        let intDigits = intPart.isZero ? 0 : intPart.description.count
        var scale: Int
        if intDigits > 0 {
            scale = significant - intDigits
        } else {
            // Leading zeros after the point when value < 1.
            var z = 0
            var probe = num * BigNat(10)
            while probe < den { probe = probe * BigNat(10); z += 1 }
            scale = significant + z
        }
        var digits: BigNat
        var remainder: BigNat
        if scale >= 0 {
            (digits, remainder) = (num * BigNat.pow10(scale)).quotientAndRemainder(dividingBy: den)
        } else {
            (digits, remainder) = num.quotientAndRemainder(dividingBy: den * BigNat.pow10(-scale))
        }
        let twice = remainder * BigNat(2)
        let divisor = scale >= 0 ? den : den * BigNat.pow10(-scale)
        if twice > divisor || (twice == divisor && (digits.limbs.first ?? 0) % 2 == 1) {
            digits = digits + BigNat(1)
        }
        var s = digits.description
        if scale <= 0 { return s + String(repeating: "0", count: -scale) }
        if s.count <= scale { s = String(repeating: "0", count: scale - s.count + 1) + s }
        let cut = s.index(s.endIndex, offsetBy: -scale)
        var out = String(s[..<cut]) + "." + String(s[cut...])
        while out.hasSuffix("0") { out.removeLast() }
        if out.hasSuffix(".") { out.removeLast() }
        return out
    }

    /// Approximate value for display and sorting (never for math).
    /// Converts limb by limb (a few ulps; no big-number division, which made `/prices` and
    /// `/scan-arbitrage` spend most of their time printing prices to 20 digits only to parse them back).
    public var doubleValue: Double {
        switch storage {
        case let .small(n, d, e) where !d.isZero:
            return n.approximateDouble / d.approximateDouble * pow10Double(e)
        case let .big(n, d) where !d.isZero && n.limbs.count <= 15 && d.limbs.count <= 15:  // < 2^960: finite doubles
            return approximateDouble(n.limbs) / approximateDouble(d.limbs)
        default:
            return Double(decimalString(significant: 20)) ?? .nan
        }
    }
    public var description: String { decimalString() }
}

/// Little-endian 64-bit limbs as a Double, within a few ulps.
private func approximateDouble(_ limbs: [UInt64]) -> Double {
    limbs.reversed().reduce(0.0) { $0 * 0x1p64 + Double($1) }
}

private func pow10Double(_ e: Int) -> Double {
    var r = 1.0
    if e >= 0 { for _ in 0..<e { r *= 10 } } else { for _ in 0..<(-e) { r /= 10 } }
    return r
}
