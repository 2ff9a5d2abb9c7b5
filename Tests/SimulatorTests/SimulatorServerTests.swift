import Dex
import Foundation
import SolanaCore
import XCTest
@testable import Simulator

/// The real servers on loopback (ports chosen by the OS): HTTP JSON-RPC and the PubSub WebSocket,
/// seen from raw sockets, with every scripted fault observed the way a client would observe it.
final class SimulatorServerTests: XCTestCase {
    var cluster: Cluster!
    var server: SimulatorServer!
    var task: Task<Void, Error>?
    var rpcPort = 0
    var wsPort = 0

    /// Starts a server with a slow clock (slots come from simulatorAdvance/simulatorSwap).
    func start(requestsPerSecond: Double? = nil) async throws {
        cluster = try Cluster.bundled(seed: 1, swapsPerSlot: 0)
        var options = SimulatorServer.Options(port: 0, slotMillis: 60_000, requestsPerSecond: requestsPerSecond)
        options.host = "127.0.0.1"
        server = SimulatorServer(cluster: cluster, options: options)
        let (stream, cont) = AsyncStream<(Int, Int)>.makeStream()
        let server = self.server!
        task = Task {
            defer { cont.finish() }; try await server.run { r, p in _ = cont.yield((r, p)) }
        }
        for await (r, p) in stream { rpcPort = r; wsPort = p; break }
        XCTAssertGreaterThan(rpcPort, 0)
        XCTAssertGreaterThan(wsPort, 0)
    }

    override func tearDown() async throws {
        task?.cancel()
        _ = await task?.result
    }

    @discardableResult
    func rpc(_ method: String, _ params: String = "[]") throws -> [String: Any] {
        let r = try httpPost(port: rpcPort, body: #"{"jsonrpc":"2.0","id":1,"method":"\#(method)","params":\#(params)}"#)
        XCTAssertEqual(r.status, 200, "\(method): \(r.body)")
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: Any])
    }

    /// A pool and its first vault (a token account that changes on every swap of the pool).
    func poolAndVault() throws -> (pool: Pubkey, vault: Pubkey, mint: Pubkey) {
        let pool = try XCTUnwrap(cluster.poolAddresses.first { cluster.model($0)?.dex == .raydiumCpmm })
        let m = try XCTUnwrap(cluster.model(pool) as? RaydiumCpmmPool)
        return (pool, m.state.token0Vault, m.mintA)
    }

    func swap(_ pool: Pubkey, _ mint: Pubkey, _ amount: UInt64 = 1_000_000) throws {
        let r = try rpc("simulatorSwap", #"[{"pool":"\#(pool.base58)","inputMint":"\#(mint.base58)","amountIn":"\#(amount)"}]"#)
        XCTAssertNotNil(r["result"], "\(r)")
    }

    func subscribe(_ ws: RawWebSocket, _ key: Pubkey, id: Int = 1) throws -> Int {
        var ignored: [[String: Any]] = []
        let r = try ws.request(id, "accountSubscribe", #"["\#(key.base58)",{"encoding":"base64","commitment":"confirmed"}]"#, notifications: &ignored)
        return try XCTUnwrap(r["result"] as? Int, "\(r)")
    }

    static func slot(of note: [String: Any]) -> UInt64? {
        (((note["params"] as? [String: Any])?["result"] as? [String: Any])?["context"] as? [String: Any]).flatMap {
            ($0["slot"] as? NSNumber)?.uint64Value
        }
    }

    static func data(of note: [String: Any]) -> [UInt8]? {
        let value = ((note["params"] as? [String: Any])?["result"] as? [String: Any])?["value"] as? [String: Any]
        return (value?["data"] as? [String]).flatMap { Data(base64Encoded: $0[0]) }.map(Array.init)
    }

    /// A taken PubSub port ends `run` with the bind error at once. (It used to hang: the group
    /// waited for the HTTP server and the clock after the WebSocket server had failed, and the
    /// ready notifier waited on a continuation nobody would resume, so not even SIGTERM ended it.)
    func testTakenPortFailsRunInsteadOfHanging() async throws {
        try await start()
        var options = SimulatorServer.Options(port: wsPort - 1, slotMillis: 60_000)  // its PubSub port would be wsPort: taken
        options.host = "127.0.0.1"
        let second = SimulatorServer(cluster: cluster, options: options)
        let started = Date()
        let outcome = await withTaskGroup(of: String.self) { group -> String in
            group.addTask {
                do { try await second.run(); return "returned" } catch { return "threw \(error)" }
            }
            group.addTask {
                do { try await Task.sleep(for: .seconds(20)) } catch { return "cancelled" }
                return "still running after 20 s"
            }
            let first = await group.next() ?? ""
            group.cancelAll()
            return first
        }
        XCTAssertTrue(outcome.hasPrefix("threw") && outcome.contains("in use"), outcome)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }

    func testHttpAndWebSocketServeTheCluster() async throws {
        try await start()
        let slot = try XCTUnwrap((try rpc("getSlot")["result"] as? NSNumber)?.uint64Value)
        XCTAssertEqual(slot, cluster.slot)
        let (pool, vault, mint) = try poolAndVault()
        let info = try rpc("getAccountInfo", #"["\#(vault.base58)",{"encoding":"base64"}]"#)
        XCTAssertNotNil((info["result"] as? [String: Any])?["value"] as? [String: Any])

        let ws = try RawWebSocket(port: wsPort)
        let sid = try subscribe(ws, vault)
        var ignored: [[String: Any]] = []
        let slotSub = try XCTUnwrap(try ws.request(2, "slotSubscribe", "[]", notifications: &ignored)["result"] as? Int)
        try swap(pool, mint)
        var sawAccount = false, sawSlot = false
        while !(sawAccount && sawSlot) {
            let n = try ws.receiveJSON()
            let params = try XCTUnwrap(n["params"] as? [String: Any])
            if n["method"] as? String == "accountNotification" {
                XCTAssertEqual(params["subscription"] as? Int, sid)
                XCTAssertEqual(Self.slot(of: n), cluster.slot)
                XCTAssertEqual(Self.data(of: n), cluster.account(vault)?.data, "notification carries the new vault bytes")
                XCTAssertEqual(
                    try TokenAccount(AccountData(address: vault, owner: cluster.account(vault)!.owner, data: Self.data(of: n)!)).amount,
                    try TokenAccount(cluster.account(vault)!).amount)
                sawAccount = true
            } else if n["method"] as? String == "slotNotification" {
                XCTAssertEqual(params["subscription"] as? Int, slotSub)
                sawSlot = true
            }
        }
        // Unsubscribed: the next swap sends nothing for the vault (only the slot notification).
        XCTAssertEqual(try ws.request(3, "accountUnsubscribe", "[\(sid)]", notifications: &ignored)["result"] as? Bool, true)
        try swap(pool, mint)
        XCTAssertEqual(try ws.receiveJSON()["method"] as? String, "slotNotification")
    }

    func testPingPongAndTheClientFrameLimit() async throws {
        try await start()
        let ws = try RawWebSocket(port: wsPort)
        try ws.send(opcode: 0x9, Array("are-you-there".utf8))
        let pong = try ws.receive()
        XCTAssertEqual(pong.opcode, 0xA)
        XCTAssertEqual(pong.text, "are-you-there")

        // A 4000-byte request is read and answered (here: a JSON-RPC error for its bogus key).
        let padding = String(repeating: "x", count: 3_900)
        try ws.sendText(#"{"jsonrpc":"2.0","id":5,"method":"accountSubscribe","params":["\#(padding)"]}"#)
        let reply = try ws.receiveJSON()
        XCTAssertEqual(reply["id"] as? Int, 5)
        XCTAssertEqual((reply["error"] as? [String: Any])?["code"] as? Int, -32602)

        // Over 4096 bytes: the server closes the connection (close frame and/or EOF), as mainnet does.
        try ws.sendText(#"{"jsonrpc":"2.0","id":6,"method":"getSlot","params":["\#(String(repeating: "y", count: 5_000))"]}"#)
        var closed = false
        do {
            while true {
                let f = try ws.receive()
                if f.opcode == 0x8 {
                    closed = true
                    if f.payload.count >= 2 { XCTAssertEqual(Int(f.payload[0]) << 8 | Int(f.payload[1]), 1009, "close code: message too big") }
                    break
                }
            }
        } catch LoopbackSocket.SocketError.closed { closed = true }
        XCTAssertTrue(closed)
    }

    func testRateLimitAnswers429WithRetryAfter() async throws {
        try await start(requestsPerSecond: 2)
        var statuses: [Int] = []
        var retryAfter: String?
        for _ in 0..<6 {
            let r = try httpPost(port: rpcPort, body: #"{"jsonrpc":"2.0","id":1,"method":"getSlot"}"#)
            statuses.append(r.status)
            if r.status == 429 { retryAfter = r.headers["retry-after"] }
        }
        XCTAssertTrue(statuses.contains(200))
        XCTAssertTrue(statuses.contains(429), "\(statuses)")
        XCTAssertEqual(retryAfter, "1")
    }

    func testHttpFaults() async throws {
        try await start()
        try rpc("simulatorFault", #"[{"kind":"http429","count":1,"retryAfterSeconds":4}]"#)
        let limited = try httpPost(port: rpcPort, body: #"{"jsonrpc":"2.0","id":1,"method":"getSlot"}"#)
        XCTAssertEqual(limited.status, 429)
        XCTAssertEqual(limited.headers["retry-after"], "4")
        try rpc("simulatorFault", #"[{"kind":"http500","count":2}]"#)
        XCTAssertEqual(try httpPost(port: rpcPort, body: #"{"jsonrpc":"2.0","id":1,"method":"getSlot"}"#).status, 500)
        XCTAssertEqual(try httpPost(port: rpcPort, body: #"{"jsonrpc":"2.0","id":1,"method":"getSlot"}"#).status, 500)
        XCTAssertEqual(try httpPost(port: rpcPort, body: #"{"jsonrpc":"2.0","id":1,"method":"getSlot"}"#).status, 200)
    }

    func testDropClosesConnectionsAndRefuseRejectsUpgrades() async throws {
        try await start()
        let ws = try RawWebSocket(port: wsPort)
        _ = try subscribe(ws, try poolAndVault().vault)
        try rpc("simulatorFault", #"[{"kind":"drop"}]"#)
        var closed = false
        do { while try ws.receive().opcode != 0x8 {}; closed = true } catch LoopbackSocket.SocketError.closed { closed = true }
        XCTAssertTrue(closed, "drop closes the connection")

        try rpc("simulatorFault", #"[{"kind":"refuse","durationMs":800}]"#)
        XCTAssertThrowsError(try RawWebSocket(port: wsPort)) { error in
            XCTAssertEqual((error as? RawWebSocket.UpgradeRefused)?.status, 400, "\(error)")
        }
        try await Task.sleep(for: .milliseconds(1_000))
        XCTAssertNoThrow(try RawWebSocket(port: wsPort), "connections are accepted again after the refusal window")
    }

    func testStallSilencesPongsAndNotificationsThenRecovers() async throws {
        try await start()
        let (pool, vault, mint) = try poolAndVault()
        let ws = try RawWebSocket(port: wsPort, timeoutMs: 500)
        _ = try subscribe(ws, vault)
        try rpc("simulatorFault", #"[{"kind":"stall","durationMs":1200}]"#)
        try ws.send(opcode: 0x9, Array("ping".utf8))
        try swap(pool, mint)
        XCTAssertThrowsError(try ws.receive(), "no pong and no notification while stalled") { error in
            guard case LoopbackSocket.SocketError.timeout = error else { return XCTFail("\(error)") }
        }
        try await Task.sleep(for: .milliseconds(1_000))
        try ws.send(opcode: 0x9, Array("again".utf8))
        let pong = try ws.receive()
        XCTAssertEqual(pong.opcode, 0xA, "pongs resume after the stall")
    }

    func testDelayDuplicateAndOlderSlotNotifications() async throws {
        try await start()
        let (pool, vault, mint) = try poolAndVault()
        let ws = try RawWebSocket(port: wsPort, timeoutMs: 3_000)
        _ = try subscribe(ws, vault)

        // delay: the notification arrives no sooner than delayMs after the change.
        try rpc("simulatorFault", #"[{"kind":"delay","delayMs":600,"durationMs":1500}]"#)
        let t0 = Date()
        try swap(pool, mint)
        _ = try ws.receiveJSON()
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(t0), 0.55)
        try await Task.sleep(for: .milliseconds(1_600))

        // duplicate: the same notification twice.
        try rpc("simulatorFault", #"[{"kind":"duplicate","durationMs":1500}]"#)
        try swap(pool, mint)
        let first = try ws.receiveJSON(), second = try ws.receiveJSON()
        XCTAssertEqual(Self.slot(of: first), Self.slot(of: second))
        XCTAssertEqual(Self.data(of: first), Self.data(of: second))
        try await Task.sleep(for: .milliseconds(1_600))

        // older_slot: after the newest version, the previous (older-slot) one is delivered too.
        try rpc("simulatorFault", #"[{"kind":"older_slot","durationMs":3000}]"#)
        try swap(pool, mint)
        let newer = try ws.receiveJSON(), older = try ws.receiveJSON()
        let newSlot = try XCTUnwrap(Self.slot(of: newer)), oldSlot = try XCTUnwrap(Self.slot(of: older))
        XCTAssertLessThan(oldSlot, newSlot)
        XCTAssertEqual(Self.data(of: newer), cluster.account(vault)?.data)
        XCTAssertEqual(Self.data(of: older), cluster.previousVersion(vault)?.data)
    }

    func testSubscriptionCapPerConnection() async throws {
        try await start()
        let ws = try RawWebSocket(port: wsPort)
        let keys = cluster.allAccounts().map(\.address).sorted().prefix(101)
        var ignored: [[String: Any]] = []
        for (i, k) in keys.enumerated() {
            let r = try ws.request(i + 1, "accountSubscribe", #"["\#(k.base58)"]"#, notifications: &ignored)
            if i < 100 {
                XCTAssertNotNil(r["result"] as? Int, "subscription \(i + 1)")
            } else {
                XCTAssertNotNil(r["error"], "subscription 101 refused")
            }
        }
        // Another connection has its own allowance.
        let other = try RawWebSocket(port: wsPort)
        XCTAssertNotNil(try other.request(1, "slotSubscribe", "[]", notifications: &ignored)["result"] as? Int)
    }
}
