import Cache
import Dex
import Foundation
import HummingbirdWSClient
import Logging
import Server
import Simulator
import SolanaCore
import XCTest

/// `/v1/stream` over a real WebSocket: pool updates (filtered) and opportunities.
final class StreamTests: XCTestCase {
    func testPoolUpdatesFilteredByPoolAndOpportunities() async throws {
        let cluster = try Feed.cluster()
        let store = Feed.store(from: cluster)
        let arbitrage = FakeOpportunities()
        let running = try await RunningServer(store: store, settings: .init(port: 0), opportunities: arbitrage)
        defer { Task { await running.stop() } }
        let amm = Pubkey("58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2"), orca = Pubkey("EGZ7tiLeH62TPV1gL8WwbXGzEPa9zmcpVnnkPKKnrE2U")
        let (subscription, events) = cluster.subscribe()
        defer { cluster.unsubscribe(subscription) }

        let received = Collected()
        try await WebSocketClient.connect(url: "ws://127.0.0.1:\(running.port)/v1/stream?pools=\(amm)", logger: Logger(label: "test")) {
            inbound, _, _ in
            var it = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
            var eventIterator = events.makeAsyncIterator()
            guard case .text(let hello)? = try await it.next() else { return XCTFail("no hello") }
            XCTAssertTrue(hello.contains(#""type":"hello""#), hello)
            // A swap on a pool outside the filter, then one inside it.
            for pool in [orca, amm] {
                _ = try cluster.swap(pool: pool, inputMint: KnownMints.wsol, amountIn: 50_000_000)
                let next = await eventIterator.next(); let event = try XCTUnwrap(next)
                Feed.apply(event.changed, to: store)
            }
            // Pool updates and opportunities come from independent sources with no order between
            // them, so the opportunity is published only once the first pool_update has arrived.
            var count = 0
            while case .text(let message)? = try await it.next() {
                await received.add(message)
                count += 1
                if message.contains(#""type":"pool_update""#) || count > 10 { break }
            }
            // Opportunities reach the stream too (the fake engine publishes once the client is subscribed).
            for _ in 0..<100 where arbitrage.subscriberCount == 0 { try await Task.sleep(for: .milliseconds(20)) }
            arbitrage.publish(FakeOpportunities.sample())
            // Any further pool_update (the swap moved both vaults), then the opportunity.
            while case .text(let message)? = try await it.next() {
                await received.add(message)
                count += 1
                if message.contains(#""type":"opportunity""#) || count > 10 { break }
            }
        }
        let messages = try await received.items.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(messages.last?["type"] as? String, "opportunity")
        let updates = messages.filter { $0["type"] as? String == "pool_update" }
        XCTAssertFalse(updates.isEmpty)
        for update in updates {
            let pool = try XCTUnwrap(update["pool"] as? [String: Any])
            XCTAssertEqual(pool["address"] as? String, amm.base58, "the filtered-out Orca swap must not be delivered")
        }
        let lastPool = try XCTUnwrap(updates.last?["pool"] as? [String: Any])
        XCTAssertEqual(lastPool["reserve_a"] as? String, store.entry(amm)?.price?.reserveA.map(String.init))
    }

    /// `max_stream_clients` is exceeded for real: with two clients connected a third upgrade is
    /// refused (503, `too_many_stream_clients`); once one leaves, a new client is admitted.
    func testStreamClientLimitIsEnforced() async throws {
        var settings = APIServer.Settings(port: 0)
        settings.maxStreamClients = 2
        let metrics = ServiceMetrics()
        let running = try await RunningServer(store: Feed.store(from: try Feed.cluster()), settings: settings, metrics: metrics)
        defer { Task { await running.stop() } }
        func client() -> Task<Void, Error> {
            Task {
                try await WebSocketClient.connect(url: "ws://127.0.0.1:\(running.port)/v1/stream", logger: Logger(label: "test")) { inbound, _, _ in
                    for try await _ in inbound.messages(maxSize: 1 << 20) {}
                }
            }
        }
        func connected(_ n: Double) async throws -> Bool {
            for _ in 0..<250 {
                if metrics.gaugeValue("spc_stream_clients") == n { return true }
                try await Task.sleep(for: .milliseconds(20))
            }
            return false
        }
        let first = client(), second = client()
        defer { first.cancel(); second.cancel() }
        let two = try await connected(2)
        XCTAssertTrue(two, "two clients connected")
        let close = try await WebSocketClient.connect(url: "ws://127.0.0.1:\(running.port)/v1/stream", logger: Logger(label: "test")) {
            inbound, _, _ in
            for try await _ in inbound.messages(maxSize: 1 << 20) { XCTFail("a client beyond the limit gets no stream") }
        }
        XCTAssertEqual(close?.closeCode, .unknown(1013), "closed with Try Again Later")
        XCTAssertTrue(close?.reason?.hasPrefix("too_many_stream_clients") ?? false, "\(String(describing: close?.reason))")
        XCTAssertEqual(metrics.gaugeValue("spc_stream_clients"), 2, "the refused client never counted")
        first.cancel()
        let one = try await connected(1)
        XCTAssertTrue(one, "a client that leaves frees its slot")
        let third = client()
        defer { third.cancel() }
        let againTwo = try await connected(2)
        XCTAssertTrue(againTwo, "a new client is admitted once there is room")
    }

    func testBadFilterIsRefused() async throws {
        let store = PoolStore()
        let running = try await RunningServer(store: store, settings: .init(port: 0))
        defer { Task { await running.stop() } }
        do {
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(running.port)/v1/stream?pools=not-a-key", logger: Logger(label: "test")) {
                _, _, _ in
                XCTFail("upgrade must be refused")
            }
            XCTFail("connect must fail")
        } catch {}
        let r = try await HTTP.get("\(running.base)/v1/stream?pools=not-a-key")
        XCTAssertEqual(r.status, 400)
    }
}

actor Collected {
    var items: [String] = []
    func add(_ s: String) { items.append(s) }
}
