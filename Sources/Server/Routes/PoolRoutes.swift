import Cache
import Dex
import Foundation
import Hummingbird
import Logging
import SolanaCore

/// `/v1/pools` (list, one, add, remove), `/v1/accounts` (every watched account, paged) and `/v1/accounts/:address`.
struct PoolRoutes {
    // Only what these handlers read (not the whole server).
    let store: PoolStore
    let settings: APISettings
    let ingest: (any IngestControl)?
    let logger: Logger
    let clock: @Sendable () -> Double

    func register(on router: Router<some RequestContext>) {
        router.get("/v1/pools") { request, _ in try self.list(request) }
        router.get("/v1/pools/:address") { _, context in
            let key = try APIServer.pubkey(context.parameters.get("address"), "address")
            guard let e = self.store.entry(key) else { throw APIError(.notFound, "unknown_pool", "pool \(key) is not configured") }
            return jsonResponse(PoolJSON.pool(e, now: self.clock(), detail: true))
        }
        router.post("/v1/pools") { request, _ in try await self.add(request) }
        router.delete("/v1/pools/:address") { _, context in
            let key = try APIServer.pubkey(context.parameters.get("address"), "address")
            guard self.store.entry(key) != nil else { throw APIError(.notFound, "unknown_pool", "pool \(key) is not configured") }
            _ = await self.ingest?.removePool(key)
            _ = self.store.removePool(key)
            self.logger.info("pool \(key) removed via API")
            return jsonResponse(.object([("removed", J.key(key))]))
        }
        router.get("/v1/accounts") { request, _ in try self.accounts(request) }
        router.get("/v1/accounts/:address") { _, context in
            let key = try APIServer.pubkey(context.parameters.get("address"), "address")
            guard let a = self.store.account(key) else {
                throw APIError(.notFound, "unknown_account", "account \(key) is not cached (only pools and their dependents are)")
            }
            return jsonResponse(PoolJSON.account(a))
        }
    }

    func list(_ request: Request) throws -> Response {
        let q = request.uri.queryParameters
        let mint = try q["mint"].map { try APIServer.pubkey(String($0), "mint") }
        let dex = try q["dex"].map { d -> DexKind in
            guard let k = DexKind(rawValue: String(d)) else {
                throw APIError.badParam("dex", "unknown dex; one of \(DexKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return k
        }
        let status = q["status"].map(String.init)
        let limit = try Query.int(q["limit"], "limit", default: 1_000, range: 1...10_000)
        let offset = try Query.int(q["offset"], "offset", default: 0, range: 0...10_000_000)
        let now = clock()
        let matching = store.entries().filter { e in
            if let dex, e.dex != dex { return false }
            if let status, e.status.label != status { return false }
            if let mint {
                guard let m = e.model, m.mintA == mint || m.mintB == mint else { return false }
            }
            return true
        }
        let page = matching.dropFirst(offset).prefix(limit)
        return jsonResponse(
            .object([
                ("count", J.int(matching.count)), ("offset", J.int(offset)),
                ("pools", .array(page.map { PoolJSON.pool($0, now: now, detail: false) })),
            ]))
    }

    /// Every watched account in address order, with its bytes and slot when held (`cached: false`
    /// when not yet): lets an auditor (the soak) compare the whole cache with the chain.
    func accounts(_ request: Request) throws -> Response {
        let q = request.uri.queryParameters
        let limit = try Query.int(q["limit"], "limit", default: 100, range: 1...1_000)
        let offset = try Query.int(q["offset"], "offset", default: 0, range: 0...10_000_000)
        let keys = store.watchedAccounts().sorted()
        let page = keys.dropFirst(offset).prefix(limit).map { key -> JSONText in
            guard let a = store.account(key) else { return .object([("address", J.key(key)), ("cached", .bool(false))]) }
            guard case .object(let fields) = PoolJSON.account(a) else { return PoolJSON.account(a) }
            return .object(fields + [("cached", .bool(true))])
        }
        return jsonResponse(.object([("count", J.int(keys.count)), ("offset", J.int(offset)), ("accounts", .array(page))]))
    }

    func add(_ request: Request) async throws -> Response {
        let body = try Body.decode(try await Body.collect(request, limit: settings.maxBodyBytes), as: AddPoolBody.self)
        let key = try APIServer.pubkey(body.address, "address")
        let name = try Self.bounded(body.name, "name", max: 128)
        let type = try Self.bounded(body.poolType, "pool_type", max: 64)
        if let type, PoolConfig.dex(forPoolType: type) == nil {
            throw APIError(.unprocessableContent, "unsupported_pool_type", "pool_type \"\(type)\" is not supported")
        }
        guard store.entry(key) == nil else { throw APIError(.conflict, "already_configured", "pool \(key) is already configured") }
        guard store.poolCount < settings.maxPoolsAddedAtRuntime + 100_000 else {
            throw APIError(.tooManyRequests, "too_many_pools", "pool limit reached")
        }
        let config = PoolConfig(address: key, name: name, poolType: type)
        store.addPool(config)
        await ingest?.addPool(config)
        logger.info("pool \(key) added via API")
        let entry = store.entry(key)
        return jsonResponse(entry.map { PoolJSON.pool($0, now: clock(), detail: true) } ?? .object([("address", J.key(key))]), status: .created)
    }

    static func bounded(_ s: String?, _ name: String, max: Int) throws -> String? {
        guard let s else { return nil }
        guard s.count <= max else { throw APIError.badParam(name, AddPoolBody.fieldErrors[name] ?? "too long") }
        return s
    }
}

/// Query-string helpers with 400s naming the parameter.
enum Query {
    static func int(_ raw: Substring?, _ name: String, default def: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw else { return def }
        guard let v = Int(raw), range.contains(v) else {
            throw APIError.badParam(name, "expected an integer in \(range.lowerBound)…\(range.upperBound)")
        }
        return v
    }
}
