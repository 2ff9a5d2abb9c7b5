import Arbitrage
import Cache
import Dex
import Foundation
import HummingbirdWSClient
import Logging
import Server
import Simulator
import SolanaCore
import XCTest

/// `/v1/stream` fan-out over real WebSockets: a pool change is rendered once however many clients
/// receive it, and an opportunity is sent when it appears or changes, not again while unchanged,
/// then announced gone.
final class StreamFanoutTests: XCTestCase {
    /// A client that collects text messages until cancelled.
    func client(_ port: Int, into box: Collected) -> Task<Void, Error> {
        Task {
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/v1/stream", logger: Logger(label: "test")) { inbound, _, _ in
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    if case .text(let t) = message { await box.add(t) }
                }
            }
        }
    }

    func waitFor(_ seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }

    func testEachChangeIsRenderedOnceForManyClients() async throws {
        let cluster = try Feed.cluster()
        let store = Feed.store(from: cluster)
        let metrics = ServiceMetrics()
        let running = try await RunningServer(store: store, settings: .init(port: 0), metrics: metrics)
        defer { Task { await running.stop() } }
        let boxes = (0..<8).map { _ in Collected() }
        let tasks = boxes.map { client(running.port, into: $0) }
        defer { tasks.forEach { $0.cancel() } }
        let connected = try await waitFor(10) { metrics.gaugeValue("spc_stream_clients") == 8 }
        XCTAssertTrue(connected)
        let rendersBefore = metrics.counterValue("spc_stream_renders_total")

        let (sub, events) = cluster.subscribe()
        defer { cluster.unsubscribe(sub) }
        var it = events.makeAsyncIterator()
        let amm = Pubkey("58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2")
        for _ in 0..<5 {
            _ = try cluster.swap(pool: amm, inputMint: KnownMints.wsol, amountIn: 20_000_000)
            let next = await it.next(); let event = try XCTUnwrap(next)
            Feed.apply(event.changed, to: store)
        }
        // Every client gets every update; the renders are one per update, not one per client.
        var perClient: [Int] = []
        let delivered = try await waitFor(10) {
            perClient = []
            for b in boxes { perClient.append(await b.items.filter { $0.contains(#""type":"pool_update""#) }.count) }
            return perClient.allSatisfy { $0 == perClient[0] } && perClient[0] >= 5
        }
        XCTAssertTrue(delivered, "pool updates per client: \(perClient)")
        let renders = metrics.counterValue("spc_stream_renders_total") - rendersBefore
        XCTAssertEqual(renders, Double(perClient[0]), "one render per update for 8 clients (\(perClient[0]) updates)")
        XCTAssertGreaterThanOrEqual(metrics.counterValue("spc_stream_messages_total"), Double(8 * perClient[0]))
    }

    func testAnOpportunityIsSentWhenItAppearsOrChangesAndAnnouncedGone() async throws {
        let store = Feed.store(from: try Feed.cluster())
        let arbitrage = FakeOpportunities()
        let sample = FakeOpportunities.sample()
        arbitrage.standing = [sample]
        let metrics = ServiceMetrics()
        let running = try await RunningServer(store: store, settings: .init(port: 0), opportunities: arbitrage, metrics: metrics)
        defer { Task { await running.stop() } }
        let box = Collected()
        let task = client(running.port, into: box)
        defer { task.cancel() }
        let subscribed = try await waitFor(10) { arbitrage.subscriberCount > 0 }
        XCTAssertTrue(subscribed)

        // Every message the server sends is a JSON object: one that is not fails the test.
        func opportunityMessages() async throws -> [[String: Any]] {
            try await box.items.map { try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], $0) }
                .filter { ($0["type"] as? String)?.hasPrefix("opportunity") == true }
        }
        arbitrage.publish(sample)
        arbitrage.publish(FakeOpportunities.sample(slot: sample.slot + 1, at: 1_783_355_401))  // same economics, later
        var more = sample
        more.profit += 1_000
        more.outputAmount += 1_000
        arbitrage.publish(more)
        let two = try await waitFor(10) { try await opportunityMessages().count >= 2 }
        XCTAssertTrue(two)
        try await Task.sleep(for: .milliseconds(300))
        var messages = try await opportunityMessages()
        XCTAssertEqual(messages.compactMap { $0["event"] as? String }, ["appeared", "updated"], "the unchanged repeat is not sent")
        XCTAssertEqual(metrics.counterValue("spc_stream_opportunities_unchanged_total"), 1)

        arbitrage.standing = []
        let gone = try await waitFor(10) { try await opportunityMessages().contains { $0["type"] as? String == "opportunity_gone" } }
        XCTAssertTrue(gone, "a vanished opportunity is announced")
        messages = try await opportunityMessages()
        let goneMessage = try XCTUnwrap(messages.last)
        XCTAssertEqual(goneMessage["input_mint"] as? String, KnownMints.wsol.base58)
        XCTAssertEqual(goneMessage["route"] as? [String], sample.route.map(\.pool.base58))
    }
}
