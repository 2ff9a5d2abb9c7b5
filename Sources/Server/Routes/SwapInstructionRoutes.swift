import Cache
import Dex
import Foundation
import Hummingbird
import Logging
import SolanaCore

/// `POST /v1/swap-instructions` (a `/v1/quote` answer) and `POST /v1/opportunities/instructions`
/// (a `/v1/opportunities` entry): the instructions a wallet signs to take the route, in Jupiter's
/// `/swap-instructions` shape. The route is re-quoted on the cached state first: when a pool has
/// moved since the quote's `contextSlot`, or a hop would now pay another amount, the answer is
/// `409 quote_stale`, so a bot never signs a trade priced on old state.
struct SwapInstructionRoutes {
    let store: PoolStore
    let metrics: ServiceMetrics
    static let bodyLimit = 64 * 1024

    func register(on router: Router<some RequestContext>) {
        router.post("/v1/swap-instructions") { request, context in try await self.swapInstructions(request, logger: context.logger) }
        router.post("/v1/opportunities/instructions") { request, context in
            try await self.opportunityInstructions(request, logger: context.logger)
        }
    }

    /// One hop as a quote's `routePlan[].swapInfo` or an opportunity's `route[]` states it.
    struct Leg {
        var pool: Pubkey
        var inputMint: Pubkey
        var outputMint: Pubkey
        var inAmount: UInt64
        var outAmount: UInt64
    }

    func swapInstructions(_ request: Request, logger: Logger) async throws -> Response {
        let body = try object(try await Body.collect(request, limit: Self.bodyLimit))
        guard let quote = body["quoteResponse"] as? [String: Any] else { throw APIError.badParam("quoteResponse", "missing (a /v1/quote answer)") }
        let mode = quote["swapMode"] as? String ?? "ExactIn"
        guard mode == "ExactIn" || mode == "ExactOut" else { throw APIError.badParam("quoteResponse.swapMode", "expected ExactIn or ExactOut") }
        guard let plan = quote["routePlan"] as? [[String: Any]], !plan.isEmpty else {
            throw APIError.badParam("quoteResponse.routePlan", "expected a non-empty array")
        }
        var percents: [Int] = []
        let legs = try plan.enumerated().map { i, step in
            guard let info = step["swapInfo"] as? [String: Any] else { throw APIError.badParam("quoteResponse.routePlan[\(i)].swapInfo", "missing") }
            let p = step["percent"] as? Int ?? 100
            guard (1...100).contains(p) else { throw APIError.badParam("quoteResponse.routePlan[\(i)].percent", "expected 1…100") }
            percents.append(p)
            return try leg(info, pool: "ammKey", path: "quoteResponse.routePlan[\(i)].swapInfo")
        }
        // A split route: legs side by side (percent of the input each, 100 in all), not a chain.
        let split = percents.contains { $0 != 100 }
        if split {
            guard percents.reduce(0, +) == 100, mode == "ExactIn" else {
                throw APIError.badParam("quoteResponse.routePlan", "a split route's percents must add up to 100 (ExactIn only)")
            }
        }
        let slippage = try int(body["slippageBps"] ?? quote["slippageBps"], "slippageBps", default: 50)
        return try answer(
            legs: legs, contextSlot: try u64(quote["contextSlot"], "quoteResponse.contextSlot"), body: body, slippageBps: slippage,
            exactOut: mode == "ExactOut", split: split, logger: logger)
    }

    func opportunityInstructions(_ request: Request, logger: Logger) async throws -> Response {
        let body = try object(try await Body.collect(request, limit: Self.bodyLimit))
        guard let o = body["opportunity"] as? [String: Any] else { throw APIError.badParam("opportunity", "missing (a /v1/opportunities entry)") }
        guard let route = o["route"] as? [[String: Any]], !route.isEmpty else {
            throw APIError.badParam("opportunity.route", "expected a non-empty array")
        }
        let legs = try route.enumerated().map { i, h in try leg(h, pool: "pool", path: "opportunity.route[\(i)]") }
        let slippage = try int(body["slippageBps"], "slippageBps", default: 0)
        return try answer(legs: legs, contextSlot: try u64(o["slot"], "opportunity.slot"), body: body, slippageBps: slippage, logger: logger)
    }

    /// `exactOut`: every hop buys exactly its quoted output with the program's exact-out swap (the
    /// first hop may spend its input plus the slippage, later hops exactly what the previous one
    /// delivers); `split`: the legs share input and output and each takes the slippage.
    func answer(
        legs: [Leg], contextSlot: UInt64, body: [String: Any], slippageBps: Int, exactOut: Bool = false, split: Bool = false,
        logger: Logger
    ) throws -> Response {
        guard let userText = body["userPublicKey"] as? String else { throw APIError.badParam("userPublicKey", "missing (base58)") }
        let user = try APIServer.pubkey(userText, "userPublicKey")
        let wrap = try bool(body["wrapAndUnwrapSol"], "wrapAndUnwrapSol", default: true)
        let compact = try bool(body["compactVariants"], "compactVariants", default: false)
        let context = store.context()
        var hops: [SwapInstructionPlan.Hop] = []
        for (i, l) in legs.enumerated() {
            if split {
                if l.inputMint != legs[0].inputMint || l.outputMint != legs[0].outputMint {
                    throw APIError.badParam("route", "split leg \(i) does not share the first leg's input and output mints")
                }
            } else if i > 0 && l.inputMint != legs[i - 1].outputMint || i > 0 && l.inAmount != legs[i - 1].outAmount {
                throw APIError.badParam("route", "hop \(i) does not take the previous hop's output")
            }
            guard let entry = store.entry(l.pool), let model = entry.model else {
                throw APIError(.notFound, "pool_not_found", "pool \(l.pool) is not in the cache")
            }
            if entry.lastSlot > contextSlot {
                throw stale("pool \(l.pool) changed at slot \(entry.lastSlot), after the quote's slot \(contextSlot)", logger)
            }
            let q: Quote
            do {
                q =
                    exactOut
                    ? try model.quoteExactOut(amountOut: l.outAmount, inputMint: l.inputMint, context: context)
                    : try model.quote(amountIn: l.inAmount, inputMint: l.inputMint, context: context)
            } catch let e as QuoteError {
                throw stale("pool \(l.pool) cannot fill the hop now: \(e)", logger)
            }
            if q.outputMint != l.outputMint { throw APIError.badParam("route", "hop \(i) output mint is not the pool's other mint") }
            if q.partial != nil || q.amountOut != l.outAmount || q.amountIn != l.inAmount {
                throw stale("pool \(l.pool) now swaps \(q.amountIn) for \(q.amountOut), the quote said \(l.inAmount) for \(l.outAmount)", logger)
            }
            let amount: SwapAmount
            if exactOut {
                let ceiling = i == 0 ? SwapInstructionPlan.maximumIn(l.inAmount, slippageBps: slippageBps) : l.inAmount
                amount = .exactOut(amountOut: l.outAmount, maximumAmountIn: ceiling)
            } else {
                // Every hop of a chain but the last must deliver the next hop's input exactly; the last
                // (and every leg of a split) takes the slippage.
                let last = split || i == legs.count - 1
                amount = .exactIn(
                    amountIn: l.inAmount, minimumAmountOut: last ? SwapInstructionPlan.minimumOut(q.amountOut, slippageBps: slippageBps) : q.amountOut
                )
            }
            hops.append(.init(model: model, inputMint: l.inputMint, amount: amount))
        }
        do {
            let plan = try SwapInstructionPlan.build(
                hops: hops, user: user, wrapAndUnwrapSol: wrap, accounts: StoreAccounts(store: store), context: context,
                compactVariants: compact, parallel: split)
            return jsonResponse(plan.json(contextSlot: contextSlot))
        } catch let e as SwapInstructionError {
            metrics.swapInstructionRefusals.increment()
            logger.info("swap-instructions refused: \(e)")
            throw APIError(.unprocessableContent, "unsupported_swap", e.description)
        } catch let e as QuoteError {
            throw stale("\(e)", logger)
        }
    }

    func stale(_ why: String, _ logger: Logger) -> APIError {
        metrics.staleQuotes.increment()
        logger.info("409 quote_stale: \(why)")
        return APIError(.conflict, "quote_stale", why)
    }

    func leg(_ o: [String: Any], pool: String, path: String) throws -> Leg {
        func key(_ f: String) throws -> Pubkey { try APIServer.pubkey(o[f] as? String, "\(path).\(f)") }
        return Leg(
            pool: try key(pool), inputMint: try key("inputMint"), outputMint: try key("outputMint"),
            inAmount: try u64(o["inAmount"], "\(path).inAmount"), outAmount: try u64(o["outAmount"], "\(path).outAmount"))
    }

    func object(_ bytes: [UInt8]) throws -> [String: Any] {
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: Data(bytes)) } catch {
            throw APIError(.badRequest, "malformed_json", "request body is not valid JSON")
        }
        guard let o = parsed as? [String: Any] else { throw APIError(.badRequest, "malformed_json", "request body must be a JSON object") }
        return o
    }

    /// A u64 given as a decimal string (Jupiter's amounts) or a JSON integer (slots).
    func u64(_ v: Any?, _ name: String) throws -> UInt64 {
        if let s = v as? String, s.count <= 20, let n = UInt64(s) { return n }
        if let v, !Self.isBoolean(v), let u = v as? UInt64 { return u }
        throw APIError.badParam(name, "expected an unsigned 64-bit integer (decimal string or number)")
    }

    func int(_ v: Any?, _ name: String, default d: Int) throws -> Int {
        guard let v else { return d }
        guard !Self.isBoolean(v), let i = v as? Int, (0...10_000).contains(i) else {
            throw APIError.badParam(name, "expected an integer in 0…10000")
        }
        return i
    }

    /// JSON true/false as JSONSerialization gives them (an NSNumber of type "c"; 0 and 1 also cast to Bool).
    static func isBoolean(_ v: Any) -> Bool {
        if let n = v as? NSNumber { return String(cString: n.objCType) == "c" }
        return v is Bool
    }

    func bool(_ v: Any?, _ name: String, default d: Bool) throws -> Bool {
        guard let v else { return d }
        guard Self.isBoolean(v), let b = v as? Bool else { throw APIError.badParam(name, "expected true or false") }
        return b
    }
}

/// The store's accounts (mints) as the instruction planner reads them.
struct StoreAccounts: AccountLookup {
    let store: PoolStore
    func account(_ address: Pubkey) -> AccountData? { store.account(address) }
}
