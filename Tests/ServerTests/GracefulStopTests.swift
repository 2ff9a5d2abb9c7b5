import Cache
import Foundation
import HummingbirdWSClient
import Logging
import RPC
import Server
import XCTest

/// Stopping the API (Ctrl-C, SIGTERM, a failed sibling) is a graceful shutdown bounded by a grace
/// period, never an unbounded wait: with a `/v1/stream` client that would never leave, the
/// listener closes, the client's connection ends, and `run` returns well within the grace period.
final class GracefulStopTests: XCTestCase {
    func testStopWithAStreamClientThatNeverLeavesEndsWithinTheGracePeriod() async throws {
        let store = Feed.store(from: try Feed.cluster())
        let running = try await RunningServer(store: store, settings: .init(port: 0))
        let port = running.port
        let hello = Flag(), closed = Flag()
        let client = Task {
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/v1/stream", logger: Logger(label: "test")) { inbound, _, _ in
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    if case .text(let text) = message, text.contains(#""type":"hello""#) { hello.set() }
                }
                closed.set()
            }
        }
        defer { client.cancel() }
        let deadline = Date().addingTimeInterval(10)
        while !hello.isSet && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        XCTAssertTrue(hello.isSet, "the stream said hello")
        XCTAssertTrue(LoopbackPort.isListening(port))

        let started = Date()
        await running.stop()
        let took = Date().timeIntervalSince(started)
        XCTAssertLessThan(took, 8, "stop took \(took) s with a stream client connected (grace is 3 s)")
        XCTAssertFalse(LoopbackPort.isListening(port), "the listener is closed")
        let closedBy = Date().addingTimeInterval(5)
        while !closed.isSet && Date() < closedBy { try await Task.sleep(for: .milliseconds(20)) }
        XCTAssertTrue(closed.isSet, "the stream client saw its connection end")
    }
}
