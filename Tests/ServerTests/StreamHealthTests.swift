import Cache
import Foundation
import Server
import SolanaCore
import XCTest

/// A gRPC source's per-stream counters reach `/v1/health` and `/metrics` (as counters that only
/// grow) beside the PubSub connections that have none.
final class StreamHealthTests: XCTestCase {
    /// One PubSub connection and one Yellowstone stream with counters.
    final class TwoSources: IngestControl, @unchecked Sendable {
        private let lock = NSLock()
        private var stats = StreamStats()
        func set(_ body: (inout StreamStats) -> Void) { lock.withLock { body(&stats) } }
        func connections() -> [ConnectionHealth] {
            var grpc = ConnectionHealth(id: 0, endpoint: "http://127.0.0.1:10000", state: .live, subscriptions: 9, reconnects: 2)
            grpc.source = "yellowstone"
            grpc.stream = lock.withLock { stats }
            return [ConnectionHealth(id: 1, endpoint: "ws://127.0.0.1:1", state: .live, subscriptions: 3, reconnects: 0), grpc]
        }
        func addPool(_ config: PoolConfig) async {}
        func removePool(_ address: Pubkey) async -> Bool { false }
        func counters() -> IngestCounters { IngestCounters() }
    }

    func testStreamCountersInHealth() async throws {
        let ingest = TwoSources()
        ingest.set {
            $0.filters = 2; $0.received = 10; $0.applied = 7; $0.unfollowed = 1; $0.duplicates = 2; $0.replays = 1; $0.resnapshots = 3
        }
        let running = try await RunningServer(store: PoolStore(), settings: APIServer.Settings(port: 0), ingest: ingest)
        let reply = try await HTTP.get("\(running.base)/v1/health")
        await running.stop()
        let connections = try XCTUnwrap(try reply.object()["connections"] as? [[String: Any]])
        XCTAssertEqual(connections.map { $0["source"] as? String }, ["pubsub", "yellowstone"])
        XCTAssertTrue(connections[0]["stream"] is NSNull, "PubSub has no stream counters")
        let stream = try XCTUnwrap(connections[1]["stream"] as? [String: Int])
        XCTAssertEqual(
            stream,
            [
                "filters": 2, "updates_received": 10, "updates_applied": 7, "updates_unfollowed": 1, "updates_duplicate": 2, "replays": 1,
                "resnapshots": 3,
            ])
    }

    func testStreamCountersInMetrics() {
        let ingest = TwoSources()
        ingest.set {
            $0.filters = 2; $0.received = 10; $0.applied = 7; $0.unfollowed = 1; $0.duplicates = 2; $0.replays = 1; $0.resnapshots = 1
        }
        let metrics = ServiceMetrics()
        let store = PoolStore()
        var text = metrics.render(store: store, ingest: ingest)
        let who = #"source="yellowstone",connection="0""#
        for line in [
            #"spc_grpc_updates_total{\#(who),outcome="received"} 10"#, #"spc_grpc_updates_total{\#(who),outcome="applied"} 7"#,
            #"spc_grpc_updates_total{\#(who),outcome="unfollowed"} 1"#, #"spc_grpc_updates_total{\#(who),outcome="duplicate"} 2"#,
            #"spc_grpc_catchups_total{\#(who),kind="replay"} 1"#, #"spc_grpc_catchups_total{\#(who),kind="resnapshot"} 1"#,
            #"spc_grpc_filters{\#(who)} 2"#,
        ] {
            XCTAssertTrue(text.contains(line), "missing \(line) in:\n\(text)")
        }
        XCTAssertFalse(
            text.split(separator: "\n").contains { $0.hasPrefix("spc_grpc_") && $0.contains(#"connection="1""#) },
            "PubSub connections have no stream counters")
        ingest.set {
            $0.received = 25; $0.replays = 2
        }
        text = metrics.render(store: store, ingest: ingest)
        XCTAssertTrue(text.contains(#"spc_grpc_updates_total{\#(who),outcome="received"} 25"#))
        XCTAssertTrue(text.contains(#"spc_grpc_catchups_total{\#(who),kind="replay"} 2"#))
    }
}
