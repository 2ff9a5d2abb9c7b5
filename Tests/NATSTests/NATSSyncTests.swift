import Cache
import Foundation
import IngestTestSupport
import NATS
import NATSSync
import SolanaCore
import XCTest

/// Shards and followers end to end: the simulator's chain → a shard (RPC) → real nats-server
/// (JetStream) → a follower with no RPC, compared account by account with the chain and the shard.
final class NATSSyncTests: XCTestCase {
    func startSim() async throws -> SimulatorHarness {
        try await SimulatorHarness.start(pools: 40, slotMillis: 40, swapsPerSlot: 6)
    }

    func waitPublishing(_ node: BusNode, file: StaticString = #filePath, line: UInt = #line) async {
        let ok = await SimulatorHarness.eventually(timeout: 30) {
            node.engine.connections().allSatisfy { $0.state == .live } && !node.engine.connections().isEmpty
                && node.store.entries().allSatisfy { $0.status == .ok } && node.status.republishes >= 1 && node.status.state == "connected"
        }
        XCTAssertTrue(ok, "publisher not live: \(node.status)", file: file, line: line)
    }

    /// One nats-server, the simulator, a shard of all its pools (live and published) and, unless
    /// `follower` is false, a follower; all stopped and reaped after `body`.
    struct Rig {
        let server: NATSServerProcess
        let sim: SimulatorHarness
        let pools: [Pubkey]
        let shard: BusNode
        let follower: BusNode?
    }

    func withRig(_ name: String, follower: Bool = true, _ body: (Rig) async throws -> Void) async throws {
        let server = try NATSServerProcess(name: name)
        defer { XCTAssertNoThrow(try server.cleanUp()) }
        let sim = try await startSim()
        defer { sim.stop() }
        let pools = sim.cluster.poolAddresses
        let shard = try BusNode.publisher(sim: sim, urls: [server.url], pools: pools)
        let f = follower ? try BusNode.follower(urls: [server.url], pools: pools) : nil
        await waitPublishing(shard)
        var failure: Error?
        do { try await body(Rig(server: server, sim: sim, pools: pools, shard: shard, follower: f)) } catch { failure = error }
        await f?.stop()
        await shard.stop()
        if let failure { throw failure }
    }

    func testFollowerEqualsPublisherByteForByteWithNoRPC() async throws {
        try await withRig("s1") { rig in
            let sim = rig.sim, shard = rig.shard
            let follower = try XCTUnwrap(rig.follower)
            let droppedBefore = shard.status.dropped
            // Swaps flow for a while, then the chain stops and both must agree with it.
            try await Task.sleep(nanoseconds: 3_000_000_000)
            try await BusChecks.assertFollowerEqualsPublishers(follower, [shard], sim: sim)
            // The follower had no endpoint at all: every byte came over NATS.
            XCTAssertTrue(follower.engine.config.endpoints.isEmpty)
            XCTAssertEqual(follower.engine.connections().map(\.source), ["nats"])
            let lag = try XCTUnwrap(follower.status.shards.first { $0.name == "a" })
            XCTAssertTrue(lag.alive)
            XCTAssertGreaterThan(lag.accounts, 0)
            let p50 = try XCTUnwrap(lag.lagP50Ms), p99 = try XCTUnwrap(lag.lagP99Ms)
            print(
                "measured: publish→follower lag p50 \(p50) ms, p99 \(p99) ms; published \(shard.status.published), follower received \(follower.status.received)"
            )
            // Connected and acknowledged all along: nothing lost once live.
            XCTAssertEqual(shard.status.dropped, droppedBefore)
        }
    }

    func testLateFollowerWarmsFromLastPerSubjectState() async throws {
        try await withRig("s2", follower: false) { rig in
            let server = rig.server, sim = rig.sim, pools = rig.pools, shard = rig.shard
            try await Task.sleep(nanoseconds: 2_000_000_000)
            // Nothing moves any more: a follower that starts now can only learn the state from the stream.
            try await sim.control("simulatorPause")
            try await Task.sleep(nanoseconds: 500_000_000)
            let accounts = shard.store.watchedAccounts().count
            let started = Date()
            let follower = try BusNode.follower(urls: [server.url], pools: pools)
            let warm = await SimulatorHarness.eventually(timeout: 30) { BusChecks.differences(follower, [shard], sim: sim).isEmpty }
            let took = Date().timeIntervalSince(started)
            XCTAssertTrue(warm, "late follower: \(BusChecks.differences(follower, [shard], sim: sim).prefix(5))")
            print("measured: follower warmed from JetStream with \(accounts) accounts in \(Int(took * 1000)) ms")
            try await sim.control("simulatorResume")
            try await Task.sleep(nanoseconds: 1_500_000_000)
            try await BusChecks.assertFollowerEqualsPublishers(follower, [shard], sim: sim)
            await follower.stop()
        }
    }

    func testServerRestartCountsDropsAndRepublishes() async throws {
        try await withRig("s3") { rig in
            let server = rig.server, sim = rig.sim, shard = rig.shard
            let follower = try XCTUnwrap(rig.follower)
            try await Task.sleep(nanoseconds: 1_000_000_000)
            let before = shard.status
            server.kill()
            // Swaps go on while the server is down: what the shard cannot publish is counted.
            let dropped = await SimulatorHarness.eventually(timeout: 10) { shard.status.dropped > before.dropped }
            XCTAssertTrue(dropped, "no drop counted while the server was down: \(shard.status)")
            try await Task.sleep(nanoseconds: 1_000_000_000)
            try server.restart()
            let recovered = await SimulatorHarness.eventually(timeout: 20) {
                shard.status.republishes > before.republishes && shard.status.state == "connected"
            }
            XCTAssertTrue(recovered, "no republish after the restart: \(shard.status)")
            try await BusChecks.assertFollowerEqualsPublishers(follower, [shard], sim: sim)
            print("measured: restart: \(shard.status.dropped) dropped, \(shard.status.republished) republished")
        }
    }

    func testHeartbeatNamingAnUnseenSequenceRecreatesTheConsumer() async throws {
        try await withRig("s6") { rig in
            let server = rig.server, sim = rig.sim, shard = rig.shard
            let follower = try XCTUnwrap(rig.follower), source = try XCTUnwrap(rig.follower?.follower)
            try await BusChecks.assertFollowerEqualsPublishers(follower, [shard], sim: sim)
            // Idle now: the server's own heartbeats (every 0.5 s) name what was delivered, so none resets.
            try await sim.control("simulatorPause")
            let idleBefore = source.consumerResetCount
            try await Task.sleep(nanoseconds: 2_000_000_000)
            XCTAssertEqual(source.consumerResetCount, idleBefore, "real heartbeats must not reset the consumer")
            // A heartbeat that names a later sequence than the follower saw: messages were lost with
            // nothing after them to show it; the follower must start again from the stream.
            let deliver = try XCTUnwrap(source.consumerDeliverSubject)
            let forger = try NATSClient(options: NATSClientOptions(urls: [server.url]), logger: BusNode.logger)
            let forgerTask = Task { try await forger.run() }
            defer { forgerTask.cancel() }
            let up = await SimulatorHarness.eventually(timeout: 10) { forger.currentState == .connected }
            XCTAssertTrue(up)
            let beat = NATSHeaders(
                [("Nats-Last-Consumer", "100000000"), ("Nats-Last-Stream", "100000000")], status: 100, statusDescription: "Idle Heartbeat")
            XCTAssertTrue(forger.publish(deliver, headers: beat, payload: []))
            let reset = await SimulatorHarness.eventually(timeout: 10) { source.consumerResetCount > idleBefore }
            XCTAssertTrue(reset, "a heartbeat ahead of what was delivered did not re-create the consumer")
            try await sim.control("simulatorResume")
            try await Task.sleep(nanoseconds: 1_000_000_000)
            try await BusChecks.assertFollowerEqualsPublishers(follower, [shard], sim: sim)
        }
    }

    func testSilentShardGoesStaleWithinTheDeadlineAndComesBack() async throws {
        try await withRig("s4") { rig in
            let server = rig.server, sim = rig.sim, pools = rig.pools, shard = rig.shard
            let follower = try XCTUnwrap(rig.follower)
            try await BusChecks.assertFollowerEqualsPublishers(follower, [shard], sim: sim)
            await shard.stop()
            let stoppedAt = Date()
            let stale = await SimulatorHarness.eventually(timeout: 10) { follower.store.entries().allSatisfy { $0.status == .stale } }
            let after = Date().timeIntervalSince(stoppedAt)
            XCTAssertTrue(stale, "pools of a silent shard: \(Set(follower.store.entries().map(\.status.label)))")
            // Deadline 1.5 s, judged every 0.375 s: stale by 2.5 s at the latest (scheduling slack included).
            XCTAssertLessThan(after, 2.5)
            XCTAssertEqual(follower.status.shards.first { $0.name == "a" }?.alive, false)
            print("measured: shard silent → pools stale after \(Int(after * 1000)) ms (deadline 1500 ms)")
            let again = try BusNode.publisher(sim: sim, urls: [server.url], pools: pools)
            await waitPublishing(again)
            let back = await SimulatorHarness.eventually(timeout: 10) { follower.store.entries().allSatisfy { $0.status == .ok } }
            XCTAssertTrue(back, "pools after the shard resumed: \(Set(follower.store.entries().map(\.status.label)))")
            try await BusChecks.assertFollowerEqualsPublishers(follower, [again], sim: sim)
            await again.stop()
        }
    }

    func testTwoShardsSplitByHashFollowerSeesTheUnion() async throws {
        let server = try NATSServerProcess(name: "s5")
        defer { XCTAssertNoThrow(try server.cleanUp()) }
        let sim = try await startSim()
        defer { sim.stop() }
        let pools = sim.cluster.poolAddresses
        let split = try (0..<2).map { try PoolShard(index: $0, count: 2) }
        let halves = split.map { s in pools.filter(s.owns) }
        XCTAssertEqual(halves[0].count + halves[1].count, pools.count)
        XCTAssertFalse(halves[0].isEmpty || halves[1].isEmpty)
        let shards = try zip(["east", "west"], halves).map { try BusNode.publisher(sim: sim, urls: [server.url], shard: $0, pools: $1) }
        let follower = try BusNode.follower(urls: [server.url], pools: pools)
        for s in shards { await waitPublishing(s) }
        try await Task.sleep(nanoseconds: 2_000_000_000)
        try await BusChecks.assertFollowerEqualsPublishers(follower, shards, sim: sim)
        XCTAssertEqual(follower.store.entries().filter { $0.status == .ok }.count, pools.count)
        XCTAssertEqual(Set(follower.status.shards.map(\.name)), ["east", "west"])
        for s in shards { await s.stop() }
        await follower.stop()
    }

    func testThreeNodeClusterLosesANodeAndTheFollowerContinues() async throws {
        let routes = try NATSServerProcess.kernelPorts(3)
        let n1 = try NATSServerProcess(name: "n1", clusterPort: routes[0], routes: routes)
        defer { XCTAssertNoThrow(try n1.cleanUp()) }
        let n2 = try NATSServerProcess(name: "n2", clusterPort: routes[1], routes: routes)
        defer { XCTAssertNoThrow(try n2.cleanUp()) }
        let n3 = try NATSServerProcess(name: "n3", clusterPort: routes[2], routes: routes)
        defer { XCTAssertNoThrow(try n3.cleanUp()) }
        let urls = [n1.url, n2.url, n3.url]
        // JetStream's meta group needs all three: wait (bounded) for a stream of 3 replicas to be creatable.
        let probe = try NATSClient(options: NATSClientOptions(urls: urls), logger: BusNode.logger)
        let probeTask = Task { try await probe.run() }
        defer { probeTask.cancel() }
        var lastError = ""
        let ready = await SimulatorHarness.eventually(timeout: 30, every: 0.25) {
            do {
                _ = try await JetStream(client: probe).ensureStream(.init(name: "SPC_ACCT", subjects: ["spc.acct.>"], replicas: 3))
                return true
            } catch {
                lastError = "\(error)"
                return false
            }
        }
        XCTAssertTrue(ready, "cluster JetStream not ready: \(lastError)")
        let sim = try await startSim()
        defer { sim.stop() }
        let pools = sim.cluster.poolAddresses
        // The shard on node 1 first, the follower on node 3 first; node 1 dies.
        let shard = try BusNode.publisher(sim: sim, urls: urls, pools: pools, replicas: 3)
        let follower = try BusNode.follower(urls: [n3.url, n2.url, n1.url], pools: pools)
        await waitPublishing(shard)
        XCTAssertEqual(shard.publisher?.streamReplicas, 3)
        try await BusChecks.assertFollowerEqualsPublishers(follower, [shard], sim: sim)
        n1.kill()
        try await Task.sleep(nanoseconds: 3_000_000_000)
        let moved = await SimulatorHarness.eventually(timeout: 20) { shard.status.state == "connected" }
        XCTAssertTrue(moved, "shard did not move to another node: \(shard.status)")
        try await Task.sleep(nanoseconds: 2_000_000_000)
        try await BusChecks.assertFollowerEqualsPublishers(follower, [shard], sim: sim, timeout: 40)
        print(
            "measured: cluster node kill: shard dropped \(shard.status.dropped), republished \(shard.status.republished); follower connects \(follower.status.connects)"
        )
        await follower.stop()
        await shard.stop()
    }
}
