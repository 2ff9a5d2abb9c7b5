import Cache
import Dex
import PoolMath
import SolanaCore

/// Best exact-in route across the cached pools: every direct pool, and every two-hop path
/// through any bridge token. Each hop is the pool model's own exact quote, so `outAmount` is
/// what the programs would pay at the cached state. Only pools the mint graph links to the two
/// mints are read, so a quote's cost follows the pair's pools, not the market's.
///
/// ```swift
/// let route = try QuoteFinder.best(store: store, inputMint: sol, outputMint: usdc,
///                                  amount: 1_000_000_000, context: store.context())
/// route.outAmount
/// ```
public enum QuoteFinder {
    public struct Hop: Sendable {
        public var quote: Quote
        public var stale: Bool
        public var decimalsIn: UInt8
        public var decimalsOut: UInt8
    }

    public struct Route: Sendable {
        public var hops: [Hop]
        public var inAmount: UInt64 { hops.first?.quote.amountIn ?? 0 }
        public var outAmount: UInt64 { hops.last?.quote.amountOut ?? 0 }
        /// 1 − actual/spot over the whole route, fees included (a fraction, 0.001 = 0.1 %).
        public var priceImpact: Double {
            var ratio = 1.0
            for h in hops {
                let spot = h.quote.priceBefore.doubleValue
                let inHuman = Double(h.quote.amountIn) / pow10(h.decimalsIn)
                let outHuman = Double(h.quote.amountOut) / pow10(h.decimalsOut)
                guard spot > 0, inHuman > 0 else { return 0 }
                ratio *= outHuman / (inHuman * spot)
            }
            return 1 - ratio
        }
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case sameMint
        case noPool(String)
        case noRoute(String)
        public var description: String {
            switch self {
            case .sameMint: return "inputMint and outputMint are the same"
            case .noPool(let m): return "no cached pool trades \(m)"
            case .noRoute(let why): return "no route: \(why)"
            }
        }
    }

    /// First hops kept for the two-hop search (best outputs first), to bound the work per request.
    public static let maxFirstHops = 32

    /// Best route over the store, touching only pools of the input mint and, for two hops, of the
    /// pairs (bridge, output) reached by the best first hops (the store's mint graph).
    public static func best(
        store: PoolStore, inputMint: Pubkey, outputMint: Pubkey, amount: UInt64, context: QuoteContext,
        allowTwoHops: Bool = true
    ) throws -> Route {
        try best(
            graph: store.mintGraph(), entries: store.entries, inputMint: inputMint, outputMint: outputMint, amount: amount,
            context: context, allowTwoHops: allowTwoHops)
    }

    /// Best route over a list of entries (tests, one-off tools).
    public static func best(
        entries: [PoolEntry], inputMint: Pubkey, outputMint: Pubkey, amount: UInt64, context: QuoteContext,
        allowTwoHops: Bool = true
    ) throws -> Route {
        var graph = MintGraph()
        var byAddress: [Pubkey: PoolEntry] = [:]
        for e in entries { if let m = e.model { graph.insert(pool: e.address, mintA: m.mintA, mintB: m.mintB); byAddress[e.address] = e } }
        return try best(
            graph: graph, entries: { $0.compactMap { byAddress[$0] } }, inputMint: inputMint, outputMint: outputMint,
            amount: amount, context: context, allowTwoHops: allowTwoHops)
    }

    static func best(
        graph: MintGraph, entries: ([Pubkey]) -> [PoolEntry], inputMint: Pubkey, outputMint: Pubkey, amount: UInt64,
        context: QuoteContext, allowTwoHops: Bool
    ) throws -> Route {
        guard inputMint != outputMint else { throw Failure.sameMint }
        func usable(_ pools: [Pubkey]) -> [PoolEntry] { entries(pools).filter { $0.model != nil && $0.price != nil && Self.quotable($0.status) } }
        let fromInput = usable(graph.pools(of: inputMint))
        guard !fromInput.isEmpty else { throw Failure.noPool(inputMint.base58) }
        guard !usable(graph.pools(of: outputMint)).isEmpty else { throw Failure.noPool(outputMint.base58) }

        var best: Route?
        func consider(_ r: Route) { if best == nil || r.outAmount > best!.outAmount { best = r } }
        var lastError: String?

        // First hops from the input (direct pools included: they end the route at once).
        var firstHops: [Hop] = []
        for e in fromInput {
            do {
                let hop = try quote(e, amount: amount, input: inputMint, context: context)
                if hop.quote.outputMint == outputMint { consider(Route(hops: [hop])) } else { firstHops.append(hop) }
            } catch { lastError = "\(e.address.short): \(error)" }
        }
        if allowTwoHops {
            firstHops.sort { $0.quote.amountOut > $1.quote.amountOut }
            // Per bridge mint only the best first hop matters: the second hop is monotone in its input.
            var bestIntoBridge: [Pubkey: Hop] = [:]
            for h in firstHops.prefix(maxFirstHops * 4) where bestIntoBridge[h.quote.outputMint] == nil {
                bestIntoBridge[h.quote.outputMint] = h
            }
            for (bridge, first) in bestIntoBridge.sorted(by: { $0.value.quote.amountOut > $1.value.quote.amountOut }).prefix(maxFirstHops) {
                for e in usable(graph.pools(between: bridge, outputMint)) where e.address != first.quote.pool {
                    do { consider(Route(hops: [first, try quote(e, amount: first.quote.amountOut, input: bridge, context: context)])) } catch {
                        lastError = "\(e.address.short): \(error)"
                    }
                }
            }
        }
        guard let route = best else { throw Failure.noRoute(lastError ?? "no pool or pair of pools connects the two mints") }
        return route
    }

    static func quotable(_ s: PoolStatus) -> Bool {
        switch s {
        case .ok, .stale: return true;
        default: return false
        }
    }

    static func quote(_ e: PoolEntry, amount: UInt64, input: Pubkey, context: QuoteContext) throws -> Hop {
        guard let model = e.model, let p = e.price else { throw QuoteError.unsupported("pool not priced yet") }
        let q = try model.quote(amountIn: amount, inputMint: input, context: context)
        // A partial fill means the cached tick/bin arrays do not cover the amount: not an exact quote.
        if let partial = q.partial { throw QuoteError.insufficientLiquidity(partial.reason) }
        let aIn = input == p.mintA
        return Hop(quote: q, stale: e.status == .stale, decimalsIn: aIn ? p.decimalsA : p.decimalsB, decimalsOut: aIn ? p.decimalsB : p.decimalsA)
    }
}

private func pow10(_ d: UInt8) -> Double {
    var r = 1.0
    for _ in 0..<d { r *= 10 }
    return r
}
