import Cache
import Foundation
import GracefulStop
import Hummingbird
import HummingbirdWebSocket
import Ingest
import Logging
import NIOCore
import RPC
import Simulator
import SolanaCore
import XCTest

/// Backpressure end to end: a PubSub server floods one connection with 200,000 notifications
/// (old versions of the followed accounts) while the consumer is slowed. The connection's bounded
/// event buffer overflows, the connection is dropped instead of memory growing, the source
/// reconnects and re-reads what it follows, and the consumer ends with exactly the chain's state.
final class FloodTests: XCTestCase {
    /// A consumer that takes 100 µs per update and keeps the newest version of each account.
    // @unchecked Sendable: `lock` guards latest, updates, resyncs and reconnects.
    final class SlowSink: AccountSink, @unchecked Sendable {
        private let lock = NSLock()
        private(set) var latest: [Pubkey: AccountData] = [:]
        private(set) var updates = 0, resyncs = 0, reconnects = 0
        func keep(_ a: AccountData) { if (latest[a.address]?.slot ?? 0) <= a.slot { latest[a.address] = a } }
        func update(_ account: AccountData, receivedAt: Double) {
            usleep(100)
            lock.withLock {
                updates += 1; keep(account)
            }
        }
        func resync(_ accounts: [AccountData]) -> Int {
            lock.withLock {
                resyncs += 1; accounts.forEach(keep)
            }
            return 0
        }
        func record(_ event: SourceEvent) { if event == .reconnect { lock.withLock { reconnects += 1 } } }
        var snapshot: (latest: [Pubkey: AccountData], updates: Int, resyncs: Int, reconnects: Int) {
            lock.withLock { (latest, updates, resyncs, reconnects) }
        }
    }

    static func rss(_ field: String) throws -> Int {
        let text = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
            let kb = Int(line.split(separator: " ").dropFirst().first ?? ""), kb > 0
        else { throw CocoaError(.fileReadCorruptFile) }
        return kb * 1024
    }

    func testTwoHundredThousandNotificationsIntoASlowConsumerStayBoundedAndEndEqualToTheChain() async throws {
        // The chain: the bundled cluster, frozen; JSON-RPC from the simulator (re-reads after the drop).
        let cluster = try Cluster.bundled(seed: 4, swapsPerSlot: 0)
        for _ in 0..<3 { cluster.advance(force: true) }
        var quiet = Logger(label: "flood")
        quiet.logLevel = .critical
        let simulator = SimulatorServer(cluster: cluster, options: .init(port: 0, slotMillis: 60_000), logger: quiet)
        let simPorts = ReadyPorts()
        let simTask = Task { do { try await simulator.run { r, p in simPorts.set(r, p) } } catch { simPorts.fail(error); throw error } }
        defer { simTask.cancel() }
        let (rpcPort, _) = try await simPorts.wait(timeout: 30)
        // The followed accounts: token vaults (small, so the buffer's bytes are the overhead being bounded).
        let vaults = Array(cluster.allAccounts().filter { $0.data.count == 165 }.map(\.address).sorted().prefix(40))
        XCTAssertGreaterThanOrEqual(vaults.count, 10)
        let initial = Dictionary(uniqueKeysWithValues: vaults.map { ($0, cluster.account($0)!) })

        // The PubSub side: answers every subscription; on the first connection, once all 40 are
        // subscribed, 200,000 notifications of older versions of them, then nothing.
        let total = 200_000
        let connections = Counter()
        let sink = SlowSink()
        let floodPorts = ReadyPorts()
        let router = Router()
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(configuration: .init(ws: .init(autoPing: .disabled))) { _, _, _ in
                .upgrade([:]) { inbound, outbound, _ in
                    let first = connections.next() == 1
                    var subscribed: [Int: Pubkey] = [:]
                    var nextId = 1
                    for try await message in inbound.messages(maxSize: 1 << 16) {
                        guard case .text(let text) = message,
                            let o = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], let id = o["id"] as? Int,
                            let method = o["method"] as? String
                        else { continue }
                        let sid = nextId
                        nextId += 1
                        try await outbound.write(.text(#"{"jsonrpc":"2.0","result":\#(sid),"id":\#(id)}"#))
                        guard method == "accountSubscribe", let keyText = (o["params"] as? [Any])?.first as? String,
                            case let key = try Pubkey(base58: keyText)  // a bad key from the client ends the server: the test fails
                        else { continue }
                        subscribed[sid] = key
                        if first && subscribed.count == vaults.count {
                            // After the source's first re-read (the old state), so only a re-read after
                            // the drop can bring the new one.
                            let readBy = Date().addingTimeInterval(30)
                            while sink.snapshot.resyncs < 1 && Date() < readBy { try await Task.sleep(for: .milliseconds(10)) }
                            // The chain moves on (every followed vault written at a new slot) and this
                            // connection never says so: only a re-read after the drop can bring it.
                            cluster.create(
                                vaults.map { k in
                                    var a = cluster.account(k)!
                                    a.data[65] &+= 1
                                    return a
                                })
                            let subs = subscribed.sorted { $0.key < $1.key }
                            for i in 0..<total {
                                let (sid, key) = subs[i % subs.count]
                                var old = initial[key]!
                                old.slot = UInt64(1 + i / subs.count)  // far older than the chain's
                                old.data[64] = UInt8(truncatingIfNeeded: i)  // a different (stale) amount
                                try await outbound.write(.text(PubSubSession.accountNotification(old, slot: old.slot, subscription: sid)))
                            }
                        }
                    }
                }
            },
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { floodPorts.set(0, $0.localAddress?.port ?? 0) }, logger: quiet)
        let server = Task { try await GracefulStop.run([app], logger: quiet) }
        defer { server.cancel() }
        let (_, floodPort) = try await floodPorts.wait(timeout: 30)
        XCTAssertNotEqual(floodPort, 0)

        var config = IngestConfig.forTests(endpoints: [
            .init(websocketURL: "ws://127.0.0.1:\(floodPort)", httpURL: "http://127.0.0.1:\(rpcPort)", requestsPerSecond: 500)
        ])
        config.silenceDeadlineSeconds = 30
        let source = try RPCAccountSource(config: config, logger: quiet)
        source.follow(Set(vaults))
        let rssBefore = try Self.rss("VmRSS")
        let running = Task { try await source.run(into: sink) }
        defer { running.cancel() }

        // Done when a reconnect happened and the consumer holds the chain's bytes at a slot no older
        // than the chain's write (a re-read carries the reply's context slot).
        let deadline = Date().addingTimeInterval(120)
        var s = sink.snapshot
        func equal() -> Bool {
            vaults.allSatisfy { k in
                let chain = cluster.account(k)!
                return s.latest[k]?.data == chain.data && (s.latest[k]?.slot ?? 0) >= chain.slot
            }
        }
        while Date() < deadline {
            s = sink.snapshot
            if s.reconnects >= 1 && connections.value >= 2 && s.resyncs >= 2 && equal() { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let peak = try Self.rss("VmHWM")
        XCTAssertGreaterThanOrEqual(s.reconnects, 1, "the overflowing connection was dropped and replaced")
        XCTAssertGreaterThanOrEqual(connections.value, 2)
        XCTAssertLessThan(s.updates, total, "the slowed consumer did not take every flooded notification")
        XCTAssertGreaterThan(s.resyncs, 1, "the reconnect re-read the followed accounts")
        XCTAssertTrue(equal(), "the consumer ends equal to the chain (written after the flood began, so only the re-read brings it)")
        XCTAssertTrue(vaults.allSatisfy { cluster.account($0)!.data != initial[$0]!.data }, "the chain moved during the flood")
        let growth = peak - rssBefore
        FileHandle.standardError.write(
            Data("FLOOD sent=\(total) consumed=\(s.updates) reconnects=\(s.reconnects) peak_rss_growth_mib=\(growth >> 20)\n".utf8))
        XCTAssertLessThan(growth, 256 << 20, "resident memory grew by \(growth >> 20) MiB")
    }

    /// A connection counter.
    // @unchecked Sendable: `lock` guards n.
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func next() -> Int {
            lock.withLock {
                n += 1; return n
            }
        }
        var value: Int { lock.withLock { n } }
    }
}
