import Arbitrage
import Cache
import Dex
import SolanaCore

/// Best exact-out route (`swapMode=ExactOut`): the least input that buys exactly `amountOut`,
/// over every direct pool and, chained backwards, every two-hop path through a bridge token
/// (the second hop's exact-out input is the first hop's exact-out amount, so both legs are the
/// programs' own exact-out computations). Pools whose DEX has no exact-out swap are skipped
/// (`QuoteError.exactOutUnsupported`). Candidates are tried cheapest lower bound first — an input
/// of at least (out − 1) / rate, `QuoteBounds` being an upper bound on any swap's rate — and a
/// candidate whose bound cannot beat the best input found is not quoted.
///
/// ```swift
/// let route = try ExactOutSearch.best(store: store, inputMint: usdc, outputMint: sol,
///                                     amountOut: 1_000_000_000, context: store.context())
/// route.inAmount   // USDC the programs take for exactly 1 SOL
/// ```
public enum ExactOutSearch {
    public static func best(
        store: PoolStore, inputMint: Pubkey, outputMint: Pubkey, amountOut: UInt64, context: QuoteContext,
        allowTwoHops: Bool = true, bounds: QuoteBounds = QuoteBounds()
    ) throws -> QuoteFinder.Route {
        try best(
            graph: store.mintGraph(), entries: store.entries, inputMint: inputMint, outputMint: outputMint, amountOut: amountOut,
            context: context, allowTwoHops: allowTwoHops, bounds: bounds)
    }

    /// Over a list of entries (tests, one-off tools).
    public static func best(
        entries: [PoolEntry], inputMint: Pubkey, outputMint: Pubkey, amountOut: UInt64, context: QuoteContext, allowTwoHops: Bool = true
    ) throws -> QuoteFinder.Route {
        let (graph, lookup) = QuoteFinder.index(entries)
        return try best(
            graph: graph, entries: lookup, inputMint: inputMint, outputMint: outputMint, amountOut: amountOut, context: context,
            allowTwoHops: allowTwoHops, bounds: QuoteBounds())
    }

    /// The least input any swap at rate at most `rate` (Q64.64) needs to pay `out` (one unit of
    /// slack for the programs' exact-out rounding).
    static func leastInput(_ out: UInt64, rate: UInt128) -> UInt64 {
        guard rate != RateBound.unbounded, rate > 0, out > 1 else { return 0 }
        return UInt64(min((UInt128(out - 1) << 64) / rate, UInt128(UInt64.max)))
    }

    static func best(
        graph: MintGraph, entries: ([Pubkey]) -> [PoolEntry], inputMint: Pubkey, outputMint: Pubkey, amountOut: UInt64,
        context: QuoteContext, allowTwoHops: Bool, bounds: QuoteBounds
    ) throws -> QuoteFinder.Route {
        guard inputMint != outputMint else { throw QuoteFinder.Failure.sameMint }
        func usable(_ pools: [Pubkey]) -> [PoolEntry] {
            entries(pools).filter { $0.model != nil && $0.price != nil && QuoteFinder.quotable($0.status) }
        }
        let fromInput = usable(graph.pools(of: inputMint))
        guard !fromInput.isEmpty else { throw QuoteFinder.Failure.noPool(inputMint.base58) }
        guard !usable(graph.pools(of: outputMint)).isEmpty else { throw QuoteFinder.Failure.noPool(outputMint.base58) }
        var lastError: String?
        var quotes = 0

        /// The hop among `pools` taking the least `input` for exactly `out`, unless none beats `toBeat`.
        func cheapestHop(_ pools: [PoolEntry], input: Pubkey, out: UInt64, toBeat: UInt64?) -> QuoteFinder.Hop? {
            let ordered = pools.map { ($0, leastInput(out, rate: bounds.rate($0, input: input, context: context))) }.sorted { $0.1 < $1.1 }
            var best: QuoteFinder.Hop?
            for (e, least) in ordered {
                if let ceiling = [best?.quote.amountIn, toBeat].compactMap({ $0 }).min(), least >= ceiling { break }
                quotes += 1
                do {
                    let hop = try QuoteFinder.quote(e, amount: out, input: input, context: context, exactOut: true)
                    if best == nil || hop.quote.amountIn < best!.quote.amountIn { best = hop }
                } catch { lastError = "\(e.address.short): \(error)" }
            }
            return best
        }

        var byOther: [Pubkey: [PoolEntry]] = [:]
        for e in fromInput {
            guard let m = e.model else { continue }
            byOther[m.mintA == inputMint ? m.mintB : m.mintA, default: []].append(e)
        }
        var best: QuoteFinder.Route? = cheapestHop(byOther[outputMint] ?? [], input: inputMint, out: amountOut, toBeat: nil).map {
            QuoteFinder.Route(hops: [$0])
        }
        if allowTwoHops {
            // Per bridge, the least input any path through it could take: out over the best second-hop
            // rate, then over the best first-hop rate.
            var bridges: [(mint: Pubkey, first: [PoolEntry], second: [PoolEntry], least: UInt64)] = []
            for (mint, first) in byOther where mint != outputMint {
                let second = usable(graph.pools(between: mint, outputMint))
                guard !second.isEmpty else { continue }
                let secondRate = second.map { bounds.rate($0, input: mint, context: context) }.max() ?? RateBound.unbounded
                let firstRate = first.map { bounds.rate($0, input: inputMint, context: context) }.max() ?? RateBound.unbounded
                bridges.append((mint, first, second, leastInput(leastInput(amountOut, rate: secondRate), rate: firstRate)))
            }
            bridges.sort { ($0.least, $0.mint) < ($1.least, $1.mint) }
            for b in bridges.prefix(QuoteFinder.maxBridges) {
                if let best, b.least >= best.inAmount { break }
                // The first hop's input grows with the bridge amount: only the cheapest second hop matters.
                guard let second = cheapestHop(b.second, input: b.mint, out: amountOut, toBeat: nil) else { continue }
                let others = b.first.filter { $0.address != second.quote.pool }
                guard let first = cheapestHop(others, input: inputMint, out: second.quote.amountIn, toBeat: best?.inAmount) else {
                    continue
                }
                if best == nil || first.quote.amountIn < best!.inAmount { best = QuoteFinder.Route(hops: [first, second]) }
            }
        }
        guard var route = best else {
            throw QuoteFinder.Failure.noRoute(lastError ?? "no pool or pair of pools connects the two mints")
        }
        route.quotesComputed = quotes
        return route
    }
}
