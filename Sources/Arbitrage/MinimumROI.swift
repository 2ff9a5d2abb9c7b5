import PoolMath

/// `router.min_roi_percent`: the smallest net return on the input, in percent, that an opportunity
/// needs to be reported. The comparison is exact: the value is taken as the decimal it prints as
/// (`0.3` is 3/10, not the binary double just below it) and compared with profit × 100 / input in
/// integers, so an opportunity at exactly the threshold is reported.
///
/// ```swift
/// let min = MinimumROI(percent: 0.5)
/// min.admits(opportunity)          // opportunity.profit * 100 / opportunity.inputAmount >= 0.5
/// ```
public struct MinimumROI: Sendable, Equatable {
    /// The configured value, as given.
    public let percent: Double
    let num: BigNat
    let den: BigNat

    /// Admits everything with a non-negative return (every reported opportunity has a positive profit).
    public static let none = MinimumROI(percent: 0)

    /// `percent` must be finite and ≥ 0 (the config loader checks 0…1000); anything else admits nothing.
    public init(percent: Double) {
        self.percent = percent
        if let (n, d) = Self.exactDecimal(percent) { (num, den) = (n, d) } else { (num, den) = (BigNat(1), BigNat(0)) }
    }

    /// True when the opportunity's net ROI (profit / input × 100) is at least `percent`.
    public func admits(_ o: Opportunity) -> Bool {
        guard o.inputAmount > 0 else { return false }
        // profit × 100 / input ≥ num / den  ⇔  profit × 100 × den ≥ num × input (den = 0: nothing passes).
        guard !den.isZero else { return false }
        return !(BigNat(o.profit) * BigNat(100) * den < num * BigNat(o.inputAmount))
    }

    /// The double's shortest decimal form (`description`: "0.3", "1e-05", "12.5") as num / den.
    static func exactDecimal(_ v: Double) -> (BigNat, BigNat)? {
        guard v.isFinite, v >= 0 else { return nil }
        let text = v.description.lowercased()
        let parts = text.split(separator: "e", omittingEmptySubsequences: false)
        guard let mantissa = parts.first, parts.count <= 2 else { return nil }
        var exponent = 0
        if parts.count == 2 { guard let e = Int(parts[1]) else { return nil }; exponent = e }
        let pieces = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count <= 2 else { return nil }
        let fraction = pieces.count == 2 ? String(pieces[1]) : ""
        guard let digits = BigNat(String(pieces[0]) + fraction) else { return nil }
        let scale = fraction.count - exponent
        return scale >= 0 ? (digits, BigNat.pow10(scale)) : (digits * BigNat.pow10(-scale), BigNat(1))
    }
}
