import Foundation
import RPC
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Simulator
import SolanaCore

/// A child process with its output in a log file (`<name>.log` in the given directory): the soak's
/// parts, and the tests that run the binary.
// @unchecked Sendable: immutable after init (name, process and logURL are lets); no mutable state of its own.
public final class ChildProcess: @unchecked Sendable {
    public let name: String
    public let process: Process
    public let logURL: URL

    init(name: String, process: Process, logURL: URL) { self.name = name; self.process = process; self.logURL = logURL }

    public static func start(name: String, executable: String, arguments: [String], directory: URL) throws -> ChildProcess {
        let logURL = directory.appendingPathComponent("\(name).log")
        if !FileManager.default.fileExists(atPath: logURL.path) { _ = FileManager.default.createFile(atPath: logURL.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: logURL)
        handle.seekToEndOfFile()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.standardOutput = handle
        p.standardError = handle
        p.standardInput = FileHandle.nullDevice
        try p.run()
        try? handle.close()
        return ChildProcess(name: name, process: p, logURL: logURL)
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }
    public var exitStatus: Int32 { process.isRunning ? 0 : process.terminationStatus }

    public func text() -> String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }
    public func tail() -> String { String(text().suffix(600)).replacingOccurrences(of: "\n", with: " | ") }

    /// The first output line containing `marker`, polled until `timeout` seconds or the process ends.
    public func waitForLine(containing marker: String, timeout: Double) async -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = text().split(separator: "\n").first(where: { $0.contains(marker) }) { return String(line) }
            if !isRunning { return nil }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    /// SIGTERM, then SIGKILL after 5 s (microsocks ignores SIGTERM).
    public func stop() {
        guard process.isRunning else { return }
        kill(pid, name == "proxy" ? SIGKILL : SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }
}
