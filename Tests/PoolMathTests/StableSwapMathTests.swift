import PoolMath
import XCTest

/// StableSwap invariant sanity checks (mercurial stable-swap curve.rs semantics).
final class StableSwapMathTests: XCTestCase {
    func testBalancedPoolInvariantIsSumAndSwapIsNearOneToOne() throws {
        let curve = StableSwapMath(amp: 100)
        // For x == y the invariant D is exactly x + y.
        XCTAssertEqual(curve.computeD(1_000_000, 1_000_000), UInt256(UInt64(2_000_000)))
        let out = try XCTUnwrap(curve.swapOut(sourceAmount: 1_000, swapSource: 1_000_000_000, swapDestination: 1_000_000_000))
        XCTAssertLessThan(out, 1_000)
        XCTAssertGreaterThan(out, 990)
    }

    func testEmptySideFailsInsteadOfTrapping() {
        let curve = StableSwapMath(amp: 100)
        XCTAssertNil(curve.computeD(0, 1_000))
        XCTAssertNil(curve.swapOut(sourceAmount: 1, swapSource: 0, swapDestination: 0))
    }
}
