import Foundation
import IngestTestSupport
import NATS
import XCTest

/// The client against a real nats-server: publish/subscribe with headers, request/reply, the
/// JetStream API, reconnect with resubscription, and token authorization.
final class NATSClientTests: XCTestCase {
    func connectedClient(_ urls: [String], token: String? = nil) throws -> (NATSClient, Task<Void, Error>) {
        var options = NATSClientOptions(urls: urls)
        options.token = token
        options.pingIntervalSeconds = 0.5
        let client = try NATSClient(options: options, logger: BusNode.logger)
        return (client, Task { try await client.run() })
    }

    func waitConnected(_ client: NATSClient, file: StaticString = #filePath, line: UInt = #line) async {
        let ok = await SimulatorHarness.eventually(timeout: 10) { client.currentState == .connected }
        XCTAssertTrue(ok, "not connected: \(client.statistics.lastError ?? "")", file: file, line: line)
    }

    func testPublishSubscribeHeadersAndRequests() async throws {
        let server = try NATSServerProcess(name: "c1")
        defer { XCTAssertNoThrow(try server.cleanUp()) }
        let (client, task) = try connectedClient([server.url])
        defer { task.cancel() }
        await waitConnected(client)
        let got = Collected()
        client.subscribe("t.>") { got.add($0) }
        try await client.flush()
        var h = NATSHeaders()
        h.append("Spc-Slot", "77")
        XCTAssertTrue(client.publish("t.a", headers: h, payload: [1, 2, 3]))
        XCTAssertTrue(client.publish("t.b.c", payload: Array(repeating: 9, count: 70_000)))
        try await client.flush()
        let arrived = await SimulatorHarness.eventually(timeout: 5) { got.all.count == 2 }
        XCTAssertTrue(arrived)
        let all = got.all.sorted { $0.subject < $1.subject }
        XCTAssertEqual(all.first?.headers?["Spc-Slot"], "77")
        XCTAssertEqual(all.first?.payload, [1, 2, 3])
        XCTAssertEqual(all.last?.payload.count, 70_000)
        XCTAssertEqual(client.statistics.published, 2)
        XCTAssertEqual(client.serverInfo.jetStream, true)
        let info = try await JetStream(client: client).api("INFO", nil)
        XCTAssertEqual(info["type"] as? String, "io.nats.jetstream.api.v1.account_info_response")
        do {
            _ = try await client.request("nobody.listens", payload: [], timeout: 2)
            XCTFail("a request nobody answers must fail")
        } catch let e as NATSError {
            XCTAssertEqual(e, .noResponders("nobody.listens"))
        }
    }

    func testReconnectResubscribesAndCountsDrops() async throws {
        let server = try NATSServerProcess(name: "c2")
        defer { XCTAssertNoThrow(try server.cleanUp()) }
        let (client, task) = try connectedClient([server.url])
        defer { task.cancel() }
        await waitConnected(client)
        let got = Collected()
        client.subscribe("r.*") { got.add($0) }
        try await client.flush()
        server.kill()
        let down = await SimulatorHarness.eventually(timeout: 10) { client.currentState != .connected }
        XCTAssertTrue(down)
        XCTAssertFalse(client.publish("r.lost", payload: [0]))
        XCTAssertEqual(client.statistics.dropped, 1)
        try server.restart()
        await waitConnected(client)
        XCTAssertGreaterThanOrEqual(client.statistics.connects, 2)
        XCTAssertTrue(client.publish("r.after", payload: [1]))
        try await client.flush()
        let arrived = await SimulatorHarness.eventually(timeout: 5) { got.all.map(\.subject) == ["r.after"] }
        XCTAssertTrue(arrived, "after the reconnect: \(got.all.map(\.subject))")
    }

    func testTokenIsRequiredAndUsed() async throws {
        let server = try NATSServerProcess(name: "c3", extra: ["--auth", "s3cret-t0ken-for-tests"])
        defer { XCTAssertNoThrow(try server.cleanUp()) }
        let (anonymous, t1) = try connectedClient([server.url])
        defer { t1.cancel() }
        let refused = await SimulatorHarness.eventually(timeout: 10) { anonymous.statistics.lastError?.contains("Authorization Violation") == true }
        XCTAssertTrue(refused, "last error: \(anonymous.statistics.lastError ?? "none")")
        XCTAssertNotEqual(anonymous.currentState, .connected)
        let (client, t2) = try connectedClient([server.url], token: "s3cret-t0ken-for-tests")
        defer { t2.cancel() }
        await waitConnected(client)
    }
}

/// Messages gathered by a subscription handler (called on the event loop).
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [NATSMessage] = []
    func add(_ m: NATSMessage) { lock.withLock { messages.append(m) } }
    var all: [NATSMessage] { lock.withLock { messages } }
}
