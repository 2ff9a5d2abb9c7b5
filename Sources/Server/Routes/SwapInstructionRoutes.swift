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
        if let mode = quote["swapMode"] as? String, mode != "ExactIn" {
            throw APIError.badParam("quoteResponse.swapMode", "only ExactIn quotes are supported")
        }
        guard let plan = quote["routePlan"] as? [[String: Any]], !plan.isEmpty else {
            throw APIError.badParam("quoteResponse.routePlan", "expected a non-empty array")
        }
        let legs = try plan.enumerated().map { i, step in
            guard let info = step["swapInfo"] as? [String: Any] else { throw APIError.badParam("quoteResponse.routePlan[\(i)].swapInfo", "missing") }
            if let p = step["percent"] as? Int, p != 100 {
                throw APIError.badParam("quoteResponse.routePlan[\(i)].percent", "split routes are not supported here")
            }
            return try leg(info, pool: "ammKey", path: "quoteResponse.routePlan[\(i)].swapInfo")
        }
        let slippage = try int(body["slippageBps"] ?? quote["slippageBps"], "slippageBps", default: 50)
        return try answer(
            legs: legs, contextSlot: try u64(quote["contextSlot"], "quoteResponse.contextSlot"), body: body, slippageBps: slippage,
            logger: logger)
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

    func answer(legs: [Leg], contextSlot: UInt64, body: [String: Any], slippageBps: Int, logger: Logger) throws -> Response {
        guard let userText = body["userPublicKey"] as? String else { throw APIError.badParam("userPublicKey", "missing (base58)") }
        let user = try APIServer.pubkey(userText, "userPublicKey")
        let wrap = try bool(body["wrapAndUnwrapSol"], "wrapAndUnwrapSol", default: true)
        let compact = try bool(body["compactVariants"], "compactVariants", default: false)
        let context = store.context()
        var hops: [SwapInstructionPlan.Hop] = []
        for (i, l) in legs.enumerated() {
            if i > 0 && l.inputMint != legs[i - 1].outputMint || i > 0 && l.inAmount != legs[i - 1].outAmount {
                throw APIError.badParam("route", "hop \(i) does not take the previous hop's output")
            }
            guard let entry = store.entry(l.pool), let model = entry.model else {
                throw APIError(.notFound, "pool_not_found", "pool \(l.pool) is not in the cache")
            }
            if entry.lastSlot > contextSlot {
                throw stale("pool \(l.pool) changed at slot \(entry.lastSlot), after the quote's slot \(contextSlot)", logger)
            }
            let q: Quote
            do { q = try model.quote(amountIn: l.inAmount, inputMint: l.inputMint, context: context) } catch let e as QuoteError {
                throw stale("pool \(l.pool) cannot fill the hop now: \(e)", logger)
            }
            if q.outputMint != l.outputMint { throw APIError.badParam("route", "hop \(i) output mint is not the pool's other mint") }
            if q.partial != nil || q.amountOut != l.outAmount {
                throw stale("pool \(l.pool) now pays \(q.amountOut) for \(l.inAmount), the quote said \(l.outAmount)", logger)
            }
            // Every hop but the last must deliver the next hop's input exactly; the last takes the slippage.
            let floor = i == legs.count - 1 ? SwapInstructionPlan.minimumOut(q.amountOut, slippageBps: slippageBps) : q.amountOut
            hops.append(.init(model: model, inputMint: l.inputMint, amount: .exactIn(amountIn: l.inAmount, minimumAmountOut: floor)))
        }
        do {
            let plan = try SwapInstructionPlan.build(
                hops: hops, user: user, wrapAndUnwrapSol: wrap, accounts: StoreAccounts(store: store), context: context)
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
