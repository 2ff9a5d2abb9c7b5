import XCTest

@testable import Server

/// `/v1/health`'s `phase` through a first run: starting, validating n/m (rate and ETA of the batch),
/// starting again until a stream is live, then live (kept through a reconnect), validating again
/// when pools are added at run time.
final class StartupPhaseTests: XCTestCase {
    func testPhasesOfAFirstRunAndOfPoolsAddedLater() {
        let phase = StartupPhase()
        XCTAssertEqual(phase.read(settled: 0, total: 0, connections: (0, 0), now: 100).phase, "starting")
        let first = phase.read(settled: 0, total: 400, connections: (0, 0), now: 100)
        XCTAssertEqual(first.phase, "validating 0/400")
        XCTAssertNil(first.batch?.perSecond)
        let mid = phase.read(settled: 100, total: 400, connections: (0, 0), now: 102)
        XCTAssertEqual(mid.phase, "validating 100/400")
        XCTAssertEqual(mid.batch?.perSecond, 50)
        XCTAssertEqual(mid.batch?.etaSeconds, 6)
        XCTAssertEqual(phase.read(settled: 400, total: 400, connections: (0, 3), now: 104).phase, "starting", "validated, not yet streaming")
        XCTAssertEqual(phase.read(settled: 400, total: 400, connections: (1, 3), now: 105).phase, "live")
        XCTAssertEqual(phase.read(settled: 400, total: 400, connections: (0, 3), now: 106).phase, "live", "a reconnect is not a restart")
        // Ten pools added at run time: a new batch, its own rate.
        XCTAssertEqual(phase.read(settled: 400, total: 410, connections: (3, 3), now: 200).phase, "validating 400/410")
        let added = phase.read(settled: 405, total: 410, connections: (3, 3), now: 201)
        XCTAssertEqual(added.batch?.perSecond, 5)
        XCTAssertEqual(added.batch?.etaSeconds, 1)
        XCTAssertEqual(phase.read(settled: 410, total: 410, connections: (3, 3), now: 202).phase, "live")
        XCTAssertEqual(phase.read(settled: 3, total: 3, connections: nil, now: 1).phase, "live", "no ingestion: nothing to wait for")
    }
}
