import Cache
import Foundation
import GeyserSource
import Ingest
import IngestTestSupport
import Logging
import Simulator
import SolanaCore
import XCTest

/// Independent Yellowstone peers: Python grpcio with the Geyser stubs someone else generated
/// (yellowstone-fumarole-client's yellowstone_fumarole_proto), once as a client of the
/// simulator's gRPC service and once as a server feeding the cache.
final class GeyserInteropTests: XCTestCase {
    static func json(_ text: String) throws -> [String: Any] {
        let line = try XCTUnwrap(text.split(separator: "\n").last(where: { $0.hasPrefix("{") }), "no JSON in: \(text.prefix(500))")
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    static func bytes(_ base64: Any?) throws -> [UInt8] { [UInt8](try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(base64 as? String)))) }

    /// The Python client subscribes by pubkey and by owner + datasize + memcmp, pings, then
    /// replays from a slot it saw: every update matches the filters it names and equals the
    /// simulator's write (bytes, owner, lamports, slot, write_version), write versions increase,
    /// the replay repeats the live updates, and a too-old from_slot is INVALID_ARGUMENT.
    func testPythonClientSubscribesPingsAndReplays() async throws {
        let sim = try await SimulatorHarness.start(
            pools: 20, slotMillis: 40, swapsPerSlot: 6, grpc: true, grpcXToken: "py-t0ken", grpcPingMillis: 300)
        defer { sim.stop() }
        let pools = sim.cluster.poolAddresses
        let keys = Set(pools.prefix(10))
        let sample = try XCTUnwrap(sim.cluster.account(pools[0]))
        let prefix = Array(sample.data.prefix(8))
        let peer = try PythonPeer.start(
            "geyser_py_client.py",
            [
                "127.0.0.1:\(try XCTUnwrap(sim.grpcPort))", "py-t0ken", keys.map(\.base58).joined(separator: ","), sample.owner.base58,
                String(sample.data.count), Base58.encode(prefix), "3",
            ])
        defer { XCTAssertNoThrow(try peer.stop()) }
        let out = try Self.json(try await peer.finish(within: 90))
        let live = try XCTUnwrap(out["live"] as? [String: Any])
        XCTAssertEqual(live["pongs"] as? [Int], [7], "a pong for the client's ping")
        XCTAssertEqual(live["ping"] as? Bool, true, "server pings")
        let slots = try XCTUnwrap(live["slots"] as? [Int])
        XCTAssertGreaterThan(slots.count, 10)
        XCTAssertEqual(slots, slots.sorted())

        let writes = Dictionary(
            sim.server.geyserFeed.retained().flatMap(\.writes).map { ($0.writeVersion, $0) }, uniquingKeysWith: { a, _ in a })
        let updates = try XCTUnwrap(live["accounts"] as? [[String: Any]])
        XCTAssertGreaterThan(updates.count, 20)
        var lastVersion: UInt64 = 0
        var byVersion: [UInt64: [UInt8]] = [:]
        for u in updates {
            let version = try XCTUnwrap((u["write_version"] as? NSNumber)?.uint64Value)
            XCTAssertGreaterThan(version, lastVersion, "write_version increases along the stream")
            lastVersion = version
            let w = try XCTUnwrap(writes[version], "write \(version) retained")
            let data = try Self.bytes(u["data_base64"])
            byVersion[version] = data
            XCTAssertEqual(u["pubkey"] as? String, w.account.address.base58)
            XCTAssertEqual(u["owner"] as? String, w.account.owner.base58)
            XCTAssertEqual((u["lamports"] as? NSNumber)?.uint64Value, w.account.lamports)
            XCTAssertEqual((u["slot"] as? NSNumber)?.uint64Value, w.account.slot)
            XCTAssertEqual(data, w.account.data, "bytes of write \(version)")
            var expected: [String] = []
            if w.account.owner == sample.owner && data.count == sample.data.count && Array(data.prefix(8)) == prefix { expected.append("by_owner") }
            if keys.contains(w.account.address) { expected.append("pools") }
            XCTAssertEqual(u["filters"] as? [String], expected, "filters named for \(w.account.address)")
        }
        XCTAssertTrue(updates.contains { ($0["filters"] as? [String])?.contains("by_owner") == true }, "the owner filter matched")

        let replay = try XCTUnwrap(out["replay"] as? [String: Any])
        let from = try XCTUnwrap((replay["from_slot"] as? NSNumber)?.uint64Value)
        XCTAssertLessThanOrEqual(try XCTUnwrap((replay["first_available"] as? NSNumber)?.uint64Value), from)
        let replayed = try XCTUnwrap(replay["accounts"] as? [[String: Any]])
        var replayedByVersion: [UInt64: [UInt8]] = [:]
        for u in replayed {
            let version = try XCTUnwrap((u["write_version"] as? NSNumber)?.uint64Value)
            XCTAssertGreaterThanOrEqual(try XCTUnwrap((u["slot"] as? NSNumber)?.uint64Value), from)
            replayedByVersion[version] = try Self.bytes(u["data_base64"])
        }
        for (version, data) in byVersion { XCTAssertEqual(replayedByVersion[version], data, "write \(version) replayed") }
        XCTAssertEqual(out["too_old"] as? String, "INVALID_ARGUMENT")
    }

    /// The Python server streams account writes made by a second copy of the cluster, with a
    /// same-slot successor (higher write_version), a stale same-slot write and a replay of old
    /// writes; the cache ends equal to the copy's final state and subscribed what it follows.
    func testPythonServerFeedsTheCache() async throws {
        let sim = try await SimulatorHarness.start(pools: 12, slotMillis: 40, swapsPerSlot: 0)
        defer { sim.stop() }
        try await sim.control("simulatorPause")
        let start = sim.cluster.slot
        let copy = Cluster(accounts: sim.cluster.allAccounts(), seed: 99, startSlot: start, swapsPerSlot: 4)
        var script: [[String: Any]] = []
        var version: UInt64 = 1000
        func entry(_ a: AccountData, slot: UInt64, _ v: UInt64) -> [String: Any] {
            [
                "pubkey": a.address.base58, "owner": a.owner.base58, "lamports": a.lamports,
                "data_base64": Data(a.data).base64EncodedString(), "slot": slot, "write_version": v,
            ]
        }
        var events: [SlotEvent] = []
        for _ in 0..<30 { if let e = copy.advance() { events.append(e) } }
        for e in events.dropLast() {
            for a in e.changed {
                version += 1
                script.append(entry(a, slot: e.slot, version))
            }
        }
        // The last slot: each account's previous version first, then the final one (same slot, higher
        // write_version), then the previous again (same slot, lower write_version: must be dropped).
        let last = try XCTUnwrap(events.last)
        for a in last.changed {
            let previous = copy.previousVersion(a.address) ?? a
            script.append(entry(previous, slot: last.slot, version + 1))
            script.append(entry(a, slot: last.slot, version + 2))
            script.append(entry(previous, slot: last.slot, version + 1))
            version += 2
        }
        // Old writes again (a replay overlap): older slots, dropped.
        for a in events[0].changed { script.append(entry(a, slot: events[0].slot, 1001)) }

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("geyser-py-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { XCTAssertNoThrow(try FileManager.default.removeItem(at: dir), "temporary directory left behind") }
        let scriptURL = dir.appendingPathComponent("script.json"), requestsURL = dir.appendingPathComponent("requests.jsonl")
        try JSONSerialization.data(withJSONObject: script).write(to: scriptURL)
        let peer = try PythonPeer.start("geyser_py_server.py", [scriptURL.path, "srv-t0ken", requestsURL.path, "120"])
        defer { XCTAssertNoThrow(try peer.stop()) }
        let listening = try await peer.line(startingWith: "listening ", within: 60)
        let port = try XCTUnwrap(Int(listening.dropFirst("listening ".count)))

        let config = IngestConfig.forTests(endpoints: [.init(websocketURL: sim.wsURL, httpURL: sim.httpURL, requestsPerSecond: 500)])
        let store = PoolStore()
        for p in sim.cluster.poolAddresses { store.addPool(PoolConfig(address: p)) }
        var logger = Logger(label: "geyser-py-server")
        logger.logLevel = ProcessInfo.processInfo.environment["INGEST_TEST_LOG"] == nil ? .error : .debug
        let source = try GeyserAccountSource(
            config: YellowstoneConfig(endpoint: "http://127.0.0.1:\(port)", xToken: "srv-t0ken"), ingest: config, logger: logger)
        let engine = IngestEngine(store: store, config: config, source: source, logger: logger)
        let task = Task { try await engine.run() }
        defer { task.cancel() }

        var differing: [String] = []
        let equal = await SimulatorHarness.eventually(timeout: 30) {
            let watched = store.watchedAccounts()
            differing = watched.sorted().compactMap { k in
                let want = copy.account(k), have = store.account(k)
                return want?.data == have?.data && want?.slot == have?.slot
                    ? nil : "\(k): cached slot \(have?.slot ?? 0), expected \(want?.slot ?? 0)"
            }
            return !watched.isEmpty && differing.isEmpty && store.entries().allSatisfy { $0.status == .ok }
        }
        let serverErrors = try peer.stderr
        XCTAssertTrue(equal, "cache differs from what the server sent: \(differing.prefix(5)); server stderr: \(serverErrors.suffix(1_500))")
        if !equal { try serverErrors.write(toFile: "/tmp/geyser-py-server.stderr", atomically: true, encoding: .utf8) }
        let stats = try XCTUnwrap(source.connections().first?.stream)
        // Only followed accounts count as dropped duplicates (the cluster also writes accounts no
        // quote reads, e.g. a DLMM oracle: those are dropped as unfollowed).
        let followed = store.watchedAccounts()
        let replayed = last.changed.filter { followed.contains($0.address) }.count + events[0].changed.filter { followed.contains($0.address) }.count
        XCTAssertGreaterThan(replayed, 0)
        XCTAssertGreaterThanOrEqual(stats.duplicates, UInt64(replayed), "stale writes dropped")

        // What the cache asked for: every followed account by pubkey, confirmed, slots, pings.
        try await Task.sleep(nanoseconds: 500_000_000)
        let requests = try String(contentsOf: requestsURL, encoding: .utf8).split(separator: "\n").map { try Self.json(String($0)) }
        let first = try XCTUnwrap(requests.first)
        let subscribed = Set(((first["accounts"] as? [String: [String]]) ?? [:]).values.joined())
        XCTAssertEqual(subscribed, Set(store.watchedAccounts().map(\.base58)))
        XCTAssertEqual(first["commitment"] as? String, "CONFIRMED")
        XCTAssertEqual(first["slots"] as? [String], ["slots"])
        XCTAssertTrue(requests.contains { ($0["ping"] as? Int ?? 0) > 0 }, "the cache pings")
    }
}
