/// Two-coin StableSwap (Curve) invariant math exactly as mercurial-finance/stable-swap
/// `stable-swap-math/src/curve.rs` @140c2e0 (`compute_d2`, `compute_y_raw2`, `swap_to2`), which Meteora
/// DAMM v1 stable pools use. Intermediates are `U192` there: every product / sum that would not fit in
/// 192 bits returns nil, as the Rust `checked_*` calls do.
///
/// ```swift
/// let curve = StableSwapMath(amp: 8000)
/// let out = curve.swapOut(sourceAmount: 1_000_000, swapSource: 147_382_201_812, swapDestination: 861_412_784_535)
/// ```
public struct StableSwapMath: Sendable {
    /// Amplification coefficient (no ramp: the quote crate builds `StableSwap::new(amp, amp, 0, 0, 0)`).
    public var amp: UInt64
    static let nCoins: UInt64 = 2
    static let limit = UInt256.one << 192

    public init(amp: UInt64) { self.amp = amp }

    @inline(__always) static func fit(_ v: UInt256?) -> UInt256? {
        guard let v, v < limit else { return nil }
        return v
    }
    @inline(__always) static func mul(_ a: UInt256, _ b: UInt256) -> UInt256? { fit(a.multiplied(by: b)) }
    @inline(__always) static func add(_ a: UInt256, _ b: UInt256) -> UInt256? { fit(a.adding(b)) }
    @inline(__always) static func div(_ a: UInt256, _ b: UInt256) -> UInt256? { a.quotientAndRemainder(dividingBy: b)?.quotient }

    /// `compute_next_d2`: D' = D (D_P n + S Ann) / (D (Ann − 1) + (n + 1) D_P).
    func nextD(ann: UInt64, d: UInt256, dProd: UInt256, sumX: UInt128) -> UInt256? {
        let (leverage, o) = sumX.multipliedReportingOverflow(by: UInt128(ann))
        guard !o, ann >= 1 else { return nil }
        guard let dp2 = Self.mul(dProd, UInt256(Self.nCoins)), let inner = Self.add(dp2, UInt256(leverage)),
            let num = Self.mul(d, inner),
            let d1 = Self.mul(d, UInt256(ann - 1)), let dp3 = Self.mul(dProd, UInt256(Self.nCoins + 1)),
            let den = Self.add(d1, dp3)
        else { return nil }
        return Self.div(num, den)
    }

    /// `compute_d2`: Newton iteration for the invariant D (at most 256 rounds, stop when |ΔD| ≤ 1).
    public func computeD(_ amountA: UInt128, _ amountB: UInt128) -> UInt256? {
        let (sum, o) = amountA.addingReportingOverflow(amountB)
        guard !o else { return nil }
        if sum == 0 { return .zero }
        let (ann, o1) = amp.multipliedReportingOverflow(by: Self.nCoins)
        let (a2, o2) = amountA.multipliedReportingOverflow(by: 2)
        let (b2, o3) = amountB.multipliedReportingOverflow(by: 2)
        guard !(o1 || o2 || o3) else { return nil }
        var d = UInt256(sum)
        for _ in 0..<256 {
            guard let p1 = Self.mul(d, d), let q1 = Self.div(p1, UInt256(a2)),
                let p2 = Self.mul(q1, d), let dProd = Self.div(p2, UInt256(b2))
            else { return nil }
            let prev = d
            guard let next = nextD(ann: ann, d: d, dProd: dProd, sumX: sum) else { return nil }
            d = next
            if d > prev {
                if d - prev <= .one { break }
            } else if prev - d <= .one {
                break
            }
        }
        return d
    }

    /// `compute_y_raw2`: the other balance y given balance x and invariant D.
    public func computeY(_ x: UInt128, _ d: UInt256) -> UInt256? {
        let (ann, o1) = amp.multipliedReportingOverflow(by: Self.nCoins)
        let (x2, o2) = x.multipliedReportingOverflow(by: 2)
        let (ann2, o3) = ann.multipliedReportingOverflow(by: Self.nCoins)
        guard !(o1 || o2 || o3) else { return nil }
        guard let dd = Self.mul(d, d), let c0 = Self.div(dd, UInt256(x2)), let c1 = Self.mul(c0, d),
            let c = Self.div(c1, UInt256(ann2)),
            let dOverAnn = Self.div(d, UInt256(ann)), let b = Self.add(dOverAnn, UInt256(x))
        else { return nil }
        var y = d
        for _ in 0..<256 {
            let prev = y
            guard let y2 = Self.mul(y, y), let num = Self.add(y2, c),
                let twoY = Self.mul(y, UInt256(UInt64(2))), let t = Self.add(twoY, b),
                let den = t.subtracting(d), let next = Self.div(num, den)
            else { return nil }
            y = next
            if y > prev {
                if y - prev <= .one { break }
            } else if prev - y <= .one {
                break
            }
        }
        return y
    }

    /// `swap_to2` with zero fees (as the DAMM v1 quote calls it): dy = dest − y(src + in, D) − 1.
    public func swapOut(sourceAmount: UInt128, swapSource: UInt128, swapDestination: UInt128) -> UInt128? {
        let (newSource, o) = swapSource.addingReportingOverflow(sourceAmount)
        guard !o, let d = computeD(swapSource, swapDestination), let yBig = computeY(newSource, d),
            let y = yBig.asUInt128, swapDestination > y
        else { return nil }
        return swapDestination - y - 1
    }
}
