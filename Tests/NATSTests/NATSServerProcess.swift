import Foundation
import Glibc

/// A real `nats-server` (Debian package) as a child process: JetStream on, its own data
/// directory, ports chosen by the kernel (`-1`) and read back from `--ports_file_dir`. Killed and
/// reaped by `stop()`; `restart()` brings it back on the same ports and data.
final class NATSServerProcess: @unchecked Sendable {
    let name: String
    let dir: URL
    private(set) var process: Process?
    private(set) var clientPort = 0
    private(set) var clusterPort: Int?
    let clustered: Bool
    let routes: [Int]
    let extra: [String]

    var url: String { "nats://127.0.0.1:\(clientPort)" }

    static func binary() throws -> String {
        for p in ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"] where FileManager.default.isExecutableFile(atPath: p)
        {
            return p
        }
        throw NATSTestError("nats-server is not installed (scripts/install-test-deps.sh installs Debian's nats-server)")
    }

    /// `clusterPort`: a cluster listener there and `routes` to every node's cluster port (JetStream
    /// clustering refuses to start without configured routes, so they must be known up front:
    /// `kernelPorts` has the kernel pick them).
    init(name: String, clusterPort: Int? = nil, routes: [Int] = [], extra: [String] = []) throws {
        self.name = name; self.clustered = clusterPort != nil; self.routes = routes; self.extra = extra
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("spc-nats-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        do { try launch(clientPort: -1, clusterPort: clusterPort ?? -1) } catch {
            try FileManager.default.removeItem(at: dir)
            throw error
        }
    }

    /// Ports the kernel picks (bind to port 0, read back, release), for the cluster listeners.
    static func kernelPorts(_ n: Int) throws -> [Int] {
        var fds: [Int32] = []
        defer { fds.forEach { _ = close($0) } }
        return try (0..<n).map { _ in
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw NATSTestError("socket() failed") }
            fds.append(fd)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = 0
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &addr) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
            }
            guard bound else { throw NATSTestError("bind to port 0 failed") }
            return Int(UInt16(bigEndian: addr.sin_port))
        }
    }

    private func launch(clientPort: Int, clusterPort: Int) throws {
        let ports = dir.appendingPathComponent("ports-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: ports, withIntermediateDirectories: true)
        var args = [
            "-a", "127.0.0.1", "-p", String(clientPort), "-js", "-sd", dir.appendingPathComponent("js").path,
            "--server_name", name, "--ports_file_dir", ports.path, "-l", dir.appendingPathComponent("server.log").path,
        ]
        if clustered {
            args += ["--cluster", "nats://127.0.0.1:\(clusterPort)", "--cluster_name", "spc-test"]
            if !routes.isEmpty { args += ["--routes", routes.map { "nats://127.0.0.1:\($0)" }.joined(separator: ",")] }
        }
        args += extra
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try Self.binary())
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        // Bounded wait for the ports file (written once the listeners are up).
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let files = try FileManager.default.contentsOfDirectory(atPath: ports.path).filter { $0.hasSuffix(".ports") }
            if let f = files.first, let data = FileManager.default.contents(atPath: ports.appendingPathComponent(f).path),
                let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let client = ((o["nats"] ?? o["client"]) as? [String])?.first, let port = Int(client.split(separator: ":").last ?? "")
            {
                self.clientPort = port
                if clustered { self.clusterPort = clusterPort }
                return
            }
            guard p.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        stop()
        let log = try String(contentsOf: dir.appendingPathComponent("server.log"), encoding: .utf8)
        throw NATSTestError("nats-server \(name) did not report its ports: \(log.suffix(600))")
    }

    /// SIGKILL (a crash) and reap.
    func kill() {
        guard let p = process else { return }
        if p.isRunning { sendSignal(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        process = nil
    }

    /// SIGTERM, bounded wait, then SIGKILL; reaped either way.
    func stop() {
        guard let p = process else { return }
        if p.isRunning {
            p.terminate()
            let deadline = Date().addingTimeInterval(5)
            while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if p.isRunning { sendSignal(p.processIdentifier, SIGKILL) }
        }
        p.waitUntilExit()
        process = nil
    }

    /// Back on the same client and cluster ports, with the same data directory.
    func restart() throws {
        stop()
        try launch(clientPort: clientPort, clusterPort: clusterPort ?? -1)
    }

    func cleanUp() throws {
        stop()
        try FileManager.default.removeItem(at: dir)
    }

    deinit { process.map { if $0.isRunning { sendSignal($0.processIdentifier, SIGKILL); $0.waitUntilExit() } } }
}

struct NATSTestError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// `kill(2)`, named apart from `NATSServerProcess.kill()`.
func sendSignal(_ pid: Int32, _ sig: Int32) { _ = Glibc.kill(pid, sig) }
