import Arbitrage
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
        /// Consecutive hops; for a split (`percents` set), parallel one-hop legs of the same pair.
        public var hops: [Hop]
        /// Exact pool quotes the search made (the rest were pruned by their rate bounds).
        public var quotesComputed = 0
        /// A split route: each leg's share of the input in whole percent (Jupiter's `percent`), summing to 100.
        public var percents: [Int]? = nil
        public var isSplit: Bool { percents != nil }
        public var inAmount: UInt64 { isSplit ? hops.reduce(0) { $0 + $1.quote.amountIn } : hops.first?.quote.amountIn ?? 0 }
        public var outAmount: UInt64 { isSplit ? hops.reduce(0) { $0 + $1.quote.amountOut } : hops.last?.quote.amountOut ?? 0 }
        /// 1 − actual/spot over the whole route, fees included (a fraction, 0.001 = 0.1 %); for a
        /// split, total output over the spot value of every leg's input.
        public var priceImpact: Double {
            if isSplit {
                var out = 0.0, spotValue = 0.0
                for h in hops {
                    out += Double(h.quote.amountOut) / pow10(h.decimalsOut)
                    spotValue += Double(h.quote.amountIn) / pow10(h.decimalsIn) * h.quote.priceBefore.doubleValue
                }
                return spotValue > 0 ? 1 - out / spotValue : 0
            }
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

    /// Bridge mints tried for two-hop routes, best optimistic bound first: a bridge whose bound
    /// cannot beat the best route found is not tried at all, so this cap rarely binds.
    public static let maxBridges = 32

    /// Best route over the store, touching only pools of the input mint and, for two hops, of the
    /// pairs (bridge, output) whose rate bounds could still beat the best route found.
    /// With `maxSplits` ≥ 2 the input may also be split over that many direct pools of the pair
    /// (`SplitSearch`) when that pays more than the best single route.
    public static func best(
        store: PoolStore, inputMint: Pubkey, outputMint: Pubkey, amount: UInt64, context: QuoteContext,
        allowTwoHops: Bool = true, bounds: QuoteBounds = QuoteBounds(), maxSplits: Int = 1
    ) throws -> Route {
        try best(
            graph: store.mintGraph(), entries: store.entries, inputMint: inputMint, outputMint: outputMint, amount: amount,
            context: context, allowTwoHops: allowTwoHops, bounds: bounds, maxSplits: maxSplits)
    }

    /// Best route over a list of entries (tests, one-off tools).
    public static func best(
        entries: [PoolEntry], inputMint: Pubkey, outputMint: Pubkey, amount: UInt64, context: QuoteContext,
        allowTwoHops: Bool = true, maxSplits: Int = 1
    ) throws -> Route {
        let (graph, lookup) = index(entries)
        return try best(
            graph: graph, entries: lookup, inputMint: inputMint, outputMint: outputMint,
            amount: amount, context: context, allowTwoHops: allowTwoHops, bounds: QuoteBounds(), maxSplits: maxSplits)
    }

    /// A mint graph over `entries` and a lookup of its pools, for the list-based entry points.
    static func index(_ entries: [PoolEntry]) -> (MintGraph, ([Pubkey]) -> [PoolEntry]) {
        var graph = MintGraph()
        var byAddress: [Pubkey: PoolEntry] = [:]
        for e in entries { if let m = e.model { graph.insert(pool: e.address, mintA: m.mintA, mintB: m.mintB); byAddress[e.address] = e } }
        return (graph, { $0.compactMap { byAddress[$0] } })
    }

    /// A pool of a hop with the most it could pay for the hop's input (`RateBound.convertUp`).
    struct Candidate {
        let entry: PoolEntry
        let most: UInt64
    }

    /// Exact search with pruning: candidates are quoted in order of their upper bound, and a
    /// candidate whose bound cannot beat the best exact output so far is never quoted. The bounds
    /// hold for every size (`MarginalRateBound`), so the answer is the one quoting every pool gives.
    static func best(
        graph: MintGraph, entries: ([Pubkey]) -> [PoolEntry], inputMint: Pubkey, outputMint: Pubkey, amount: UInt64,
        context: QuoteContext, allowTwoHops: Bool, bounds: QuoteBounds, maxSplits: Int = 1
    ) throws -> Route {
        guard inputMint != outputMint else { throw Failure.sameMint }
        func usable(_ pools: [Pubkey]) -> [PoolEntry] { entries(pools).filter { $0.model != nil && $0.price != nil && Self.quotable($0.status) } }
        let fromInput = usable(graph.pools(of: inputMint))
        guard !fromInput.isEmpty else { throw Failure.noPool(inputMint.base58) }
        guard !usable(graph.pools(of: outputMint)).isEmpty else { throw Failure.noPool(outputMint.base58) }
        var lastError: String?
        var quotes = 0

        /// The best exact hop among `pools` for `input` → (the pools' other mint), or nil.
        func bestHop(_ pools: [PoolEntry], input: Pubkey, amount: UInt64, toBeat: UInt64?) -> Hop? {
            let candidates = pools.map { e in
                Candidate(entry: e, most: RateBound.convertUp(amount, rate: bounds.rate(e, input: input, context: context)))
            }
            .sorted { $0.most > $1.most }
            var best: Hop?
            for c in candidates {
                let floor = max(best?.quote.amountOut ?? 0, toBeat ?? 0)
                if (best != nil || toBeat != nil) && c.most <= floor { break }
                quotes += 1
                do {
                    let hop = try quote(c.entry, amount: amount, input: input, context: context)
                    if best == nil || hop.quote.amountOut > best!.quote.amountOut { best = hop }
                } catch { lastError = "\(c.entry.address.short): \(error)" }
            }
            return best
        }

        // Direct pools, and the first hops grouped by the mint they reach.
        var byOther: [Pubkey: [PoolEntry]] = [:]
        for e in fromInput {
            guard let m = e.model else { continue }
            byOther[m.mintA == inputMint ? m.mintB : m.mintA, default: []].append(e)
        }
        var best: Route? = bestHop(byOther[outputMint] ?? [], input: inputMint, amount: amount, toBeat: nil).map { Route(hops: [$0]) }

        if allowTwoHops {
            // Per bridge, an optimistic bound: the most any first hop pays, through the best second-hop rate.
            struct Bridge {
                let mint: Pubkey
                let first: [PoolEntry]
                let second: [PoolEntry]
                let most: UInt64
            }
            var bridges: [Bridge] = []
            for (mint, first) in byOther where mint != outputMint {
                let second = usable(graph.pools(between: mint, outputMint))
                guard !second.isEmpty else { continue }
                let firstMost = first.map { RateBound.convertUp(amount, rate: bounds.rate($0, input: inputMint, context: context)) }.max() ?? 0
                let secondRate = second.map { bounds.rate($0, input: mint, context: context) }.max() ?? 0
                bridges.append(Bridge(mint: mint, first: first, second: second, most: RateBound.convertUp(firstMost, rate: secondRate)))
            }
            // Best bound first; equal bounds in mint order, so the choice is deterministic.
            bridges.sort { ($0.most, $1.mint) > ($1.most, $0.mint) }
            for b in bridges.prefix(maxBridges) {
                if let best, b.most <= best.outAmount { break }
                // The second hop is monotone in its input: only the best first hop into the bridge matters.
                guard let first = bestHop(b.first, input: inputMint, amount: amount, toBeat: nil) else { continue }
                let others = b.second.filter { $0.address != first.quote.pool }
                guard let second = bestHop(others, input: b.mint, amount: first.quote.amountOut, toBeat: best?.outAmount) else { continue }
                if best == nil || second.quote.amountOut > best!.outAmount { best = Route(hops: [first, second]) }
            }
        }
        if maxSplits >= 2,
            let split = SplitSearch.best(
                pools: byOther[outputMint] ?? [], inputMint: inputMint, amount: amount, maxSplits: maxSplits, context: context,
                bounds: bounds, toBeat: best?.outAmount ?? 0, quotes: &quotes)
        {
            best = split
        }
        guard var route = best else { throw Failure.noRoute(lastError ?? "no pool or pair of pools connects the two mints") }
        route.quotesComputed = quotes
        return route
    }

    static func quotable(_ s: PoolStatus) -> Bool {
        switch s {
        case .ok, .stale: return true;
        default: return false
        }
    }

    /// One exact hop on `e`: exact-in of `amount`, or with `exactOut` the input for exactly `amount` out.
    static func quote(_ e: PoolEntry, amount: UInt64, input: Pubkey, context: QuoteContext, exactOut: Bool = false) throws -> Hop {
        guard let model = e.model, let p = e.price else { throw QuoteError.unsupported("pool not priced yet") }
        let q =
            exactOut
            ? try model.quoteExactOut(amountOut: amount, inputMint: input, context: context)
            : try model.quote(amountIn: amount, inputMint: input, context: context)
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
