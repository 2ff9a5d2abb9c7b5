import Foundation
import Hummingbird
import Persistence
import SolanaCore

/// `/v1/opportunities`: standing opportunities from the arbitrage engine, or with
/// `?history=true` the recorded ones from the database (they survive restarts).
struct OpportunityRoutes {
    // Only what these handlers read (not the whole server).
    let opportunities: (any OpportunityProvider)?
    let persistence: (any PersistenceStore)?

    func register(on router: Router<some RequestContext>) {
        router.get("/v1/opportunities") { request, _ in try await self.list(request) }
    }

    func list(_ request: Request) async throws -> Response {
        let q = request.uri.queryParameters
        let limit = try Query.int(q["limit"], "limit", default: 100, range: 1...1_000)
        if q["history"] == "true" {
            guard let db = persistence else { throw APIError(.serviceUnavailable, "no_database", "persistence is disabled") }
            let rows = try await db.opportunityHistory(limit: limit)
            // Stored JSON is our own output; it is spliced in as is (parsed back only to reject a damaged row).
            let items: [JSONText] = rows.compactMap { r in
                guard (try? JSONSerialization.jsonObject(with: Data(r.json.utf8))) != nil else { return nil }
                return .number(r.json)
            }
            return jsonResponse(.object([("source", .string("history")), ("count", J.int(items.count)), ("opportunities", .array(items))]))
        }
        guard let provider = opportunities else {
            throw APIError(.serviceUnavailable, "arbitrage_not_running", "the arbitrage engine is not running; ?history=true reads recorded ones")
        }
        let items = provider.currentOpportunities().prefix(limit)
        return jsonResponse(
            .object([
                ("source", .string("live")), ("count", J.int(items.count)),
                ("opportunities", .array(items.map(OpportunityJSON.bot))),
            ]))
    }
}
