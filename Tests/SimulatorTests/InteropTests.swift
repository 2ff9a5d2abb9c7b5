import Dex
import Foundation
import SolanaCore
import XCTest

/// An independent client (solana-py) against `solana-pool-cache simulate` run as a process: its HTTP
/// client reads accounts, its websocket API subscribes and receives a notification, and the bytes it
/// returns decode with the foundation decoders to the fixtures' values.
final class InteropTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repo.appendingPathComponent("../shared/fixtures").standardizedFileURL

    /// The fixture entry (expected decoded fields) of an address.
    static func expected(_ address: String) throws -> [String: Any] {
        let data = try Data(contentsOf: fixtures.appendingPathComponent("expected.json"))
        let files = try XCTUnwrap((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["files"] as? [[String: Any]])
        let entry = try XCTUnwrap(files.first { ($0["address"] as? String) == address && !(($0["file"] as? String) ?? "").contains("mocks") })
        return try XCTUnwrap(entry["decoded"] as? [String: Any])
    }

    static func text(_ v: Any) -> String {
        if let n = v as? NSNumber {
            if String(cString: n.objCType) == "c" { return n.boolValue ? "true" : "false" }
            return n.stringValue
        }
        return v as? String ?? "\(v)"
    }

    static func decodedFields(_ a: AccountData) throws -> [String: String] {
        let d = try AccountRegistry.decode(a)
        return Dictionary(
            d.fields.map { name, value -> (String, String) in
                switch value {
                case .int(let s), .string(let s): return (name, s)
                case .pubkey(let k): return (name, k.base58)
                case .bool(let b): return (name, b ? "true" : "false")
                default: return (name, "\(value)")
                }
            }, uniquingKeysWith: { a, _ in a })
    }

    /// Waits for the simulator's banner (`JSON-RPC http://H:R   PubSub ws://H:P`) in its output file.
    /// Port 0 and the banner, not "probe two ports and hope": a probed port can still be taken
    /// (an outgoing connection's ephemeral port) by the time the simulator binds it.
    static func bannerPorts(in log: URL, within seconds: Double) -> (rpc: Int, pubsub: Int)? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.contains("PubSub ws://") }) {
                let ports = line.split(whereSeparator: { $0 == " " }).compactMap { word -> Int? in
                    guard word.hasPrefix("http://") || word.hasPrefix("ws://") else { return nil }
                    return word.split(separator: ":").last.flatMap { Int($0) }
                }
                if ports.count == 2 { return (ports[0], ports[1]) }
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return nil
    }

    /// Ends a child within `seconds` (SIGTERM, then SIGKILL) and reaps it with a bounded poll:
    /// never an unbounded `waitUntilExit()` on a child that might not go.
    /// `simulate --port 0` (no random trading) as a process, with the ports its banner printed.
    func startSimulator(_ binary: URL) throws -> (Process, Int, Int, URL) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("spc-interop-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let sim = Process()
        sim.executableURL = binary
        sim.arguments = ["simulate", "--port", "0", "--seed", "1", "--swaps-per-slot", "0"]
        sim.standardOutput = try FileHandle(forWritingTo: log)
        sim.standardError = sim.standardOutput
        try sim.run()
        guard let (port, wsPort) = Self.bannerPorts(in: log, within: 30) else {
            Self.stop(sim)
            let text = String(decoding: (try Data(contentsOf: log)).prefix(2_000), as: UTF8.self)
            XCTAssertNoThrow(try FileManager.default.removeItem(at: log))
            throw SimulatorDidNotStart(output: text)
        }
        return (sim, port, wsPort, log)
    }

    /// Runs `Tests/interop/<script> args…` with solana-py and trades `pool` every 0.3 s until it
    /// exits (at most 60 s; it waits for a notification the trades cause); returns its JSON line.
    func tradeWhilePythonRuns(_ scriptAndArgs: [String], port: Int, pool: Pubkey, inputMint: Pubkey) throws -> [String: Any] {
        let py = Process()
        py.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        py.arguments = ["python3", Self.repo.appendingPathComponent("Tests/interop/\(scriptAndArgs[0])").path] + scriptAndArgs.dropFirst()
        let out = Pipe(), err = Pipe()
        py.standardOutput = out
        py.standardError = err
        try py.run()
        let deadline = Date().addingTimeInterval(60)
        while py.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.3)
            // The simulator is up: a failed request here is a failure, not something to retry around.
            _ = try httpPost(
                port: port,
                body:
                    #"{"jsonrpc":"2.0","id":1,"method":"simulatorSwap","params":[{"pool":"\#(pool.base58)","inputMint":"\#(inputMint.base58)","amountIn":"100000000"}]}"#
            )
        }
        Self.stop(py)
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(py.terminationStatus, 0, "\(scriptAndArgs[0]) failed: \(stderr)")
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any], stdout)
    }

    static func stop(_ process: Process, within seconds: Double = 10) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        let killed = Date().addingTimeInterval(5)
        while process.isRunning && Date() < killed { Thread.sleep(forTimeInterval: 0.05) }
    }

    func testSolanaPyReadsAccountsAndReceivesNotifications() throws {
        let binary = Self.repo.appendingPathComponent(".build/debug/solana-pool-cache")
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: binary.path), "build the executable first (swift build)")
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import solana.rpc.websocket_api"]
        try check.run()
        let checkDeadline = Date().addingTimeInterval(60)
        while check.isRunning && Date() < checkDeadline { Thread.sleep(forTimeInterval: 0.05) }
        Self.stop(check)
        XCTAssertEqual(check.terminationStatus, 0, "solana-py missing: scripts/test.sh installs it (pip install solana)")

        let (sim, port, wsPort, log) = try startSimulator(binary)
        defer {
            Self.stop(sim)
            XCTAssertNoThrow(try FileManager.default.removeItem(at: log))
        }
        var healthy = false
        var lastError = "no answer"
        for _ in 0..<100 where !healthy {
            // Refused while the process starts is expected; the last error is in the failure if it never answers.
            do {
                let r = try httpPost(port: port, body: #"{"jsonrpc":"2.0","id":1,"method":"getHealth"}"#)
                healthy = r.status == 200
                if !healthy { lastError = "HTTP \(r.status)" }
            } catch { lastError = "\(error)" }
            if !healthy { Thread.sleep(forTimeInterval: 0.1) }
        }
        XCTAssertTrue(healthy, "simulator answered getHealth (last: \(lastError))")

        // Read a pool nobody trades here, and subscribe to the coin vault of a pool the test trades.
        let readPool = "7JuwJuNU88gurFnyWeiyGKbFmExMWcmRZntn9imEzdny"  // Raydium CPMM fixture
        let tradedPool = try Pubkey(base58: "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2")  // Raydium AMM v4 fixture
        let info = try httpPost(
            port: port, body: #"{"jsonrpc":"2.0","id":1,"method":"getAccountInfo","params":["\#(tradedPool.base58)",{"encoding":"base64"}]}"#)
        let poolBytes = try XCTUnwrap(
            Data(
                base64Encoded: try XCTUnwrap(
                    ((((try JSONSerialization.jsonObject(with: Data(info.body.utf8)) as? [String: Any])?["result"] as? [String: Any])?["value"]
                        as? [String: Any])?["data"] as? [String])?[0])))
        let amm = try RaydiumAmmV4Info(AccountData(address: tradedPool, owner: ProgramIds.raydiumAmmV4, data: Array(poolBytes)))
        let vault = amm.coinVault

        let result = try tradeWhilePythonRuns(
            ["solana_py_client.py", "http://127.0.0.1:\(port)", "ws://127.0.0.1:\(wsPort)", readPool, vault.base58],
            port: port, pool: tradedPool, inputMint: amm.coinMint)

        // get_multiple_accounts: the untouched pool decodes to exactly the fixture's values.
        let accounts = try XCTUnwrap(result["accounts"] as? [[String: Any]])
        XCTAssertEqual(accounts.count, 2)
        func account(_ j: [String: Any]) throws -> AccountData {
            AccountData(
                address: try Pubkey(base58: try XCTUnwrap(j["address"] as? String)), owner: try Pubkey(base58: try XCTUnwrap(j["owner"] as? String)),
                data: Array(try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(j["data_base64"] as? String)))))
        }
        let pool = try account(accounts[0])
        let poolFields = try Self.decodedFields(pool)
        let poolExpected = try Self.expected(readPool)
        XCTAssertGreaterThan(poolExpected.count, 5, "fixture has decoded pool fields to compare")
        for (name, value) in poolExpected {
            XCTAssertEqual(poolFields[name], Self.text(value), "pool field \(name)")
        }
        // The vault decodes as the fixture's token account (its amount moves with the trades).
        let vaultRead = try Self.decodedFields(try account(accounts[1]))
        let vaultExpected = try Self.expected(vault.base58)
        for name in ["mint", "owner", "state"] { XCTAssertEqual(vaultRead[name], vaultExpected[name].map(Self.text), "vault field \(name)") }

        // account_subscribe: the notification decodes too, and shows a traded (bigger) coin vault.
        let note = try XCTUnwrap(result["notification"] as? [String: Any])
        let noted = try Self.decodedFields(
            AccountData(
                address: vault, owner: try Pubkey(base58: try XCTUnwrap(note["owner"] as? String)),
                data: Array(try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(note["data_base64"] as? String))))))
        XCTAssertEqual(noted["mint"], vaultExpected["mint"].map(Self.text))
        XCTAssertGreaterThan(
            UInt64(noted["amount"] ?? "0") ?? 0, UInt64(vaultExpected["amount"].map(Self.text) ?? "") ?? .max,
            "the notification carries the vault after a simulated buy")
        XCTAssertGreaterThan((note["slot"] as? NSNumber)?.uint64Value ?? 0, 0)
    }

    /// solana-py's `program_subscribe` (dataSize + memcmp filters, base64) on the AMM v4 vault
    /// authority: the first `programNotification` carries a vault of the traded pool, decoding to
    /// a token account of that owner; the client then unsubscribes (`programUnsubscribe`).
    func testSolanaPyProgramSubscribeReceivesMatchingAccounts() throws {
        let binary = Self.repo.appendingPathComponent(".build/debug/solana-pool-cache")
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: binary.path), "build the executable first (swift build)")
        let (sim, port, wsPort, log) = try startSimulator(binary)
        defer {
            Self.stop(sim)
            XCTAssertNoThrow(try FileManager.default.removeItem(at: log))
        }
        let tradedPool = try Pubkey(base58: "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2")  // Raydium AMM v4 fixture
        let authority = try XCTUnwrap(DexRegistry.descriptor(.raydiumAmmV4)?.vaultAuthority)
        var info: (status: Int, headers: [String: String], body: String)?
        var lastError = "no answer"
        for _ in 0..<100 where info?.status != 200 {
            // Refused while the process starts is expected; the last error is in the failure if it never answers.
            do {
                info = try httpPost(
                    port: port, body: #"{"jsonrpc":"2.0","id":1,"method":"getAccountInfo","params":["\#(tradedPool.base58)",{"encoding":"base64"}]}"#)
            } catch { lastError = "\(error)" }
            if info?.status != 200 { Thread.sleep(forTimeInterval: 0.1) }
        }
        let reply = try XCTUnwrap(info, lastError)
        let poolBytes = try XCTUnwrap(
            Data(
                base64Encoded: try XCTUnwrap(
                    ((((try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any])?["result"] as? [String: Any])?["value"]
                        as? [String: Any])?["data"] as? [String])?[0])))
        let amm = try RaydiumAmmV4Info(AccountData(address: tradedPool, owner: ProgramIds.raydiumAmmV4, data: Array(poolBytes)))

        let result = try tradeWhilePythonRuns(
            ["solana_py_program_subscribe.py", "ws://127.0.0.1:\(wsPort)", ProgramIds.splToken.base58, "165", "32", authority.base58],
            port: port, pool: tradedPool, inputMint: amm.coinMint)
        let note = try XCTUnwrap(result["notification"] as? [String: Any])
        let pubkey = try Pubkey(base58: try XCTUnwrap(note["pubkey"] as? String))
        XCTAssertTrue([amm.coinVault, amm.pcVault].contains(pubkey), "a vault of the traded pool: \(pubkey)")
        XCTAssertEqual(note["owner"] as? String, ProgramIds.splToken.base58)
        let vault = AccountData(
            address: pubkey, owner: ProgramIds.splToken,
            data: Array(try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(note["data_base64"] as? String)))))
        let fields = try Self.decodedFields(vault)
        XCTAssertEqual(fields["owner"], authority.base58, "the memcmp filter held")
        XCTAssertEqual(fields["mint"], (pubkey == amm.coinVault ? amm.coinMint : amm.pcMint).base58)
        XCTAssertGreaterThan((note["slot"] as? NSNumber)?.uint64Value ?? 0, 0)
    }
}

/// The simulator process printed no ports in time.
struct SimulatorDidNotStart: Error, CustomStringConvertible {
    let output: String
    var description: String { "the simulator printed no ports within 30 s: \(output)" }
}
