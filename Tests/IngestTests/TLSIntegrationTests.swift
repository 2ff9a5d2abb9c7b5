import Cache
import Foundation
@testable import Ingest
import IngestTestSupport
import Logging
import RPC
import Simulator
import SolanaCore
import XCTest

/// `wss://` + `https://` ingestion for real: a throwaway CA and server certificate made with the
/// `openssl` CLI, `socat` terminating TLS in front of the in-process simulator (one listener for
/// JSON-RPC, one for PubSub), and `IngestEngine` trusting the CA through `tlsCAFile` — directly,
/// through tinyproxy (HTTP CONNECT) and through microsocks (SOCKS5). Ends with the invariant of
/// the other ingestion tests: every cached account equals the simulator's bytes.
final class TLSIntegrationTests: XCTestCase {
    typealias Route = ProxyRoute

    /// A simulator behind two socat TLS terminators, the engine over it, and the proxy if any.
    struct Rig {
        let sim: SimulatorHarness
        let tls: [TLSTerminator]
        let store: PoolStore
        let engine: IngestEngine
        let task: Task<Void, Error>
        let proxy: LocalProxy?
        func stop() {
            task.cancel()
            for t in tls { t.stop() }
            sim.stop()
            proxy?.stop()
        }
    }

    static let certificates = Result { try TestCertificates.make() }

    func start(route: Route, trustCA: Bool = true) async throws -> Rig {
        let certs = try Self.certificates.get()
        let sim = try await SimulatorHarness.start(slotMillis: 40, swapsPerSlot: 6)
        let rpcTLS: TLSTerminator, wsTLS: TLSTerminator
        do {
            rpcTLS = try TLSTerminator.start(certificates: certs, forwardTo: sim.rpcPort)
            wsTLS = try TLSTerminator.start(certificates: certs, forwardTo: sim.wsPort)
        } catch { sim.stop(); throw error }
        // By address (IP SAN, no SNI) and by name (DNS SAN, SNI): both spellings must verify.
        let endpoints = ["127.0.0.1", "localhost"].map { host in
            IngestConfig.Endpoint(websocketURL: "wss://\(host):\(wsTLS.port)", httpURL: "https://\(host):\(rpcTLS.port)", requestsPerSecond: 200)
        }
        var config = IngestConfig.forTests(endpoints: endpoints)
        config.tlsCAFile = trustCA ? certs.caFile : nil
        let proxy = try config.route(route)
        let store = PoolStore()
        for pool in sim.cluster.poolAddresses { store.addPool(PoolConfig(address: pool)) }
        var logger = Logger(label: "ingest-tls-test")
        logger.logLevel = ProcessInfo.processInfo.environment["INGEST_TEST_LOG"] == nil ? .error : .debug
        let engine = try IngestEngine(store: store, config: config, logger: logger)
        let task = Task { try await engine.run() }
        return Rig(sim: sim, tls: [rpcTLS, wsTLS], store: store, engine: engine, task: task, proxy: proxy)
    }

    // MARK: trusted CA: live over TLS, cache equals chain

    func streamOverTLS(_ route: Route) async throws {
        let rig = try await start(route: route)
        defer { rig.stop() }
        let live = await SimulatorHarness.eventually(timeout: 30) {
            let conns = rig.engine.connections()
            return !conns.isEmpty && conns.allSatisfy { $0.state == .live } && rig.store.entries().allSatisfy { $0.status != .pending }
        }
        XCTAssertTrue(live, "not live: \(rig.engine.connections().map { "\($0.id):\($0.state.rawValue) \($0.lastError ?? "")" })")
        XCTAssertTrue(
            rig.store.entries().allSatisfy { $0.status == .ok },
            "\(rig.store.entries().filter { $0.status != .ok }.map { "\($0.address): \($0.status)" })")
        XCTAssertTrue(rig.engine.connections().allSatisfy { $0.endpoint.hasPrefix("wss://") }, "\(rig.engine.connections().map(\.endpoint))")
        // Swaps stream in over the TLS WebSocket.
        let before = rig.engine.counters().notifications
        let streamed = await SimulatorHarness.eventually(timeout: 10) { rig.engine.counters().notifications - before > 50 }
        XCTAssertTrue(streamed, "notifications over wss: \(rig.engine.counters().notifications - before)")
        XCTAssertEqual(rig.engine.counters().reconnects, 0)
        // Both spellings of the endpoint verify: by IP (SAN IP, no SNI) and by name (SAN DNS, SNI).
        for host in ["127.0.0.1", "localhost"] {
            let client = try JSONRPCClient(
                url: "https://\(host):\(rig.tls[0].port)", dialer: try XCTUnwrap(rig.engine.source as? RPCAccountSource).dialer,
                options: .init(requestsPerSecond: 100, requestTimeoutSeconds: 5))
            defer { client.shutdown() }
            let slot = try await client.call("getSlot", params: .array([]))
            XCTAssertNotNil(slot.uint64, "getSlot over https://\(host) via \(route)")
        }
        try await rig.sim.control("simulatorPause")
        var last: [String] = []
        let equal = await SimulatorHarness.eventually(timeout: 15) {
            last = SimulatorHarness.mismatches(store: rig.store, cluster: rig.sim.cluster)
            return last.isEmpty
        }
        XCTAssertTrue(equal, "cache differs from the chain: \(last)")
        XCTAssertGreaterThan(rig.store.entries().filter { $0.status == .ok }.count, 0)
    }

    func testStreamOverTLS() async throws { try await streamOverTLS(.direct) }
    func testStreamOverTLSThroughHTTPConnectProxy() async throws { try await streamOverTLS(.httpConnect) }
    func testStreamOverTLSThroughSOCKS5Proxy() async throws { try await streamOverTLS(.socks5) }

    // MARK: untrusted CA: a clear TLS error, no crash, no pool ok

    func testUntrustedCertificateFailsWithTLSError() async throws {
        let rig = try await start(route: .direct, trustCA: false)
        defer { rig.stop() }
        let settled = await SimulatorHarness.eventually(timeout: 20) { rig.store.entries().allSatisfy { $0.status != .pending } }
        XCTAssertTrue(settled)
        let entries = rig.store.entries()
        XCTAssertFalse(entries.isEmpty)
        XCTAssertTrue(entries.allSatisfy { $0.status != .ok }, "no pool may be ok without a trusted server certificate")
        XCTAssertEqual(rig.store.watchedAccounts().compactMap { rig.store.account($0) }.count, 0, "nothing cached from an unverified peer")
        // The validation error names the cause.
        let reasons = entries.map { "\($0.status)" }
        XCTAssertTrue(reasons.allSatisfy { $0.localizedCaseInsensitiveContains("certificate") }, "\(reasons.prefix(3))")
        // WebSocket shards (if any were started) fail the same way and keep retrying; none goes live.
        await sleep(1)
        let conns = rig.engine.connections()
        XCTAssertTrue(conns.allSatisfy { $0.state != .live }, "\(conns.map(\.state))")
        for c in conns where c.lastError != nil {
            XCTAssertTrue(c.lastError!.localizedCaseInsensitiveContains("certificate"), "connection \(c.id): \(c.lastError!)")
        }
        // The process and the simulator are unharmed: the simulator still answers in plain HTTP.
        let slot = try await rig.sim.control("getSlot")
        XCTAssertNotNil(slot.uint64)
    }

    func sleep(_ s: Double) async { try? await Task.sleep(nanoseconds: UInt64(s * 1e9)) }
}

/// A throwaway CA and a server certificate it signed, for 127.0.0.1 and localhost, made with the
/// `openssl` CLI in a temp dir (once per test run).
struct TestCertificates: Sendable {
    let directory: URL
    var caFile: String { directory.appendingPathComponent("ca.pem").path }
    var certFile: String { directory.appendingPathComponent("server.pem").path }
    var keyFile: String { directory.appendingPathComponent("server.key").path }

    static func make() throws -> TestCertificates {
        guard let openssl = LocalProxy.binary("openssl") else { throw LocalProxy.Failure.missing("openssl") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let ext = dir.appendingPathComponent("server.ext")
        try """
        basicConstraints=CA:FALSE
        keyUsage=digitalSignature,keyEncipherment
        extendedKeyUsage=serverAuth
        subjectAltName=IP:127.0.0.1,DNS:localhost

        """.write(to: ext, atomically: true, encoding: .utf8)
        let p = { (name: String) in dir.appendingPathComponent(name).path }
        try run(
            openssl,
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", p("ca.key"), "-out", p("ca.pem"), "-days", "2",
                "-subj", "/CN=solana-pool-cache test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        try run(openssl, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", p("server.key"), "-out", p("server.csr"), "-subj", "/CN=localhost"])
        try run(
            openssl,
            [
                "x509", "-req", "-in", p("server.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"), "-CAcreateserial",
                "-out", p("server.pem"), "-days", "2", "-extfile", ext.path,
            ])
        return TestCertificates(directory: dir)
    }

    static func run(_ bin: String, _ args: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bin)
        process.arguments = args
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let why = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw LocalProxy.Failure.didNotStart("openssl \(args.first ?? ""): \(String(decoding: why, as: UTF8.self).prefix(500))")
        }
    }
}

/// `socat` terminating TLS on a free loopback port and forwarding plain TCP to `forwardTo`
/// (a fork per connection), stopped with the test.
// @unchecked Sendable: immutable after init (port and process are lets).
final class TLSTerminator: @unchecked Sendable {
    let port: Int
    let process: Process

    init(port: Int, process: Process) { self.port = port; self.process = process }

    static func start(certificates: TestCertificates, forwardTo target: Int) throws -> TLSTerminator {
        guard let bin = LocalProxy.binary("socat") else { throw LocalProxy.Failure.missing("socat") }
        let port = try LoopbackPort.free()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bin)
        process.arguments = [
            "openssl-listen:\(port),bind=127.0.0.1,reuseaddr,fork,cert=\(certificates.certFile),key=\(certificates.keyFile),verify=0",
            "TCP:127.0.0.1:\(target)",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let terminator = TLSTerminator(port: port, process: process)
        for _ in 0..<100 {
            if LoopbackPort.isListening(port) { return terminator }
            if !process.isRunning { break }
            usleep(50_000)
        }
        terminator.stop()
        throw LocalProxy.Failure.didNotStart("socat TLS terminator on \(port)")
    }

    func stop() {
        // SIGKILL: socat started from the test process ignores SIGTERM (it inherits a blocked mask).
        // Per-connection children end when their peers close.
        LocalProxy.terminate(process)
    }

    deinit { stop() }
}
