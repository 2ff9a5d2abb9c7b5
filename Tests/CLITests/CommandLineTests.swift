import CLI
import Foundation
import SolanaCore
import XCTest

/// The command-line contract (`decode`, `quote`, `price`), run as a real process so exit codes
/// and stderr are what users and scripts see.
final class CommandLineTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repo.appendingPathComponent("../shared/fixtures/accounts").standardizedFileURL.path
    static let sol = "So11111111111111111111111111111111111111112", usdc = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"

    struct Result { var code: Int32; var out: String; var err: String; var signaled: Bool; var timedOut: Bool }

    /// Runs the binary with output in files and a deadline (SIGKILL and `timedOut` past it), so a
    /// command that hangs fails its test instead of holding the run.
    func run(_ args: [String], timeout: Double = 60) throws -> Result {
        let binary = Self.repo.appendingPathComponent(".build/debug/solana-pool-cache")
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: binary.path), "build the package first (swift build)")
        let dir = FileManager.default.temporaryDirectory
        let outURL = dir.appendingPathComponent("spc-cli-\(UUID().uuidString).out"),
            errURL = dir.appendingPathComponent("spc-cli-\(UUID().uuidString).err")
        for u in [outURL, errURL] { _ = FileManager.default.createFile(atPath: u.path, contents: nil) }
        defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        p.standardOutput = try FileHandle(forWritingTo: outURL); p.standardError = try FileHandle(forWritingTo: errURL)
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        let timedOut = p.isRunning
        if timedOut {
            kill(p.processIdentifier, SIGKILL)
            let reaped = Date().addingTimeInterval(5)
            while p.isRunning && Date() < reaped { Thread.sleep(forTimeInterval: 0.02) }
        }
        let o = (try? String(contentsOf: outURL, encoding: .utf8)) ?? "", e = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        return Result(
            code: timedOut ? -1 : p.terminationStatus, out: o, err: e,
            signaled: !timedOut && p.terminationReason == .uncaughtSignal, timedOut: timedOut)
    }

    /// A loopback listener on a port the OS picked: an address that is taken.
    final class TakenPort {
        let fd: Int32, port: Int
        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            let ok = withUnsafeMutablePointer(to: &addr) { a in
                a.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && listen(fd, 8) == 0 && getsockname(fd, $0, &len) == 0 }
            }
            guard ok else { close(fd); throw POSIXError(.EADDRINUSE) }
            self.fd = fd
            port = Int(UInt16(bigEndian: addr.sin_port))
        }
        deinit { close(fd) }
    }

    /// `run` whose API port is taken exits 1 at once with a line that says which address and
    /// which setting (it used to keep ingesting with no API and say nothing until Ctrl-C).
    func testServiceWhoseApiPortIsTakenExitsWithAClearError() throws {
        let taken = try TakenPort()
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("spc-taken-\(UUID().uuidString).toml")
        defer { for suffix in ["", ".sqlite", ".sqlite-wal", ".sqlite-shm"] { try? FileManager.default.removeItem(atPath: config.path + suffix) } }
        try """
        [websocket]
        url = "ws://127.0.0.1:9"
        [rpc]
        http_url = "http://127.0.0.1:9"
        [api]
        port = \(taken.port)
        [database]
        path = "\(config.path).sqlite"
        [[pools]]
        address = "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2"

        """.write(to: config, atomically: true, encoding: .utf8)
        let r = try run(["run", config.path], timeout: 30)
        XCTAssertFalse(r.timedOut, "still running 30 s after its API port was refused: \(r.err.suffix(2_000))")
        XCTAssertEqual(r.code, 1, r.err)
        XCTAssertTrue(r.err.contains("cannot listen on 127.0.0.1:\(taken.port): the address is in use"), r.err)
    }

    func json(_ line: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
    }

    func testDecodeFixtureFile() throws {
        let r = try run(["decode", "\(Self.fixtures)/raydium-amm-v4/58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2.json"])
        XCTAssertEqual(r.code, 0, r.err)
        let o = try json(r.out)
        XCTAssertEqual(o["program"] as? String, "raydium-amm-v4")
        XCTAssertEqual(o["kind"] as? String, "AmmInfo")
        let f = o["fields"] as! [String: Any]
        XCTAssertEqual(f["need_take_pnl_coin"] as? String, "354631774")  // integers as decimal strings
        XCTAssertEqual(f["coin_vault"] as? String, "DQyrAcCrDXQ7NeoqGgDCZwBvWDcYmFCjSb9JtteuvPpz")
    }

    func testDecodeSavedRpcAnswers() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spc-cli-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let vault = try AccountFile.load(path: "\(Self.fixtures)/raydium-amm-v4/DQyrAcCrDXQ7NeoqGgDCZwBvWDcYmFCjSb9JtteuvPpz.json")[0]
        let b64 = Data(vault.account.data).base64EncodedString()
        let value =
            #"{"data":["\#(b64)","base64"],"executable":false,"lamports":2039280,"owner":"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA","rentEpoch":18446744073709551615,"space":165}"#
        // getAccountInfo: the address comes from the file name.
        let single = dir.appendingPathComponent("DQyrAcCrDXQ7NeoqGgDCZwBvWDcYmFCjSb9JtteuvPpz.json")
        try Data(#"{"jsonrpc":"2.0","result":{"context":{"apiVersion":"2.2.0","slot":431198953},"value":\#(value)},"id":1}"#.utf8).write(to: single)
        // getMultipleAccounts saved with its request params, one missing account (null).
        let multi = dir.appendingPathComponent("batch.json")
        try Data(
            #"{"jsonrpc":"2.0","params":[["DQyrAcCrDXQ7NeoqGgDCZwBvWDcYmFCjSb9JtteuvPpz","11111111111111111111111111111111"]],"result":{"context":{"slot":5},"value":[\#(value),null]},"id":1}"#
                .utf8
        ).write(to: multi)
        for file in [single, multi] {
            let r = try run(["decode", file.path])
            XCTAssertEqual(r.code, 0, r.err)
            let o = try json(r.out.split(separator: "\n")[0].description)
            XCTAssertEqual(o["address"] as? String, "DQyrAcCrDXQ7NeoqGgDCZwBvWDcYmFCjSb9JtteuvPpz")
            XCTAssertEqual((o["fields"] as! [String: Any])["amount"] as? String, "66599328743661")
        }
    }

    func testQuoteAndPriceOnABundledSnapshot() throws {
        let r = try run([
            "quote", "--accounts", "\(Self.fixtures)/raydium-amm-v4", "--pool", "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2",
            "--input-mint", Self.sol, "--amount-in", "1000000000",
        ])
        XCTAssertEqual(r.code, 0, r.err)
        let q = try json(r.out)
        for key in ["pool", "dex", "input_mint", "output_mint", "amount_in", "amount_out", "fee_amount", "price_before", "price_after"] {
            XCTAssertNotNil(q[key], key)
        }
        XCTAssertEqual(q["amount_out"] as? String, "81386311")
        XCTAssertEqual(q["output_mint"] as? String, Self.usdc)
        let p = try run(["price", "--accounts", "\(Self.fixtures)/raydium-amm-v4", "--pool", "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2"])
        XCTAssertEqual(p.code, 0, p.err)
        let pj = try json(p.out)
        XCTAssertEqual(pj["reserve_a"] as? String, "66598974111887")
        XCTAssertTrue((pj["price_b_per_a"] as? String ?? "").hasPrefix("81.5915096795180471"))
    }

    /// Every bad input: non-zero exit, exactly one line on stderr, nothing on stdout, no signal.
    func testBadInputsGiveOneClearLine() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("spc-bad-\(UUID())")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        func file(_ name: String, _ text: String) throws -> String {
            let u = tmp.appendingPathComponent(name); try Data(text.utf8).write(to: u); return u.path
        }
        let badJSON = try file("bad.json", "{not json")
        let badB64 = try file(
            "b64.json",
            #"{"address":"So11111111111111111111111111111111111111112","owner":"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA","data_base64":"@@@"}"#)
        let foreign = try file(
            "foreign.json",
            #"{"address":"So11111111111111111111111111111111111111112","owner":"11111111111111111111111111111111","data_base64":"AAAA"}"#)
        let amm = "\(Self.fixtures)/raydium-amm-v4"
        let pool = "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2"
        let cases: [([String], String)] = [
            (["decode", "/nonexistent/x.json"], "no such file"),
            (["decode", badJSON], "invalid JSON"),
            (["decode", badB64], "base64"),
            (["decode", foreign], "unknown account"),
            (["quote", "--accounts", amm, "--pool", pool, "--input-mint", Self.sol, "--amount-in", "-5"], "not a u64"),
            (["quote", "--accounts", amm, "--pool", pool, "--input-mint", Self.sol, "--amount-in", "18446744073709551616"], "not a u64"),
            (["quote", "--accounts", amm, "--pool", pool, "--input-mint", Self.sol, "--amount-in", "abc"], "not a u64"),
            (
                ["quote", "--accounts", amm, "--pool", "11111111111111111111111111111111", "--input-mint", Self.sol, "--amount-in", "1"],
                "pool 11111111111111111111111111111111 not provided"
            ),
            (["quote", "--accounts", amm, "--pool", "not-base58!", "--input-mint", Self.sol, "--amount-in", "1"], "invalid pubkey"),
            (["quote", "--accounts", amm, "--pool", pool, "--input-mint", Self.sol], "--amount-in is required"),
            (
                [
                    "quote", "--accounts", "\(amm)/58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2.json", "--pool", pool, "--input-mint", Self.sol,
                    "--amount-in", "1000",
                ],
                "vault DQyrAcCrDXQ7NeoqGgDCZwBvWDcYmFCjSb9JtteuvPpz not provided"
            ),
            (
                ["quote", "--accounts", amm, "--pool", pool, "--input-mint", "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB", "--amount-in", "1"],
                "not a token of this pool"
            ),
            (
                ["quote", "--accounts", amm, "--pool", "DQyrAcCrDXQ7NeoqGgDCZwBvWDcYmFCjSb9JtteuvPpz", "--input-mint", Self.sol, "--amount-in", "1"],
                "not a pool"
            ),
            (["quote", "--bogus"], "unknown option"),
            (["frobnicate"], "unknown command"),
            (["bench", "--only", "nope"], "unknown section nope"),
            (["bench", "--quick", "--only"], "--only needs a list"),
            (["demo", "--port", "abc"], "error: --port 'abc' is not an integer"),
            (
                ["quote", "--accounts", amm, "--pool", pool, "--pool", pool, "--input-mint", Self.sol, "--amount-in", "1"],
                "usage: solana-pool-cache quote: --pool given 2 times"
            ),
            (["demo", "--seed", "-1"], "error: --seed must be non-negative"),
            (["simulate", "--pools", "0"], "error: --pools must be in 1…100000"),
            (["run"], "usage: solana-pool-cache run: <config.toml> is required"),
            (["price", "--accounts", amm, "--pool", pool, "--now"], "usage: solana-pool-cache price: --now needs a unix-ts"),
            (["price", "--accounts", amm, "--pool", pool, "extra"], "usage: solana-pool-cache price: unexpected argument 'extra'"),
        ]
        for (args, expected) in cases {
            let r = try run(args)
            XCTAssertFalse(r.signaled, "\(args) crashed")
            XCTAssertNotEqual(r.code, 0, "\(args)")
            XCTAssertEqual(r.out, "", "\(args)")
            let lines = r.err.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "\(args): \(r.err)")
            XCTAssertTrue(r.err.contains(expected), "\(args): expected '\(expected)' in: \(r.err)")
        }
    }

    /// `--help` on a subcommand prints that command's options on stdout (exit 0, nothing on stderr),
    /// and not another command's.
    func testEachSubcommandHelpListsItsOwnOptions() throws {
        let expected: [String: (has: [String], hasNot: [String])] = [
            "quote": (
                [
                    "--accounts <path>", "--pool <address>", "--input-mint <mint>", "--amount-in <u64>", "--now <unix-ts>",
                    "--epoch <n>", "--slot <n>", "-h, --help",
                ], ["--seed", "--quick"]
            ),
            "price": (["--accounts <path>", "--pool <address>", "--now <unix-ts>", "--epoch <n>", "--slot <n>"], ["--amount-in", "--input-mint"]),
            "demo": (["--port <port>", "--seed <n>", "--host <host>"], ["--pool", "--slot-ms"]),
            "simulate": (
                ["--port <port>", "--seed <n>", "--pools <n>", "--slot-ms <ms>", "--rps <n>", "--host <host>", "--swaps-per-slot <n>"],
                ["--amount-in"]
            ),
            "bench": (["--quick", "--json", "--only <list>"], ["--port"]),
            "run": (["<config.toml>"], ["--port"]),
            "decode": (["<file>"], ["--pool"]),
            "soak": (["--minutes M", "--proxy none|connect|socks5", "--total LOG"], ["--amount-in"]),
        ]
        for (command, options) in expected {
            for form in [[command, "--help"], [command, "-h"], ["help", command]] where !(command == "soak" && form[0] == "help") {
                let r = try run(form, timeout: 30)
                XCTAssertEqual(r.code, 0, "\(form): \(r.err)")
                XCTAssertEqual(r.err, "", "\(form)")
                XCTAssertTrue(r.out.contains("USAGE: solana-pool-cache \(command)"), "\(form): \(r.out)")
                for o in options.has { XCTAssertTrue(r.out.contains(o), "\(form) lists \(o): \(r.out)") }
                for o in options.hasNot { XCTAssertFalse(r.out.contains(o), "\(form) must not list \(o): \(r.out)") }
            }
        }
        // The top-level help lists every subcommand; no command at all is a usage error (help on stderr, exit 2).
        let top = try run(["--help"])
        XCTAssertEqual(top.code, 0)
        for c in ["decode", "quote", "price", "run", "demo", "bench", "simulate", "soak"] {
            XCTAssertTrue(top.out.contains("  \(c) "), "\(c): \(top.out)")
        }
        let none = try run([])
        XCTAssertEqual(none.code, 2)
        XCTAssertEqual(none.out, "")
        XCTAssertTrue(none.err.contains("SUBCOMMANDS:"), none.err)
    }
}
