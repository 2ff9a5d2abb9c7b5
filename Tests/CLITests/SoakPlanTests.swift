@testable import Soak
import Config
import Foundation
import SolanaCore
import XCTest

/// The pure pieces of `solana-pool-cache soak`: fault rotation, the summary line, the audit, the bounds.
final class SoakPlanTests: XCTestCase {
    func testScheduleRotatesThroughEveryFaultAndRestartsTheProxyOnlyWithOne() {
        let pubsubKinds = Set(SoakFault.allCases).subtracting([.cut, .postgresRestart])
        let withProxy = FaultSchedule(withProxy: true)
        let first = (0..<pubsubKinds.count).map { withProxy.fault(number: $0) }
        XCTAssertEqual(Set(first), pubsubKinds, "one full cycle covers every PubSub kind")
        XCTAssertEqual(withProxy.fault(number: pubsubKinds.count), first[0], "then it starts over")
        XCTAssertEqual(first[7], .proxyRestart, "the 8th, so a 10-fault run reaches it")

        let direct = FaultSchedule(withProxy: false)
        let cycle = (0..<20).map { direct.fault(number: $0) }
        XCTAssertFalse(cycle.contains(.proxyRestart))
        XCTAssertEqual(Set(cycle), pubsubKinds.subtracting([.proxyRestart]))

        // Over gRPC a stream cut replaces the PubSub drop, in the same place.
        let grpc = FaultSchedule(withProxy: true, grpc: true)
        let grpcCycle = (0..<pubsubKinds.count).map { grpc.fault(number: $0) }
        XCTAssertEqual(grpcCycle, first.map { $0 == .drop ? .cut : $0 })
        XCTAssertFalse(cycle.contains(.postgresRestart), "no database restart without a database")

        // With PostgreSQL persistence the database crash joins the rotation, 9th: a 10-fault run reaches it.
        let withDatabase = FaultSchedule(withProxy: true, postgres: true)
        let dbCycle = (0..<(pubsubKinds.count + 1)).map { withDatabase.fault(number: $0) }
        XCTAssertEqual(Set(dbCycle), pubsubKinds.union([.postgresRestart]))
        XCTAssertEqual(dbCycle[8], .postgresRestart)
        XCTAssertNil(SoakFault.postgresRestart.simulatorParams(silenceDeadlineSeconds: 3))
    }

    func testStallOutlastsTheSilenceDeadlineAndCountedFaultsCarryACount() throws {
        let stall = try XCTUnwrap(SoakFault.stall.simulatorParams(silenceDeadlineSeconds: 3))
        XCTAssertGreaterThan(try XCTUnwrap(stall["durationMs"]), 3_000)
        XCTAssertGreaterThan(try XCTUnwrap(SoakFault.http429.simulatorParams(silenceDeadlineSeconds: 3)?["count"]), 0)
        XCTAssertNil(SoakFault.proxyRestart.simulatorParams(silenceDeadlineSeconds: 3))
        XCTAssertEqual(SoakFault.olderSlot.rawValue, "older_slot", "the simulator's spelling")
    }

    func testSummaryLineHasTheExactFormatAndParsesBack() throws {
        let s = SoakSummary(
            minutes: 10, pools: 1016, faults: 150, updates: 123_456, mismatches: 0,
            rssStartMB: 41.26, rssEndMB: 43, fdsStart: 31, fdsEnd: 33, faultKinds: 8, accountsChecked: 4_820)
        XCTAssertEqual(
            s.line,
            "soak: minutes=10 pools=1016 faults=150 updates=123456 mismatches=0 rss_start_mb=41.3 rss_end_mb=43 fds_start=31 fds_end=33 "
                + "fault_kinds=8 accounts_checked=4820"
        )
        let back = try XCTUnwrap(SoakSummary(line: s.line))
        XCTAssertEqual(back.line, s.line)
        XCTAssertEqual(back.pools, 1016)
        XCTAssertEqual(back.faultKinds, 8)
        XCTAssertEqual(back.accountsChecked, 4_820)
        XCTAssertEqual(
            SoakSummary(
                line: "soak: minutes=2.5 pools=1 faults=0 updates=0 mismatches=3 rss_start_mb=1 rss_end_mb=2 fds_start=3 fds_end=4 "
                    + "fault_kinds=0 accounts_checked=0"
            )?.minutes,
            2.5)
        XCTAssertNil(SoakSummary(line: "soak: warm: 16 pools ok"))
        XCTAssertNil(
            SoakSummary(
                line: "soak: minutes=x pools=1 faults=0 updates=0 mismatches=0 rss_start_mb=1 rss_end_mb=2 fds_start=3 fds_end=4 "
                    + "fault_kinds=0 accounts_checked=0"))
        XCTAssertNil(
            SoakSummary(line: "soak: minutes=1 pools=1 faults=0 updates=0 mismatches=0 rss_start_mb=1 rss_end_mb=2 fds_start=3 fds_end=4"),
            "the old ten-field line lacks the coverage fields")
        XCTAssertNil(SoakSummary(line: s.line + " extra=1"))
    }

    func testTotalAddsRuns() {
        let a = SoakSummary(
            minutes: 1, pools: 16, faults: 10, updates: 100, mismatches: 0, rssStartMB: 30, rssEndMB: 31, fdsStart: 20, fdsEnd: 21, faultKinds: 8,
            accountsChecked: 90)
        let b = SoakSummary(
            minutes: 1, pools: 1000, faults: 12, updates: 900, mismatches: 2, rssStartMB: 100, rssEndMB: 104, fdsStart: 40, fdsEnd: 40,
            faultKinds: 7, accountsChecked: 4_700)
        XCTAssertEqual(
            SoakSummary.total([a, b]).line,
            "soak: minutes=2 pools=1016 faults=22 updates=1000 mismatches=2 rss_start_mb=130 rss_end_mb=135 fds_start=60 fds_end=61 "
                + "fault_kinds=7 accounts_checked=4790"
        )
    }

    func testResourceBound() {
        XCTAssertEqual(ResourceBound.violations(rssStartMB: 100, rssEndMB: 170, fdsStart: 30, fdsEnd: 46), [])
        XCTAssertEqual(ResourceBound.violations(rssStartMB: 100, rssEndMB: 170.5, fdsStart: 30, fdsEnd: 30).count, 1)
        XCTAssertEqual(ResourceBound.violations(rssStartMB: 100, rssEndMB: 100, fdsStart: 30, fdsEnd: 47).count, 1)
    }

    func testAuditFindsEveryKindOfDifference() {
        let owner = "11111111111111111111111111111111"
        let chain: [String: ChainAccount] = [
            "A": ChainAccount(owner: owner, data: [1, 2, 3], writeSlot: 10),
            "B": ChainAccount(owner: owner, data: [4], writeSlot: 20),
            "C": ChainAccount(owner: owner, data: [5], writeSlot: 30),
        ]
        func held(_ a: String, _ data: [UInt8], slot: UInt64, owner o: String = owner) -> CachedAccount {
            CachedAccount(address: a, held: (o, slot, data))
        }
        // Equal: same bytes and owner, slot between the write and the chain's slot; D is watched but absent on the chain.
        XCTAssertEqual(
            CacheAudit.mismatches(
                cached: [
                    held("A", [1, 2, 3], slot: 10), held("B", [4], slot: 25), held("C", [5], slot: 40),
                    CachedAccount(address: "D", held: nil),
                ], chain: chain, chainSlot: 40), [])
        let bad = CacheAudit.mismatches(
            cached: [
                held("A", [1, 2, 4], slot: 10),  // bytes differ
                held("B", [4], slot: 19),  // older than the chain's write
                held("C", [5], slot: 41),  // newer than the chain
                held("E", [9], slot: 1),  // not on the chain at all
            ], chain: chain, chainSlot: 40)
        XCTAssertEqual(bad.count, 4, "\(bad)")
        XCTAssertTrue(bad[0].hasPrefix("A: bytes differ"))
        XCTAssertTrue(bad[1].contains("older"))
        XCTAssertTrue(bad[2].contains("future"))
        XCTAssertTrue(bad[3].contains("not on the chain"))
        XCTAssertEqual(
            CacheAudit.mismatches(cached: [held("A", [1, 2, 3], slot: 10, owner: "x")], chain: chain, chainSlot: 40), ["A: owner differs"])
        let both = CacheAudit.mismatches(cached: [held("B", [7], slot: 19)], chain: chain, chainSlot: 40)
        XCTAssertEqual(both.count, 1, "one line per account, however many reasons")
        XCTAssertTrue(both[0].contains("bytes differ") && both[0].contains("older"), both[0])
        XCTAssertEqual(
            CacheAudit.mismatches(cached: [CachedAccount(address: "A", held: nil)], chain: chain, chainSlot: 40), ["A: watched but not cached"])
    }

    func testReadings() {
        let status = "Name:\tsolana-pool-ca\nVmPeak:\t  900000 kB\nVmRSS:\t   40960 kB\nThreads:\t9\n"
        XCTAssertEqual(SoakReadings.residentMB(procStatus: status), 40)
        XCTAssertNil(SoakReadings.residentMB(procStatus: "Name:\tx\n"))
        let prom =
            "# HELP spc_ingest_applied_total x\n# TYPE spc_ingest_applied_total counter\nspc_ingest_applied_total 1234\nspc_pools{status=\"ok\"} 16\n"
        XCTAssertEqual(SoakReadings.metric("spc_ingest_applied_total", in: prom), 1234)
        XCTAssertNil(SoakReadings.metric("spc_pools", in: prom))
    }

    func testSubscriptionCapGivesSeveralConnectionsWithinTheProviderLimit() {
        XCTAssertEqual(SoakRun.defaultSubscriptionCap(pools: 10), 10)
        XCTAssertEqual(SoakRun.defaultSubscriptionCap(pools: 120), 60)
        XCTAssertEqual(SoakRun.defaultSubscriptionCap(pools: 1_000), 100)
    }

    func testSimulatorPortsAreReadFromItsBanner() {
        let ports = SoakRun.simulatorPorts("JSON-RPC http://127.0.0.1:41234   PubSub ws://127.0.0.1:41235   (Ctrl-C stops)")
        XCTAssertEqual(ports?.0, 41234)
        XCTAssertEqual(ports?.1, 41235)
        XCTAssertNil(SoakRun.simulatorPorts("simulated cluster: 16 pools"))
    }

    func testGeneratedConfigIsAcceptedByTheServiceLoader() throws {
        let pools = [
            try Pubkey(base58: "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2"), try Pubkey(base58: "7JuwJuNU88gurFnyWeiyGKbFmExMWcmRZntn9imEzdny"),
        ]
        var c = SoakServiceConfig(
            rpcPort: 18899, pubsubPort: 18900, proxy: (.socks5, 1080), apiPort: 13001,
            subscriptionsPerConnection: 10, silenceDeadlineSeconds: 3, pools: pools)
        c.proxyCredentials = ("soak", "pw1")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("soak-\(UUID().uuidString).toml")
        try c.toml.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let loaded = try ConfigLoader.load(path: url.path)
        XCTAssertEqual(loaded.pools.map(\.address), pools)
        XCTAssertEqual(loaded.unknownKeys, [])
        XCTAssertEqual(loaded.ingest.proxy, .init(kind: .socks5, host: "127.0.0.1", port: 1080, username: "soak", password: "pw1"))
        XCTAssertEqual(loaded.ingest.endpoints.map(\.httpURL), ["http://127.0.0.1:18899"])
        XCTAssertEqual(loaded.ingest.maxSubscriptionsPerConnection, 10)
        XCTAssertEqual(loaded.ingest.silenceDeadlineSeconds, 3)
        XCTAssertEqual(loaded.api.host, "127.0.0.1")
        XCTAssertNil(loaded.yellowstone)

        c.grpcPort = 10000
        try c.toml.write(to: url, atomically: true, encoding: .utf8)
        XCTAssertEqual(try ConfigLoader.load(path: url.path).yellowstone?.endpoint, "http://127.0.0.1:10000")
        XCTAssertEqual(try ConfigLoader.load(path: url.path).persistence.backend, .disabled)

        c.databaseURL = "postgresql://spc@127.0.0.1:15432/spc_test"
        try c.toml.write(to: url, atomically: true, encoding: .utf8)
        let withDatabase = try ConfigLoader.load(path: url.path)
        XCTAssertEqual(withDatabase.persistence.backend, .postgres(url: "postgresql://spc@127.0.0.1:15432/spc_test"))
        XCTAssertEqual(withDatabase.persistence.snapshotIntervalSeconds, 1)
        XCTAssertTrue(withDatabase.persistence.recordAccounts)
        XCTAssertEqual(withDatabase.unknownKeys, [])
    }
}
