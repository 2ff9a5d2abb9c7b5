import Foundation

/// The soak's PostgreSQL: a throwaway cluster from scripts/start-postgres.sh that the cache persists
/// to, crashed (`kill -9` of the server and every backend) and restarted by the `postgres_restart`
/// fault, and read back with `psql` after the run to prove nothing committed was lost.
///
/// ```swift
/// let pg = try SoakPostgres.start(script: "scripts/start-postgres.sh")
/// try pg.crash(); try pg.restart()
/// let rows = try pg.snapshotRows()   // address → (slot, data) as the database holds them
/// pg.stop()
/// ```
struct SoakPostgres: Sendable {
    let script: String
    let dir: String
    let url: String

    struct Failure: Error, CustomStringConvertible { let description: String }

    static func start(script: String) throws -> SoakPostgres {
        let out = try run(script, ["start"], timeout: 180).trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = out.split(separator: " ").map(String.init)
        guard parts.count == 2, parts[1].hasPrefix("postgresql://") else {
            throw Failure(description: "start-postgres.sh printed '\(out.suffix(300))', not 'DIR URL'")
        }
        return SoakPostgres(script: script, dir: parts[0], url: parts[1])
    }

    /// SIGKILL to the server and its backends: a crash, not a shutdown.
    func crash() throws { _ = try Self.run(script, ["kill", dir], timeout: 30) }
    /// The same cluster again, on the same port.
    func restart() throws { _ = try Self.run(script, ["restart", dir], timeout: 60) }
    func stop() { _ = try? Self.run(script, ["stop", dir], timeout: 60) }

    /// Every row of `account_snapshots`, read with psql (not through the cache's own code).
    func snapshotRows() throws -> [String: (slot: UInt64, data: [UInt8])] {
        guard let psql = Self.psql() else { throw Failure(description: "psql not found (Debian's postgresql-client)") }
        let out = try Self.run(
            psql,
            [
                url, "-At", "-F", "|", "-c",
                "SELECT address, slot, translate(encode(data, 'base64'), E'\\n', '') FROM account_snapshots",
            ], timeout: 120)
        var rows: [String: (slot: UInt64, data: [UInt8])] = [:]
        for line in out.split(separator: "\n") {
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 3, let slot = UInt64(f[1]), let data = Data(base64Encoded: f[2]) else {
                throw Failure(description: "unreadable account_snapshots row '\(line.prefix(120))'")
            }
            rows[f[0]] = (slot, [UInt8](data))
        }
        return rows
    }

    static func psql() -> String? {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for v in versions.sorted().reversed() where FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/\(v)/bin/psql") {
            return "/usr/lib/postgresql/\(v)/bin/psql"
        }
        return SoakBinaries.binary("psql")
    }

    /// Runs a command to completion (killed after `timeout` seconds); its stdout, or a Failure with
    /// stderr. Output goes to files, not pipes: pg_ctl's server inherits the script's descriptors
    /// and would hold a pipe open for as long as it runs.
    static func run(_ executable: String, _ arguments: [String], timeout: Double) throws -> String {
        let tmp = FileManager.default.temporaryDirectory
        let outURL = tmp.appendingPathComponent("soak-pg-\(UUID().uuidString).out")
        let errURL = tmp.appendingPathComponent("soak-pg-\(UUID().uuidString).err")
        for u in [outURL, errURL] { _ = FileManager.default.createFile(atPath: u.path, contents: nil) }
        defer { for u in [outURL, errURL] { try? FileManager.default.removeItem(at: u) } }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        defer { try? out.close(); try? err.close() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : FileManager.default.currentDirectoryPath + "/" + executable)
        p.arguments = arguments
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // Reaped here with waitpid: inside the soak, Foundation's own reaping of a child that exits
        // while daemonizing a grandchild (pg_ctl's server) was seen to leave it a zombie forever.
        let deadline = Date().addingTimeInterval(timeout)
        var exitCode: Int32?
        while exitCode == nil {
            var status: Int32 = 0
            let r = waitpid(p.processIdentifier, &status, WNOHANG)
            if r == p.processIdentifier {
                exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            } else if r == -1 && !p.isRunning {
                exitCode = p.terminationStatus  // Foundation reaped it first
            } else if Date() > deadline {
                kill(p.processIdentifier, SIGKILL)
                _ = waitpid(p.processIdentifier, &status, 0)
                throw Failure(description: "\(executable) \(arguments.first ?? "") did not finish in \(Int(timeout)) s")
            } else {
                usleep(20_000)
            }
        }
        let output = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        guard exitCode == 0 else {
            let e = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
            throw Failure(description: "\(executable) \(arguments.first ?? "") exited \(exitCode ?? -1): \(e.suffix(400))")
        }
        return output
    }
}
