import PoolMath
import XCTest

/// UInt256 against BigNat (an independent, array-based implementation) on random operands,
/// including the 512-bit intermediate of mulDiv.
final class UInt256Tests: XCTestCase {
    var rng = SystemRandomNumberGenerator()

    func random256() -> UInt256 {
        // Mixed magnitudes: many values in 64/128/192-bit ranges, where carries and Knuth's
        // correction steps happen.
        let limbs = Int.random(in: 1...4, using: &rng)
        var l = [UInt64](repeating: 0, count: 4)
        for i in 0..<limbs { l[i] = Bool.random(using: &rng) ? .random(in: 0...UInt64.max, using: &rng) : .max - .random(in: 0...3, using: &rng) }
        return UInt256(limbs: l)!
    }

    func testMulDivMatchesBigNat() {
        for _ in 0..<3_000 {
            let a = random256(), b = random256()
            var c = random256()
            if c.isZero { c = UInt256.one }
            let exact = BigNat(a) * BigNat(b)
            let (q, r) = exact.quotientAndRemainder(dividingBy: BigNat(c))
            let down = UInt256.mulDiv(a, b, c, roundUp: false)
            let up = UInt256.mulDiv(a, b, c, roundUp: true)
            if q.limbs.count > 4 {
                XCTAssertNil(down)
            } else {
                XCTAssertEqual(down.map { BigNat($0) }, q)
                let qUp = r.isZero ? q : q + BigNat(1)
                if qUp.limbs.count <= 4 { XCTAssertEqual(up.map { BigNat($0) }, qUp) }
            }
        }
    }

    func testDivisionAndShifts() {
        for _ in 0..<500 {
            let a = random256()
            var d = random256()
            if d.isZero { d = UInt256.one }
            let (q, r) = a.quotientAndRemainder(dividingBy: d)!
            XCTAssertEqual(BigNat(q) * BigNat(d) + BigNat(r), BigNat(a))
            XCTAssertTrue(r < d)
            let s = Int.random(in: 0..<256, using: &rng)
            var pow2 = BigNat(1)
            for _ in 0..<s { pow2 = pow2 * BigNat(2) }
            XCTAssertEqual(BigNat(a >> s), BigNat(a) / pow2)
            var mod256 = BigNat(1)
            for _ in 0..<256 { mod256 = mod256 * BigNat(2) }
            XCTAssertEqual(BigNat(a << s), (BigNat(a) * pow2) % mod256)
        }
        XCTAssertNil(UInt256.one.quotientAndRemainder(dividingBy: .zero))
        XCTAssertNil(UInt256.mulDiv(.one, .one, .zero, roundUp: false))
        XCTAssertNil(UInt256.max.adding(.one))
        XCTAssertNil(UInt256.zero.subtracting(.one))
        XCTAssertNil(UInt256.max.multiplied(by: UInt256(UInt64(2))))
    }

    func testRatioDecimalStrings() {
        XCTAssertEqual(Ratio(1, 3).decimalString(significant: 5), "0.33333")
        XCTAssertEqual(Ratio(2, 3).decimalString(significant: 5), "0.66667")
        XCTAssertEqual(Ratio(5, 2).decimalString(significant: 1), "2")  // half-even
        XCTAssertEqual(Ratio(7, 2).decimalString(significant: 1), "4")
        XCTAssertEqual(Ratio(12345, 1).decimalString(significant: 3), "12300")
        XCTAssertEqual(Ratio(1, 1000).decimalString(significant: 3), "0.001")
        XCTAssertEqual(Ratio(1, 0).decimalString(), "NaN")
        XCTAssertEqual(Ratio(0, 7).decimalString(), "0")
        XCTAssertEqual(Ratio(1, 8).scaled(byPow10: 3).decimalString(), "125")
        XCTAssertEqual(BigNat("340282366920938463463374607431768211456")!.description, "340282366920938463463374607431768211456")
    }

    /// The limb-wise Double of a 256-bit ratio (CLMM/Whirlpool sqrt prices squared) agrees with the
    /// exact decimal expansion to 1e-14 relative, over the whole sqrt-price range and decimal shifts.
    func testDoubleValueOfWideRatiosMatchesTheExactDecimal() {
        var rng = SystemRandomNumberGenerator()
        let sqrtPrices: [UInt128] =
            [4_295_048_016, 79_226_673_521_066_979_257_578_248_091, UInt128(1) << 64, UInt128(1) << 100]
            + (0..<300).map { _ in UInt128.random(in: 4_295_048_016...79_226_673_521_066_979_257_578_248_091, using: &rng) }
        for sp in sqrtPrices {
            for shift in [-12, -3, 0, 3, 9] {
                let r = Ratio.squaredQ64(sp).scaled(byPow10: shift)
                let exact = Double(r.decimalString(significant: 25))!
                XCTAssertEqual(r.doubleValue, exact, accuracy: exact * 1e-14, "sqrt price \(sp), shift \(shift)")
                XCTAssertEqual(r.inverted.doubleValue, 1 / exact, accuracy: (1 / exact) * 1e-14, "inverted, sqrt price \(sp)")
            }
        }
        // Big ratios (exact ROI, DAMM v1 stable prices) take the limb-wise path too.
        for _ in 0..<300 {
            let n = BigNat(UInt64.random(in: 1...UInt64.max, using: &rng)) * BigNat.pow10(Int.random(in: 0...40, using: &rng))
            let d = BigNat(UInt64.random(in: 1...UInt64.max, using: &rng)) * BigNat.pow10(Int.random(in: 0...40, using: &rng))
            let r = Ratio(num: n, den: d), exact = Double(r.decimalString(significant: 25))!
            XCTAssertEqual(r.doubleValue, exact, accuracy: exact * 1e-14, "\(n) / \(d)")
        }
    }

    /// floor(√n): fixed points from Python's `math.isqrt`, then the defining property
    /// r² ≤ n < (r + 1)² on random operands (checked with BigNat).
    func testSquareRoot() {
        let pinned: [(UInt256, UInt256)] = [
            (.zero, .zero), (UInt256(UInt64(1)), UInt256(UInt64(1))), (UInt256(UInt64(3)), UInt256(UInt64(1))),
            (UInt256(UInt64(4)), UInt256(UInt64(2))), (UInt256(UInt64(17)), UInt256(UInt64(4))),
            (UInt256(UInt64.max), UInt256(UInt64(4_294_967_295))),
            (UInt256.one << 128, UInt256.one << 64),
            ((UInt256.one << 192) - UInt256.one, UInt256(UInt128(79_228_162_514_264_337_593_543_950_335))),
            (.max, UInt256(UInt128.max)),
        ]
        for (n, r) in pinned { XCTAssertEqual(n.squareRoot, r, "\(n)") }
        for _ in 0..<2_000 {
            let n = random256(), r = n.squareRoot
            XCTAssertLessThanOrEqual(BigNat(r) * BigNat(r), BigNat(n))
            let next = BigNat(r) + BigNat(1)
            XCTAssertGreaterThan(next * next, BigNat(n))
        }
    }
}
