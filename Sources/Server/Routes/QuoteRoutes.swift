import Cache
import Dex
import Foundation
import Hummingbird
import SolanaCore

/// `/v1/quote?inputMint=&outputMint=&amount=[&slippageBps=][&onlyDirectRoutes=true][&swapMode=ExactIn|ExactOut][&maxSplits=n]`:
/// the best route over cached pools, in a shape close to Jupiter's quote API (amounts as strings).
/// ExactIn (default): `amount` is the input, which may be split over up to `maxSplits` (default 3)
/// pools of the pair when that pays more. ExactOut: `amount` is the output, `inAmount` the exact
/// input the programs' exact-out swaps take (direct or two hops chained backwards, never split).
struct QuoteRoutes {
    // Only what these handlers read (not the whole server).
    let store: PoolStore
    /// Rate bounds per pool version, kept across requests.
    let bounds: QuoteBounds

    /// Largest `maxSplits` accepted (each extra leg costs exact quotes).
    static let maxSplitsLimit = 10

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
        let mode = q["swapMode"].map(String.init) ?? "ExactIn"
        guard mode == "ExactIn" || mode == "ExactOut" else { throw APIError.badParam("swapMode", "expected ExactIn or ExactOut") }
        let exactOut = mode == "ExactOut"
        let maxSplits = try Query.int(q["maxSplits"], "maxSplits", default: 3, range: 1...Self.maxSplitsLimit)
        let start = ContinuousClock.now
        let route: QuoteFinder.Route
        do {
            route =
                exactOut
                ? try ExactOutSearch.best(
                    store: store, inputMint: input, outputMint: output, amountOut: amount,
                    context: store.context(), allowTwoHops: !direct, bounds: bounds)
                : try QuoteFinder.best(
                    store: store, inputMint: input, outputMint: output, amount: amount,
                    context: store.context(), allowTwoHops: !direct, bounds: bounds, maxSplits: maxSplits)
        } catch let f as QuoteFinder.Failure {
            switch f {
            case .sameMint: throw APIError.badParam("outputMint", f.description)
            case .noPool, .noRoute: throw APIError(.notFound, "no_route", f.description)
            }
        }
        let out = route.outAmount
        // ExactIn: the least output after slippage; ExactOut: the most input (ceil, capped at u64).
        let threshold =
            exactOut
            ? SwapInstructionPlan.maximumIn(route.inAmount, slippageBps: slippage)
            : SwapInstructionPlan.minimumOut(out, slippageBps: slippage)
        let slot = route.hops.map(\.quote).compactMap { store.entry($0.pool)?.lastSlot }.max() ?? 0
        let body: JSONText = .object([
            ("inputMint", J.key(input)), ("inAmount", J.u64(route.inAmount)),
            ("outputMint", J.key(output)), ("outAmount", J.u64(out)),
            ("otherAmountThreshold", J.u64(threshold)), ("swapMode", .string(mode)), ("slippageBps", J.int(slippage)),
            ("priceImpactPct", .string(String(format: "%.10f", max(0, route.priceImpact)))),
            (
                "routePlan",
                .array(
                    route.hops.enumerated().map { i, h in
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
                            ("percent", J.int(route.percents?[i] ?? 100)),
                        ])
                    })
            ),
            ("contextSlot", J.u64(slot)),
            ("timeTaken", J.num((ContinuousClock.now - start).seconds)),
        ])
        return jsonResponse(body)
    }
}
