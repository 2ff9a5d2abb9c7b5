import Cache
import XCTest

/// N of M, rate and ETA as the validation log lines and `/v1/health` show them.
final class ProgressRateTests: XCTestCase {
    func testRateAndETAFromDoneTotalAndElapsed() {
        let p = ProgressRate(done: 1_200, total: 5_000, elapsedSeconds: 2)
        XCTAssertEqual(p.perSecond, 600)
        // 3,800 left at 600/s is 6.33 s: rounded up.
        XCTAssertEqual(p.etaSeconds, 7)
        XCTAssertEqual(p.text, "1200 of 5000 (600/s, ETA 7 s)")
        XCTAssertEqual(ProgressRate(done: 3, total: 10, elapsedSeconds: 2).text, "3 of 10 (1.5/s, ETA 5 s)")
    }

    func testNoRateBeforeAnythingIsDoneAndZeroETAWhenDone() {
        let none = ProgressRate(done: 0, total: 40, elapsedSeconds: 3)
        XCTAssertNil(none.perSecond)
        XCTAssertNil(none.etaSeconds)
        XCTAssertEqual(none.text, "0 of 40")
        XCTAssertNil(ProgressRate(done: 5, total: 40, elapsedSeconds: 0).perSecond, "no time passed: no rate")
        XCTAssertEqual(ProgressRate(done: 40, total: 40, elapsedSeconds: 4).etaSeconds, 0)
        XCTAssertEqual(ProgressRate(done: 40, total: 40, elapsedSeconds: 4).text, "40 of 40 (10/s, ETA 0 s)")
    }
}
