import Foundation
import RPC

/// A real proxy server from the Debian packages (`tinyproxy` for HTTP CONNECT, `microsocks` for
/// SOCKS5), started on a free loopback port for one test and stopped with it.
///
/// ```swift
/// let proxy = try LocalProxy.start(.socks5, username: "u", password: "p")
/// defer { proxy.stop() }
/// ```
// @unchecked Sendable: immutable after init (kind, port, username, password, process and directory are lets).
public final class LocalProxy: @unchecked Sendable {
    public enum Kind: String, Sendable { case httpConnect, socks5 }
    public let kind: Kind
    public let port: Int
    public let username: String?
    public let password: String?
    let process: Process
    let directory: URL

    public enum Failure: Error, CustomStringConvertible {
        case missing(String)
        case didNotStart(String)
        public var description: String {
            switch self {
            case .missing(let b): return "\(b) is not installed: run scripts/install-test-deps.sh (apt-get install tinyproxy microsocks)"
            case .didNotStart(let w): return "proxy did not start: \(w)"
            }
        }
    }

    init(kind: Kind, port: Int, username: String?, password: String?, process: Process, directory: URL) {
        self.kind = kind; self.port = port; self.username = username; self.password = password
        self.process = process; self.directory = directory
    }

    public static func binary(_ name: String) -> String? {
        for dir in ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/bin", "/sbin"] {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// `port`: the port of a proxy stopped earlier (a restart at the same address); default a free one from the kernel.
    public static func start(_ kind: Kind, username: String? = nil, password: String? = nil, port reuse: Int? = nil) throws -> LocalProxy {
        let port = try reuse ?? LoopbackPort.free()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("proxy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let process = Process()
        process.standardOutput = FileHandle.nullDevice
        let log = dir.appendingPathComponent("stderr.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        switch kind {
        case .httpConnect:
            guard let bin = binary("tinyproxy") else { throw Failure.missing("tinyproxy") }
            var conf = """
                Port \(port)
                Listen 127.0.0.1
                Timeout 600
                MaxClients 200
                Allow 127.0.0.1
                LogLevel Warning
                DisableViaHeader Yes

                """
            // tinyproxy's config grammar takes [-A-Za-z0-9._] in BasicAuth user and password.
            if let username { conf += "BasicAuth \(username) \(password ?? "")\n" }
            let confURL = dir.appendingPathComponent("tinyproxy.conf")
            try conf.write(to: confURL, atomically: true, encoding: .utf8)
            process.executableURL = URL(fileURLWithPath: bin)
            process.arguments = ["-d", "-c", confURL.path]
        case .socks5:
            guard let bin = binary("microsocks") else { throw Failure.missing("microsocks") }
            process.executableURL = URL(fileURLWithPath: bin)
            var args = ["-i", "127.0.0.1", "-p", String(port)]
            if let username { args += ["-u", username, "-P", password ?? ""] }
            process.arguments = args
        }
        try process.run()
        let proxy = LocalProxy(kind: kind, port: port, username: username, password: password, process: process, directory: dir)
        // Ready when it accepts connections.
        for _ in 0..<100 {
            if LoopbackPort.isListening(port) { return proxy }
            if !process.isRunning { break }
            usleep(50_000)
        }
        let why = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        proxy.stop()
        throw Failure.didNotStart("\(kind) on \(port): \(why.prefix(500))")
    }

    /// Bytes the proxy process has read plus written through system calls (`rchar` + `wchar` of
    /// /proc/<pid>/io): what crossed it. Both proxies relay on threads of this one process.
    public func bytesRelayed() throws -> UInt64 {
        let text = try String(contentsOfFile: "/proc/\(process.processIdentifier)/io", encoding: .utf8)
        var total: UInt64 = 0
        for line in text.split(separator: "\n") where line.hasPrefix("rchar:") || line.hasPrefix("wchar:") {
            total += UInt64(line.split(separator: " ").last.map(String.init) ?? "") ?? 0
        }
        return total
    }

    /// Stops this proxy (every tunnel through it dies) and starts the same one on the same port.
    public func restarted() throws -> LocalProxy {
        stop()
        return try Self.start(kind, username: username, password: password, port: port)
    }

    public func stop() {
        // microsocks ignores SIGTERM; SIGKILL ends either proxy at once.
        Self.terminate(process)
        try? FileManager.default.removeItem(at: directory)
    }

    /// SIGKILLs a child and reaps it with a bounded `waitpid` poll. Not `waitUntilExit()`: seen
    /// hanging forever on a killed socat that Foundation never reaped (left a zombie).
    public static func terminate(_ process: Process) {
        guard process.isRunning else { return }
        let pid = process.processIdentifier
        kill(pid, SIGKILL)
        var status: Int32 = 0
        for _ in 0..<500 {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid || r == -1 { return }  // reaped here, or already reaped by Foundation (ECHILD)
            usleep(10_000)
        }
    }

    deinit { stop() }
}

/// A loopback listener that completes TCP handshakes (kernel backlog) but never reads or
/// answers: the peer every timeout test needs.
// @unchecked Sendable: immutable after init (port and fd are lets).
public final class SilentListener: @unchecked Sendable {
    public let port: Int
    let fd: Int32

    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard fd >= 0, ok else { throw LocalProxy.Failure.didNotStart("silent listener") }
        port = Int(UInt16(bigEndian: addr.sin_port))
    }

    deinit { close(fd) }
}
