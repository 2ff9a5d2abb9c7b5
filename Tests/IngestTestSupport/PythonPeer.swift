import Foundation
import RPC

/// A Python interop peer (Tests/interop/*.py) as a child process with the Geyser stubs of
/// yellowstone-fumarole-client on PYTHONPATH (.build/interop-py, put there by
/// scripts/install-test-deps.sh). Output goes to a file; every wait has a deadline and the
/// child is always killed and reaped (`LocalProxy.terminate`).
///
/// ```swift
/// let peer = try PythonPeer.start("geyser_py_server.py", ["script.json", "token", "out.jsonl", "60"])
/// let line = try await peer.line(startingWith: "listening ", within: 30)
/// ```
// @unchecked Sendable: immutable after init (process and paths are lets).
public final class PythonPeer: @unchecked Sendable {
    public static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static var stubs: URL { repo.appendingPathComponent(".build/interop-py") }
    let process: Process
    public let output: URL
    let errors: URL

    public enum Failure: Error, CustomStringConvertible {
        case missingStubs(String), timedOut(String), failed(Int32, String)
        public var description: String {
            switch self {
            case .missingStubs(let p): return "Geyser Python stubs missing at \(p): run scripts/install-test-deps.sh"
            case .timedOut(let w): return "python peer timed out: \(w)"
            case .failed(let code, let err): return "python peer exited \(code): \(err.suffix(2_000))"
            }
        }
    }

    init(process: Process, output: URL, errors: URL) { self.process = process; self.output = output; self.errors = errors }

    public static func start(_ script: String, _ arguments: [String]) throws -> PythonPeer {
        let stubs = Self.stubs
        guard FileManager.default.fileExists(atPath: stubs.appendingPathComponent("yellowstone_fumarole_proto/geyser_pb2_grpc.py").path) else {
            throw Failure.missingStubs(stubs.path)
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("py-peer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let out = dir.appendingPathComponent("stdout"), err = dir.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", repo.appendingPathComponent("Tests/interop/\(script)").path] + arguments
        var env = ProcessInfo.processInfo.environment
        env["PYTHONPATH"] = stubs.path
        env["PYTHONUNBUFFERED"] = "1"
        process.environment = env
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        return PythonPeer(process: process, output: out, errors: err)
    }

    /// What the peer printed so far; an unreadable output file is an error, not "nothing yet".
    var stdout: String { get throws { try String(contentsOf: output, encoding: .utf8) } }
    public var stderr: String { get throws { try String(contentsOf: errors, encoding: .utf8) } }

    /// The first output line starting with `prefix`, polled until `seconds` pass or the peer exits.
    public func line(startingWith prefix: String, within seconds: Double) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let l = try stdout.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) { return String(l) }
            if !process.isRunning { throw Failure.failed(process.terminationStatus, try stderr) }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure.timedOut("no line \"\(prefix)…\" within \(Int(seconds)) s; stderr: \(try stderr.suffix(1_000))")
    }

    /// Waits (bounded) for the peer to exit 0 and returns its stdout.
    public func finish(within seconds: Double) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning {
            let errors = try stderr
            LocalProxy.terminate(process)
            throw Failure.timedOut("still running after \(Int(seconds)) s; stderr: \(errors.suffix(1_000))")
        }
        guard process.terminationStatus == 0 else { throw Failure.failed(process.terminationStatus, try stderr) }
        return try stdout
    }

    /// Kills the peer and removes its output files (throws when they cannot be removed).
    public func stop() throws {
        LocalProxy.terminate(process)
        try FileManager.default.removeItem(at: output.deletingLastPathComponent())
    }
}
