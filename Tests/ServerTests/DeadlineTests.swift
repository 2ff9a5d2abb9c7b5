import Foundation
import Persistence
import XCTest

/// `Deadline.run` answers by its deadline even when the operation ignores cancellation (a request
/// queued on a dead PostgreSQL pool does): a flush must never hang on the database.
final class DeadlineTests: XCTestCase {
    func testTimeoutReturnsWhileTheOperationIgnoresCancellation() async throws {
        let began = Date()
        do {
            _ = try await Deadline.run("stuck", seconds: 0.2) { () async throws -> Int in
                Thread.sleep(forTimeInterval: 3)  // blocks, deaf to cancellation
                return 1
            }
            XCTFail("no timeout")
        } catch let e as PersistenceError {
            guard case .timeout(let op, _) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(op, "stuck")
        }
        XCTAssertLessThan(Date().timeIntervalSince(began), 2.0, "waited for the operation instead of the deadline")
    }

    func testFastOperationsAndTheirErrorsPassThrough() async throws {
        let v = try await Deadline.run("fast", seconds: 5) { 42 }
        XCTAssertEqual(v, 42)
        struct Boom: Error {}
        do {
            _ = try await Deadline.run("fails", seconds: 5) { () async throws -> Int in throw Boom() }
            XCTFail("no error")
        } catch is Boom {}
    }
}
