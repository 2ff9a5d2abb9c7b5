/// An exact non-negative rational, used for prices: `num / den`, printed as a decimal
/// string with a fixed number of significant digits (floats only for display, never in math).
///
/// ```swift
/// let p = Ratio(num: BigNat(reservePc), den: BigNat(reserveCoin)).scaled(byPow10: 9 - 6)
/// p.decimalString()      // "81.591509679518047177239761313442678950622257037349"
/// ```
public struct Ratio: Sendable, Equatable, CustomStringConvertible {
    public var num: BigNat
    public var den: BigNat

    public init(num: BigNat, den: BigNat) { self.num = num; self.den = den }
    public init(_ num: UInt64, _ den: UInt64) { self.init(num: BigNat(num), den: BigNat(den)) }

    /// Multiplies by 10^k (k may be negative).
    public func scaled(byPow10 k: Int) -> Ratio {
        k >= 0 ? Ratio(num: num * BigNat.pow10(k), den: den) : Ratio(num: num, den: den * BigNat.pow10(-k))
    }
    public var inverted: Ratio { Ratio(num: den, den: num) }
    public var isDefined: Bool { !den.isZero }

    /// Decimal with `significant` significant digits, rounded half-to-even (as Python's
    /// `decimal` module), without exponent notation. "NaN" when the denominator is zero.
    public func decimalString(significant: Int = 50) -> String {
        if den.isZero { return "NaN" }
        if num.isZero { return "0" }
        let intPart = num / den
        let intDigits = intPart.isZero ? 0 : intPart.description.count
        // Leading zeros after the point when value < 1.
        var scale: Int
        if intDigits > 0 {
            scale = significant - intDigits
        } else {
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

    public var doubleValue: Double { Double(decimalString(significant: 20)) ?? .nan }
    public var description: String { decimalString() }
}
