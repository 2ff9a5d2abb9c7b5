import Dex
import Foundation
import SolanaCore

/// JSON-RPC 2.0 over HTTP, as a Solana RPC node answers the methods the cache uses, plus the
/// simulator's control methods. Pure request → response (no sockets), so it is tested directly.
///
/// ```swift
/// let reply = RpcHandler(cluster: cluster, faults: faults).handle(Array(body.utf8))
/// ```
public struct RpcHandler: Sendable {
    public let cluster: Cluster
    public let faults: FaultState
    public static let maxMultipleAccounts = 100
    public static let version = "2.2.0"

    public init(cluster: Cluster, faults: FaultState) { self.cluster = cluster; self.faults = faults }

    public struct Reply: Sendable {
        public var status: Int
        public var body: String
        public var retryAfter: Int?
    }

    struct RpcError: Error {
        let code: Int
        let message: String
        static func invalidParams(_ m: String) -> RpcError { RpcError(code: -32602, message: m) }
    }

    public func handle(_ body: [UInt8]) -> Reply {
        if faults.take(.http429) {
            return Reply(
                status: 429, body: #"{"jsonrpc":"2.0","error":{"code":429,"message":"Too many requests"},"id":null}"#,
                retryAfter: faults.retryAfterSeconds)
        }
        if faults.take(.http500) {
            return Reply(status: 500, body: #"{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error (injected)"},"id":null}"#)
        }
        guard let json = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) else {
            return Reply(status: 200, body: Self.error(code: -32700, message: "Parse error", id: .null).rendered)
        }
        if let batch = json as? [Any] {
            if batch.isEmpty { return Reply(status: 200, body: Self.error(code: -32600, message: "Invalid request", id: .null).rendered) }
            return Reply(status: 200, body: JSONText.array(batch.map(one)).rendered)
        }
        return Reply(status: 200, body: one(json).rendered)
    }

    func one(_ request: Any) -> JSONText {
        guard let r = request as? [String: Any], r["jsonrpc"] as? String == "2.0", let method = r["method"] as? String else {
            return Self.error(code: -32600, message: "Invalid request", id: Self.id((request as? [String: Any])?["id"]))
        }
        let id = Self.id(r["id"])
        let params = r["params"] as? [Any] ?? []
        do {
            return .object([("jsonrpc", .string("2.0")), ("result", try call(method, params)), ("id", id)])
        } catch let e as RpcError {
            return Self.error(code: e.code, message: e.message, id: id)
        } catch {
            return Self.error(code: -32603, message: "Internal error: \(error)", id: id)
        }
    }

    func call(_ method: String, _ params: [Any]) throws -> JSONText {
        let slot = cluster.slot
        let context: JSONText = .object([("apiVersion", .string(Self.version)), ("slot", .number(String(slot)))])
        switch method {
        case "getAccountInfo":
            let key = try pubkey(params.first)
            try checkEncoding(params.count > 1 ? params[1] : nil)
            let slice = try dataSlice(params.count > 1 ? params[1] : nil)
            return .object([("context", context), ("value", cluster.account(key).map { Self.accountJSON($0, slice: slice) } ?? .null)])
        case "getMultipleAccounts":
            guard let list = params.first as? [Any] else { throw RpcError.invalidParams("Invalid params: expected an array of pubkeys") }
            guard list.count <= Self.maxMultipleAccounts else {
                throw RpcError.invalidParams("Too many inputs provided; max \(Self.maxMultipleAccounts)")
            }
            let keys = try list.map { try pubkey($0) }
            try checkEncoding(params.count > 1 ? params[1] : nil)
            let slice = try dataSlice(params.count > 1 ? params[1] : nil)
            return .object([
                ("context", context), ("value", .array(cluster.accounts(keys).map { $0.map { Self.accountJSON($0, slice: slice) } ?? .null })),
            ])
        case "getProgramAccounts":
            let owner = try pubkey(params.first)
            let cfg = params.count > 1 ? params[1] as? [String: Any] : nil
            try checkEncoding(cfg)
            let slice = try dataSlice(cfg)
            let filter: AccountFilter
            do { filter = try AccountFilter.parse(cfg?["filters"] as? [Any]) } catch let e as AccountFilter.Invalid {
                throw RpcError.invalidParams(e.message)
            }
            let list = JSONText.array(
                cluster.programAccounts(owner: owner, filter: filter).map {
                    .object([("pubkey", .string($0.address.base58)), ("account", Self.accountJSON($0, slice: slice))])
                })
            return (cfg?["withContext"] as? Bool ?? false) ? .object([("context", context), ("value", list)]) : list
        case "getSlot": return .number(String(slot))
        case "getHealth": return .string("ok")
        case "getVersion": return .object([("solana-core", .string(Self.version)), ("feature-set", .number("3294202862"))])
        case "getEpochInfo":
            return .object([
                ("absoluteSlot", .number(String(slot))), ("epoch", .number(String(slot / 432_000))),
                ("slotIndex", .number(String(slot % 432_000))), ("slotsInEpoch", .number("432000")),
            ])
        case "simulatorPause": cluster.pause(); return .bool(true)
        case "simulatorResume": cluster.resume(); return .bool(true)
        case "simulatorAdvance":
            let n = (params.first as? Int) ?? 1
            guard (1...1_000).contains(n) else { throw RpcError.invalidParams("simulatorAdvance: 1…1000 slots") }
            for _ in 0..<n { cluster.advance(force: true) }
            return .number(String(cluster.slot))
        case "simulatorSwap":
            guard let p = params.first as? [String: Any] else { throw RpcError.invalidParams("simulatorSwap: {pool, inputMint, amountIn}") }
            let pool = try pubkey(p["pool"]), mint = try pubkey(p["inputMint"])
            guard let amountText = (p["amountIn"] as? String) ?? (p["amountIn"] as? Int).map(String.init), let amount = UInt64(amountText) else {
                throw RpcError.invalidParams("simulatorSwap: amountIn must be a u64")
            }
            do {
                let s = try cluster.swap(pool: pool, inputMint: mint, amountIn: amount)
                return .object([("slot", .number(String(s.slot))), ("amountOut", .string(String(s.quote.amountOut)))])
            } catch { throw RpcError(code: -32002, message: "simulatorSwap failed: \(error)") }
        case "simulatorAccountSlots":
            // Test control: the slot of each account's last write (mainnet RPC only reports the reply's
            // context slot), so a soak can check that a cached slot is not older than the chain's write.
            guard let list = params.first as? [Any], list.count <= Self.maxMultipleAccounts else {
                throw RpcError.invalidParams("simulatorAccountSlots: [[pubkey, …]] (at most \(Self.maxMultipleAccounts))")
            }
            let keys = try list.map { try pubkey($0) }
            return .object([("context", context), ("value", .array(cluster.accounts(keys).map { $0.map { .number(String($0.slot)) } ?? .null }))])
        case "simulatorPools":
            // Test control: every tradable pool's address (scale runs write them into a config's [[pools]]).
            return .array(cluster.poolAddresses.map { .string($0.base58) })
        case "simulatorMints":
            // Test control: every mint a tradable pool trades (scale runs write them into [discovery] mints).
            let mints = Set(cluster.poolAddresses.compactMap { cluster.model($0) }.flatMap { [$0.mintA, $0.mintB] })
            return .array(mints.sorted().map { .string($0.base58) })
        case "simulatorFault":
            guard let p = params.first as? [String: Any], let k = p["kind"] as? String, let kind = FaultState.Kind(rawValue: k) else {
                throw RpcError.invalidParams(
                    "simulatorFault: kind must be one of \(FaultState.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            faults.inject(
                kind, durationMs: p["durationMs"] as? Int ?? 2_000, count: p["count"] as? Int ?? 1,
                delayMs: p["delayMs"] as? Int ?? 500, retryAfterSeconds: p["retryAfterSeconds"] as? Int ?? 1)
            return .bool(true)
        default:
            throw RpcError(code: -32601, message: "Method not found")
        }
    }

    func pubkey(_ v: Any?) throws -> Pubkey {
        guard let s = v as? String else { throw RpcError.invalidParams("Invalid params: expected a base58 pubkey") }
        guard let k = try? Pubkey(base58: s) else { throw RpcError.invalidParams("Invalid param: WrongSize") }
        return k
    }

    /// Only base64 is served (what the cache asks for); base58 like mainnet only for < 128 bytes — not needed here.
    func checkEncoding(_ cfg: Any?) throws {
        guard let c = cfg as? [String: Any] else { return }
        if let enc = c["encoding"] as? String, enc != "base64" {
            throw RpcError.invalidParams("Invalid params: unsupported encoding \(enc) (this cluster serves base64)")
        }
        if let commitment = c["commitment"] as? String, !["processed", "confirmed", "finalized"].contains(commitment) {
            throw RpcError.invalidParams("Invalid params: unknown commitment \(commitment)")
        }
    }

    /// `dataSlice: {offset, length}` as mainnet reads it (null = none): both non-negative integers; a slice past
    /// the end of an account yields the bytes that exist (possibly none).
    func dataSlice(_ cfg: Any?) throws -> Range<Int>? {
        guard let c = cfg as? [String: Any], let raw = c["dataSlice"], !(raw is NSNull) else { return nil }
        guard let s = raw as? [String: Any], let offset = s["offset"] as? Int, let length = s["length"] as? Int, offset >= 0, length >= 0 else {
            throw RpcError.invalidParams("Invalid params: dataSlice must be {offset, length} with non-negative integers")
        }
        return offset..<(offset + min(length, Int.max - offset))
    }

    static func accountJSON(_ a: AccountData, slice: Range<Int>? = nil) -> JSONText {
        let data = slice.map { r in Array(a.data[min(r.lowerBound, a.data.count)..<min(r.upperBound, a.data.count)]) } ?? a.data
        return .object([
            ("data", .array([.string(Data(data).base64EncodedString()), .string("base64")])), ("executable", .bool(false)),
            ("lamports", .number(String(a.lamports))), ("owner", .string(a.owner.base58)),
            ("rentEpoch", .number("18446744073709551615")), ("space", .number(String(a.data.count))),
        ])
    }

    static func id(_ v: Any?) -> JSONText {
        if let n = v as? NSNumber { return .number(n.stringValue) }
        if let s = v as? String { return .string(s) }
        return .null
    }

    static func error(code: Int, message: String, id: JSONText) -> JSONText {
        .object([("jsonrpc", .string("2.0")), ("error", .object([("code", .number(String(code))), ("message", .string(message))])), ("id", id)])
    }
}
