import Foundation
import Dex
import IngestTestSupport
import RPC
import Simulator
import SolanaCore
import XCTest

/// The HTTP and PubSub clients against the in-process simulator over real loopback sockets:
/// directly, through tinyproxy (HTTP CONNECT) and through microsocks (SOCKS5), with credentials.
final class RPCIntegrationTests: XCTestCase {
    func route(_ kind: LocalProxy.Kind?, auth: Bool = true) throws -> (Dialer, LocalProxy?) {
        guard let kind else { return (try Dialer(connectTimeoutSeconds: 5), nil) }
        let proxy = try LocalProxy.start(kind, username: auth ? "cache" : nil, password: auth ? "pa55-word" : nil)
        let settings = ProxySettings(
            kind: kind == .httpConnect ? .httpConnect : .socks5, host: "127.0.0.1", port: proxy.port,
            username: proxy.username, password: proxy.password)
        return (try Dialer(proxy: settings, connectTimeoutSeconds: 5), proxy)
    }

    func testHTTPDirect() async throws { try await checkHTTP(nil) }
    func testHTTPThroughHTTPConnectProxy() async throws { try await checkHTTP(.httpConnect) }
    func testHTTPThroughSOCKS5Proxy() async throws { try await checkHTTP(.socks5) }
    func testPubSubDirect() async throws { try await checkPubSub(nil) }
    func testPubSubThroughHTTPConnectProxy() async throws { try await checkPubSub(.httpConnect) }
    func testPubSubThroughSOCKS5Proxy() async throws { try await checkPubSub(.socks5) }
    func testPubSubThroughSOCKS5ProxyWithoutCredentials() async throws { try await checkPubSub(.socks5, auth: false) }

    func checkHTTP(_ kind: LocalProxy.Kind?) async throws {
        let sim = try await SimulatorHarness.start(pools: 60)
        defer { sim.stop() }
        let (dialer, proxy) = try route(kind)
        defer { proxy?.stop() }
        let rpc = try JSONRPCClient(url: sim.httpURL, dialer: dialer, options: .init(requestsPerSecond: 100, requestTimeoutSeconds: 5))
        defer { rpc.shutdown() }
        let relayedBefore = try proxy?.bytesRelayed()
        try await sim.control("simulatorPause")
        // More than 100 keys: split into batches, order kept, unknown keys nil.
        var keys = sim.cluster.allAccounts().map(\.address).sorted()
        keys.append(Pubkey(bytes: [UInt8](repeating: 9, count: 32))!)
        XCTAssertGreaterThan(keys.count, 100)
        let (slot, accounts) = try await rpc.getMultipleAccounts(keys, commitment: "confirmed")
        XCTAssertEqual(slot, sim.cluster.slot)
        XCTAssertEqual(accounts.count, keys.count)
        XCTAssertNil(accounts.last!)
        if let proxy {
            // The answer (every account's bytes, base64 in JSON) crossed the proxy process, not a direct socket.
            let payload = accounts.compactMap { $0?.data.count }.reduce(0, +)
            let relayed = try proxy.bytesRelayed() - (relayedBefore ?? 0)
            XCTAssertGreaterThan(relayed, UInt64(payload), "only \(relayed) bytes crossed the \(proxy.kind) proxy for \(payload) bytes of accounts")
        }
        for (key, account) in zip(keys.dropLast(), accounts.dropLast()) {
            let sim = try XCTUnwrap(sim.cluster.account(key))
            XCTAssertEqual(account?.data, sim.data, "\(key)")
            XCTAssertEqual(account?.owner, sim.owner)
        }
        let rpcSlot = try await rpc.getSlot(commitment: "confirmed")
        XCTAssertEqual(rpcSlot, sim.cluster.slot)
        // getProgramAccounts with dataSize + memcmp: the Raydium AMM v4 pools whose coin mint is SOL.
        let sol = Pubkey("So11111111111111111111111111111111111111112")
        let (_, found) = try await rpc.getProgramAccounts(
            Pubkey("675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8"),
            filters: [.dataSize(752), .memcmp(offset: 400, bytes: sol.bytes)], commitment: "confirmed")
        let expected = sim.cluster.programAccounts(
            owner: Pubkey("675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8"), dataSize: 752,
            memcmp: [(400, sol.bytes)]
        ).map(\.address)
        XCTAssertEqual(found.map(\.address), expected)
        XCTAssertFalse(expected.isEmpty)
        // JSON-RPC errors are typed.
        do {
            _ = try await rpc.call("noSuchMethod", params: .array([]))
            XCTFail("expected an RPC error")
        } catch let e as TransportError {
            XCTAssertEqual(e, .rpc(code: -32601, message: "Method not found"))
        }
    }

    func testRetryAfterIsHonoured() async throws {
        let sim = try await SimulatorHarness.start()
        defer { sim.stop() }
        let rpc = try JSONRPCClient(url: sim.httpURL, dialer: try Dialer(), options: .init(requestsPerSecond: 100, requestTimeoutSeconds: 5))
        defer { rpc.shutdown() }
        try await sim.fault("http429", count: 3, retryAfterSeconds: 1)
        let start = Date()
        _ = try await rpc.getSlot(commitment: "confirmed")
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(rpc.stats.http429, 3)
        // Three 429s, each asking for 1 s: the client waited them out before succeeding.
        XCTAssertGreaterThanOrEqual(elapsed, 2.9)
    }

    /// A few 5xx answers are retried with backoff and the call succeeds; more than the attempts
    /// allowed end in a typed `HTTP 500` error, counted as a failure.
    func testServerErrorsAreRetriedThenReportedTyped() async throws {
        let sim = try await SimulatorHarness.start()
        defer { sim.stop() }
        var options = JSONRPCClient.Options(requestsPerSecond: 100, requestTimeoutSeconds: 5)
        options.maxAttempts = 4
        let rpc = try JSONRPCClient(url: sim.httpURL, dialer: try Dialer(), options: options)
        defer { rpc.shutdown() }
        try await sim.fault("http500", count: 3)
        let slot = try await rpc.getSlot(commitment: "confirmed")
        XCTAssertGreaterThan(slot, 0)
        XCTAssertLessThanOrEqual(slot, sim.cluster.slot)
        XCTAssertEqual(rpc.stats.requests, 4, "three 500s, then the answer")
        XCTAssertEqual(rpc.stats.retries, 3)
        XCTAssertEqual(rpc.stats.failures, 0)

        try await sim.fault("http500", count: 10)
        do {
            _ = try await rpc.getSlot(commitment: "confirmed")
            XCTFail("four 500s in a row must fail the call")
        } catch let e as TransportError {
            XCTAssertEqual(e, .httpStatus(500, retryAfter: nil))
        }
        XCTAssertEqual(rpc.stats.failures, 1)
    }

    func testRequestTimeout() async throws {
        let silent = try SilentListener()
        var options = JSONRPCClient.Options(requestsPerSecond: 100, requestTimeoutSeconds: 0.3)
        options.maxAttempts = 2
        let rpc = try JSONRPCClient(url: "http://127.0.0.1:\(silent.port)", dialer: try Dialer(), options: options)
        let start = Date()
        do {
            _ = try await rpc.getSlot(commitment: "confirmed")
            XCTFail("expected a timeout")
        } catch {
            XCTAssertEqual(error as? TransportError, .requestTimeout("http://127.0.0.1:\(silent.port) after 0.3s"))
            XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        }
    }

    func checkPubSub(_ kind: LocalProxy.Kind?, auth: Bool = true) async throws {
        let sim = try await SimulatorHarness.start(slotMillis: 30)
        defer { sim.stop() }
        let (dialer, proxy) = try route(kind, auth: auth)
        defer { proxy?.stop() }
        let ws = try await PubSubConnection.connect(
            url: sim.wsURL, dialer: dialer,
            options: .init(pingIntervalSeconds: 0.2, silenceDeadlineSeconds: 1, connectTimeoutSeconds: 5))
        defer { ws.close() }
        // A pool whose swaps the simulator writes (vault-reserve pools).
        let writable: Set<DexKind> = [.raydiumAmmV4, .raydiumCpmm, .orcaTokenSwapV2]
        guard let pool = sim.cluster.poolAddresses.first(where: { sim.cluster.model($0).map { writable.contains($0.dex) } ?? false }),
            let model = sim.cluster.model(pool)
        else { return XCTFail("no pools") }
        let vault = model.accountsToWatch().first { sim.cluster.account($0)?.data.count == 165 } ?? model.accountsToWatch()[0]
        try await ws.slotSubscribe()
        try await ws.subscribe(account: vault, commitment: "confirmed")
        try await sim.control("simulatorPause")
        let swap = try await sim.control(
            "simulatorSwap",
            .array([
                .object([
                    ("pool", .string(pool.base58)), ("inputMint", .string(model.mintA.base58)),
                    ("amountIn", .string("1000000")),
                ])
            ]))
        let swapSlot = try XCTUnwrap(swap["slot"]?.uint64)
        var seen: AccountData?
        for await event in ws.events {
            if case .account(let a, _) = event, a.address == vault, a.slot == swapSlot { seen = a; break }
        }
        let current = try XCTUnwrap(sim.cluster.account(vault))
        XCTAssertEqual(seen?.data, current.data)
        if let proxy {
            // The notification and the replies crossed the proxy process (the upgrade, subscriptions, pongs).
            XCTAssertGreaterThan(try proxy.bytesRelayed(), UInt64(current.data.count), "\(proxy.kind) proxy relayed nothing")
        }
        XCTAssertEqual(seen?.slot, current.slot)
        // Keepalive: pings are answered by the server, so a paused (quiet) cluster is not "silent".
        try await Task.sleep(nanoseconds: 1_500_000_000)
        XCTAssertLessThan(ProcessInfo.processInfo.systemUptime - ws.lastInboundAt, 1)
        try await ws.unsubscribe(account: vault)
        XCTAssertEqual(ws.subscribedAccounts, [])
    }

    func testStalledConnectionIsDeclaredDead() async throws {
        let sim = try await SimulatorHarness.start(slotMillis: 30)
        defer { sim.stop() }
        let ws = try await PubSubConnection.connect(
            url: sim.wsURL, dialer: try Dialer(),
            options: .init(pingIntervalSeconds: 0.1, silenceDeadlineSeconds: 0.5, connectTimeoutSeconds: 5))
        try await ws.slotSubscribe()
        try await sim.fault("stall", durationMs: 3_000)
        let start = Date()
        var closedWith: Error?
        for await event in ws.events { if case .closed(let e) = event { closedWith = e } }
        XCTAssertEqual(closedWith as? TransportError, .silent(seconds: 0.5))
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
    }

    /// A consumer that stops reading does not grow memory without bound: past `maxBufferedEvents`
    /// the connection is closed with a typed error (the engine's reconnect re-snapshots).
    func testStalledConsumerClosesTheConnectionInsteadOfBuffering() async throws {
        let sim = try await SimulatorHarness.start(slotMillis: 10)
        defer { sim.stop() }
        var options = PubSubConnection.Options(connectTimeoutSeconds: 5)
        options.maxBufferedEvents = 16
        let ws = try await PubSubConnection.connect(url: sim.wsURL, dialer: try Dialer(), options: options)
        defer { ws.close() }
        try await ws.slotSubscribe()
        // Do not read: ~100 slot notifications per second overflow 16 buffered events within a second.
        try await Task.sleep(for: .seconds(1.5))
        // Bounded: if the connection were still open after 10 s, closing it ends the stream.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(10)); ws.close()
        }
        defer { watchdog.cancel() }
        let began = Date()
        var seen = 0
        var closedWith: Error?
        for await event in ws.events {
            if case .closed(let e) = event { closedWith = e } else { seen += 1 }
        }
        XCTAssertLessThan(Date().timeIntervalSince(began), 5, "the stream ended because the connection was closed, not by the watchdog")
        XCTAssertLessThanOrEqual(seen, 16, "never more than the buffer was kept")
        XCTAssertGreaterThan(seen, 0)
        // The `.closed` event itself may not fit the full buffer; when it does, it names the cause.
        if let closedWith { XCTAssertEqual(closedWith as? TransportError, .consumerBehind(16)) }
    }

    func testSubscriptionLimitIsATypedError() async throws {
        let sim = try await SimulatorHarness.start(pools: 60)
        defer { sim.stop() }
        let ws = try await PubSubConnection.connect(url: sim.wsURL, dialer: try Dialer(), options: .init())
        defer { ws.close() }
        let keys = sim.cluster.allAccounts().map(\.address).sorted().prefix(101)
        let failed = await ws.subscribe(accounts: Array(keys), commitment: "processed")
        XCTAssertEqual(failed.count, 1)
        if case TransportError.rpc(let code, _)? = failed.first?.1 { XCTAssertEqual(code, -32003) } else { XCTFail("\(failed)") }
    }

    func testProxyWithWrongPasswordIsRefused() async throws {
        let sim = try await SimulatorHarness.start()
        defer { sim.stop() }
        for kind in [LocalProxy.Kind.httpConnect, .socks5] {
            let proxy = try LocalProxy.start(kind, username: "cache", password: "right")
            defer { proxy.stop() }
            let dialer = try Dialer(
                proxy: ProxySettings(
                    kind: kind == .httpConnect ? .httpConnect : .socks5, host: "127.0.0.1", port: proxy.port,
                    username: "cache", password: "wrong"), connectTimeoutSeconds: 3)
            do {
                _ = try await PubSubConnection.connect(url: sim.wsURL, dialer: dialer, options: .init(connectTimeoutSeconds: 3))
                XCTFail("\(kind): expected a refusal")
            } catch let e as TransportError {
                guard case .proxyRefused = e else { return XCTFail("\(kind): \(e)") }
            }
        }
    }
}
