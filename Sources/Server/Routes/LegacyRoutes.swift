import Cache
import Foundation
import Hummingbird
import SolanaCore

/// The original service's endpoints, same paths and shapes, so the TypeScript
/// `RustPoolCacheClient` works unchanged.
struct LegacyRoutes {
    // Only what these handlers read (not the whole server).
    let store: PoolStore
    let settings: APISettings
    let opportunities: (any OpportunityProvider)?
    let priceListing: PriceListing
    let clock: @Sendable () -> Double

    func register(on router: Router<some RequestContext>) {
        router.get("/health") { _, _ in self.health() }
        router.get("/prices") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: priceListing.body(store.priceViews(), now: clock()))))
        }
        router.get("/prices/:pair") { _, context in
            try self.pair(context.parameters.get("pair"))
        }
        // An unencoded slash (`/prices/SOL/USDC`) splits the pair into two segments.
        // (Hummingbird requires the same parameter name at the same position: `pair` is the base here.)
        router.get("/prices/:pair/:quote") { _, context in
            try self.pair("\(context.parameters.get("pair") ?? "")/\(context.parameters.get("quote") ?? "")")
        }
        router.post("/scan-arbitrage") { request, context in try await self.scan(request) }
    }

    func rows() -> [PriceRow] {
        let now = clock()
        return store.priceViews().compactMap { PriceRow.from($0, now: now) }
    }

    func health() -> Response {
        let rows = rows()
        return jsonResponse(
            .object([
                ("status", .string("ok")),
                ("cached_pools", J.int(rows.count)),
                ("cached_pairs", J.int(Set(rows.map(\.pair)).count)),
            ]))
    }

    func pair(_ raw: String?) throws -> Response {
        guard let raw, !raw.isEmpty else { throw APIError.badParam("pair", "missing") }
        let name = (raw.removingPercentEncoding ?? raw).trimmingCharacters(in: .whitespaces)
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, name.count <= 64 else {
            throw APIError.badParam("pair", "expected BASE/QUOTE, e.g. SOL/USDC (URL-encoded as SOL%2FUSDC)")
        }
        let wanted = name.uppercased()
        let reversed = "\(parts[1])/\(parts[0])".uppercased()
        var out: [PriceRow] = []
        for row in rows() {
            if row.pair.uppercased() == wanted { out.append(row) } else if row.pair.uppercased() == reversed { out.append(row.inverted) }
        }
        // The original answered an unknown pair with an empty list; the client treats [] as "no data".
        return jsonResponse(.array(out.map(\.json)))
    }

    func scan(_ request: Request) async throws -> Response {
        let body = try await Body.collect(request, limit: settings.maxBodyBytes)
        // No threshold_pct: the provider applies router.min_roi_percent instead of a fixed default.
        let threshold = body.isEmpty ? nil : try Body.decode(body, as: ScanArbitrageBody.self).thresholdPct
        if let threshold, !(threshold.isFinite && (0...1_000).contains(threshold)) {
            throw APIError.badParam("threshold_pct", ScanArbitrageBody.fieldErrors["threshold_pct"]!)
        }
        let found = opportunities?.scanLegacy(thresholdPct: threshold) ?? []
        return jsonResponse(.object([("opportunities", .array(found.map(OpportunityJSON.legacy))), ("count", J.int(found.count))]))
    }
}

/// Request body helpers: bounded collection and strict JSON object parsing with 400s.
enum Body {
    static func collect(_ request: Request, limit: Int) async throws -> [UInt8] {
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch {
            throw APIError(.contentTooLarge, "body_too_large", "request body larger than \(limit) bytes")
        }
    }
}
