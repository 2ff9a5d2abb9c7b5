import Foundation
import RPC
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Simulator
import SolanaCore

/// The soak's own HTTP client (URLSession, independent of the cache's RPC stack, so a bug there
/// cannot hide itself): retries 429/5xx and refused connections for a few seconds, since the
/// soak's faults hit its own requests too.
// @unchecked Sendable: immutable after init (`session` is a let; URLSession is thread-safe).
final class SoakHTTP: @unchecked Sendable {
    enum Failure: Error, CustomStringConvertible {
        case status(String, Int)
        case shape(String)
        case rpc(String)
        var description: String {
            switch self {
            case .status(let u, let s): return "\(u): HTTP \(s)"
            case .shape(let w): return "unexpected JSON from \(w)"
            case .rpc(let m): return "JSON-RPC error: \(m)"
            }
        }
    }

    let session: URLSession = {
        let c = URLSessionConfiguration.ephemeral
        c.connectionProxyDictionary = [:]
        c.timeoutIntervalForRequest = 30
        return URLSession(configuration: c)
    }()

    func request(_ url: String, body: Data?) async throws -> Data {
        guard let u = URL(string: url) else { throw Failure.shape(url) }
        var lastError: Error = Failure.shape(url)
        for attempt in 0..<20 {
            if attempt > 0 { try await Task.sleep(for: .milliseconds(250 * min(attempt, 4))) }
            var r = URLRequest(url: u)
            if let body {
                r.httpMethod = "POST"
                r.httpBody = body
                r.setValue("application/json", forHTTPHeaderField: "Content-Type")
            }
            do {
                let (data, response) = try await session.data(for: r)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                if status == 200 { return data }
                lastError = Failure.status(url, status)
                if status != 429 && status < 500 { throw lastError }
            } catch let e as Failure {
                throw e
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    func getJSON(_ url: String) async throws -> [String: Any] {
        guard let o = try JSONSerialization.jsonObject(with: try await request(url, body: nil)) as? [String: Any] else { throw Failure.shape(url) }
        return o
    }

    func getText(_ url: String) async throws -> String { String(decoding: try await request(url, body: nil), as: UTF8.self) }

    /// A JSON-RPC batch; returns each call's `result` in order (throws on any `error`).
    func rpcBatch(_ url: String, _ calls: [(String, [Any])]) async throws -> [Any] {
        let body = calls.enumerated().map { i, c -> [String: Any] in ["jsonrpc": "2.0", "id": i, "method": c.0, "params": c.1] }
        let data = try await request(url, body: try JSONSerialization.data(withJSONObject: body))
        guard let replies = try JSONSerialization.jsonObject(with: data) as? [[String: Any]], replies.count == calls.count else {
            throw Failure.shape("JSON-RPC batch to \(url)")
        }
        return try replies.sorted { ($0["id"] as? Int ?? 0) < ($1["id"] as? Int ?? 0) }.map { r in
            if let e = r["error"] as? [String: Any] { throw Failure.rpc("\(e["message"] ?? e)") }
            guard let result = r["result"] else { throw Failure.shape("JSON-RPC reply") }
            return result
        }
    }

    static func u64(_ v: Any?) -> UInt64? {
        if let s = v as? String { return UInt64(s) }
        if let n = v as? NSNumber { return n.uint64Value }
        return nil
    }
}
