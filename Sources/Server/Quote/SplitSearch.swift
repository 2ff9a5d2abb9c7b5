import Arbitrage
import Cache
import Dex
import SolanaCore

/// Splitting an exact-in amount across up to `maxSplits` pools of the same pair, by marginal-rate
/// equalisation on exact quotes: the input is cut into `chunks` equal chunks (1 % each), and each
/// chunk goes to the pool whose exact output grows most by taking it (greedy allocation, optimal
/// for concave outputs; one new exact quote per chunk). A pool is quoted at all only once its rate
/// bound (`QuoteBounds`, an upper bound on any marginal rate) could beat the best marginal gain on
/// offer. The allocation runs over every pool, then (when it used more) again over the
/// `maxSplits` pools it gave most. The legs are re-quoted at their exact amounts (which sum to the
/// input), and the split is returned only when it pays more than `toBeat` with at least two legs.
///
/// ```swift
/// let split = SplitSearch.best(pools: solUsdcPools, inputMint: sol, amount: 500_000_000_000,
///                              maxSplits: 3, context: ctx, bounds: bounds, toBeat: single.outAmount)
/// split?.percents   // e.g. [62, 38]
/// ```
public enum SplitSearch {
    /// Allocation granularity: 100 chunks, so each leg's share is a whole percent.
    public static let chunks = 100

    struct Candidate {
        let entry: PoolEntry
        /// Upper bound on the output of one chunk on this pool.
        let chunkBound: UInt64
        var chunks = 0
        /// Exact output at `chunks` chunks, and at `chunks + 1` (nil: that amount is not fillable).
        var current: UInt64 = 0
        var next: UInt64?
    }

    /// The best split, or nil when none with two or more legs beats `toBeat`. `pools` are the
    /// direct pools of the pair (input `inputMint`); `quotes` counts the exact quotes made.
    public static func best(
        pools: [PoolEntry], inputMint: Pubkey, amount: UInt64, maxSplits: Int, context: QuoteContext, bounds: QuoteBounds,
        toBeat: UInt64, quotes: inout Int
    ) -> QuoteFinder.Route? {
        guard maxSplits >= 2, pools.count >= 2, amount >= 2 else { return nil }
        let n = Int(min(UInt64(chunks), amount))
        func amountAt(_ c: Int) -> UInt64 { UInt64(UInt128(amount) * UInt128(c) / UInt128(n)) }
        func exactOut(_ e: PoolEntry, _ a: UInt64) -> UInt64? {
            quotes += 1
            do { return try QuoteFinder.quote(e, amount: a, input: inputMint, context: context).quote.amountOut } catch { return nil }
        }
        let candidates = pools.map { e in
            Candidate(entry: e, chunkBound: RateBound.convertUp(amountAt(1), rate: bounds.rate(e, input: inputMint, context: context)))
        }
        .sorted { $0.chunkBound > $1.chunkBound }
        /// Greedy allocation of the n chunks over `pool`s, at most `limit` of them used.
        func allocate(_ pool: [Candidate], limit: Int) -> [Candidate]? {
            var pending = Array(pool.reversed())  // best bound last: cheapest to pop
            var open: [Candidate] = []
            var legs = 0
            func bestGain() -> (Int, UInt64)? {
                var best: (Int, UInt64)?
                for (i, c) in open.enumerated() {
                    guard let next = c.next, c.chunks > 0 || legs < limit else { continue }
                    let gain = next - min(next, c.current)
                    if best == nil || gain > best!.1 { best = (i, gain) }
                }
                return best
            }
            for _ in 0..<n {
                // Open pools while one could match the best gain on offer (its first chunk pays at most chunkBound).
                while let top = pending.last, legs < limit, bestGain().map({ top.chunkBound >= $0.1 }) ?? true {
                    var c = pending.removeLast()
                    c.next = exactOut(c.entry, amountAt(1))
                    open.append(c)
                }
                guard let (i, _) = bestGain() else { return nil }
                if open[i].chunks == 0 { legs += 1 }
                open[i].chunks += 1
                open[i].current = open[i].next!
                open[i].next = open[i].chunks < n ? exactOut(open[i].entry, amountAt(open[i].chunks + 1)) : nil
            }
            return open.filter { $0.chunks > 0 }
        }
        // Unconstrained first (where marginal rates equalise over every pool), then, if that used
        // more than maxSplits pools, again over the maxSplits pools it gave the most.
        guard var used = allocate(candidates, limit: .max) else { return nil }
        if used.count > maxSplits {
            let keep = Set(used.sorted { ($0.chunks, $0.current) > ($1.chunks, $1.current) }.prefix(maxSplits).map(\.entry.address))
            let chosen = candidates.filter { keep.contains($0.entry.address) }.map { c in
                Candidate(entry: c.entry, chunkBound: c.chunkBound)
            }
            guard let again = allocate(chosen, limit: maxSplits) else { return nil }
            used = again
        }
        guard used.count >= 2 else { return nil }
        // Exact leg amounts from cumulative chunk boundaries: they sum to `amount` exactly.
        var hops: [QuoteFinder.Hop] = []
        var cumulative = 0
        for c in used {
            let start = amountAt(cumulative)
            cumulative += c.chunks
            quotes += 1
            do {
                hops.append(try QuoteFinder.quote(c.entry, amount: amountAt(cumulative) - start, input: inputMint, context: context))
            } catch {
                return nil  // a leg that fills at its grid amount but not at its exact one: no split
            }
        }
        var route = QuoteFinder.Route(hops: hops)
        route.percents = percents(used.map(\.chunks), of: n)
        return route.outAmount > toBeat ? route : nil
    }

    /// Whole percents for chunk counts summing to `n`, summing to 100 (largest remainder).
    static func percents(_ counts: [Int], of n: Int) -> [Int] {
        var p = counts.map { $0 * 100 / n }
        let order = counts.indices.sorted { (counts[$0] * 100 % n, $1) > (counts[$1] * 100 % n, $0) }
        var missing = 100 - p.reduce(0, +)
        for i in order where missing > 0 {
            p[i] += 1
            missing -= 1
        }
        return p
    }
}
