import App
import XCTest

final class HeapTrimTests: XCTestCase {
    /// Trims only after growth past the allowance; the level after a trim, or any lower reading,
    /// becomes the baseline, so a steady heap is never trimmed twice for the same bytes.
    func testTrimsAfterGrowthOnlyAndFollowsTheLevel() {
        var policy = HeapTrim.Policy(growthMB: 16, baselineMB: 100)
        XCTAssertFalse(policy.shouldTrim(residentMB: 110))
        XCTAssertFalse(policy.shouldTrim(residentMB: 116))
        XCTAssertTrue(policy.shouldTrim(residentMB: 130))
        policy.trimmed(residentMB: 112)
        XCTAssertEqual(policy.baselineMB, 112)
        XCTAssertFalse(policy.shouldTrim(residentMB: 125), "within 16 MB of the level after the trim")
        XCTAssertFalse(policy.shouldTrim(residentMB: 95))
        XCTAssertEqual(policy.baselineMB, 95, "a lower reading lowers the baseline")
        XCTAssertTrue(policy.shouldTrim(residentMB: 112))
    }

    func testResidentMemoryIsReadFromProc() throws {
        let mb = try XCTUnwrap(HeapTrim.residentMB())
        XCTAssertGreaterThan(mb, 1)
        XCTAssertLessThan(mb, 64 * 1024)
    }
}
