import Cache
import Dex
import Foundation
import Hummingbird
import SolanaCore

/// `/v1/quote?inputMint=&outputMint=&amount=[&slippageBps=][&onlyDirectRoutes=true]`: the best
/// exact-in route over cached pools, in a shape close to Jupiter's quote API (amounts as strings).
struct QuoteRoutes {
    // Only what these handlers read (not the whole server).
    let store: PoolStore
    /// Rate bounds per pool version, kept across requests.
    let bounds: QuoteBounds

    func register(on router: Router<some RequestContext>) {
        router.get("/v1/quote") { request, _ in try self.quote(request) }
    }

    func quote(_ request: Request) throws -> Response {
        let q = request.uri.queryParameters
        let input = try APIServer.pubkey(q["inputMint"].map(String.init), "inputMint")
        let output = try APIServer.pubkey(q["outputMint"].map(String.init), "outputMint")
        guard let amountText = q["amount"] else { throw APIError.badParam("amount", "missing") }
        guard amountText.count <= 20, let amount = UInt64(amountText), amount > 0 else {
            throw APIError.badParam("amount", "expected an integer amount of base units in 1…18446744073709551615")
        }
        let slippage = try Query.int(q["slippageBps"], "slippageBps", default: 50, range: 0...10_000)
        let direct = q["onlyDirectRoutes"].map { $0 == "true" } ?? false
        let start = ContinuousClock.now
        let route: QuoteFinder.Route
        do {
            route = try QuoteFinder.best(
                store: store, inputMint: input, outputMint: output, amount: amount,
                context: store.context(), allowTwoHops: !direct, bounds: bounds)
        } catch let f as QuoteFinder.Failure {
            switch f {
            case .sameMint: throw APIError.badParam("outputMint", f.description)
            case .noPool, .noRoute: throw APIError(.notFound, "no_route", f.description)
            }
        }
        let out = route.outAmount
        let threshold = UInt64((UInt128(out) * UInt128(10_000 - slippage)) / 10_000)
        let slot = route.hops.map(\.quote).compactMap { store.entry($0.pool)?.lastSlot }.max() ?? 0
        let body: JSONText = .object([
            ("inputMint", J.key(input)), ("inAmount", J.u64(route.inAmount)),
            ("outputMint", J.key(output)), ("outAmount", J.u64(out)),
            ("otherAmountThreshold", J.u64(threshold)), ("swapMode", .string("ExactIn")), ("slippageBps", J.int(slippage)),
            ("priceImpactPct", .string(String(format: "%.10f", max(0, route.priceImpact)))),
            (
                "routePlan",
                .array(
                    route.hops.map { h in
                        .object([
                            (
                                "swapInfo",
                                .object([
                                    ("ammKey", J.key(h.quote.pool)), ("label", .string(h.quote.dex.rawValue)),
                                    ("inputMint", J.key(h.quote.inputMint)), ("outputMint", J.key(h.quote.outputMint)),
                                    ("inAmount", J.u64(h.quote.amountIn)), ("outAmount", J.u64(h.quote.amountOut)),
                                    ("feeAmount", J.u64(h.quote.feeAmount)), ("feeMint", J.key(h.quote.feeMint)),
                                    ("stale", .bool(h.stale)),
                                ])
                            ),
                            ("percent", J.int(100)),
                        ])
                    })
            ),
            ("contextSlot", J.u64(slot)),
            ("timeTaken", J.num((ContinuousClock.now - start).seconds)),
        ])
        return jsonResponse(body)
    }
}
