import Cache
import Dex
import Foundation
import Server
import Simulator
import SolanaCore
import XCTest

/// `QuoteFinder.best` over the bundled real snapshots against a brute force over every pool and
/// every ordered pair of distinct pools: the best route's amount is the brute-force maximum, each
/// hop's amounts are that pool's own exact quote, and `priceImpact` follows its definition.
final class QuoteFinderBruteForceTests: XCTestCase {
    func testBestRouteEqualsBruteForceOverEveryPoolPair() throws {
        let cluster = try Feed.cluster()
        let store = Feed.store(from: cluster)
        let ctx = store.context()
        let entries = store.entries().filter { $0.model != nil && $0.price != nil && ($0.status == .ok || $0.status == .stale) }
        XCTAssertGreaterThan(entries.count, 5)
        let meme = try Pubkey(base58: "7LSsEoJGhLeZzGvDofTdNg7M3JttxQqGWNLo6vWMpump")  // PumpSwap x/SOL only
        let usdt = KnownMints.usdt
        let cases: [(Pubkey, Pubkey, UInt64)] = [
            (KnownMints.wsol, KnownMints.usdc, 1_000_000_000), (KnownMints.wsol, usdt, 2_500_000_000),
            (KnownMints.usdc, usdt, 1_000_000_000), (meme, KnownMints.usdc, 1_000_000_000), (KnownMints.usdc, meme, 50_000_000),
        ]
        var twoHopWins = 0
        for (input, output, amount) in cases {
            func exact(_ e: PoolEntry, _ amountIn: UInt64, _ from: Pubkey) -> Quote? {
                // A pool that cannot fill the amount is no candidate; it must say so with a typed QuoteError.
                do {
                    let q = try e.model!.quote(amountIn: amountIn, inputMint: from, context: ctx)
                    return q.partial == nil ? q : nil
                } catch is QuoteError {
                    return nil
                } catch {
                    XCTFail("\(e.address.short): untyped quote error \(error)")
                    return nil
                }
            }
            func trades(_ e: PoolEntry, _ m: Pubkey) -> Bool { e.price!.mintA == m || e.price!.mintB == m }
            var brute: UInt64 = 0
            for e in entries where trades(e, input) {
                guard let first = exact(e, amount, input) else { continue }
                if first.outputMint == output { brute = max(brute, first.amountOut); continue }
                for f in entries where f.address != e.address && trades(f, first.outputMint) && trades(f, output) {
                    if let second = exact(f, first.amountOut, first.outputMint) { brute = max(brute, second.amountOut) }
                }
            }
            let label = "\(input.short) -> \(output.short) \(amount)"
            guard brute > 0 else { XCTFail("no route at all for \(label): the bundled pools changed"); continue }
            // The production path reads the store's mint graph; the list path indexes the entries itself.
            let route = try QuoteFinder.best(store: store, inputMint: input, outputMint: output, amount: amount, context: ctx)
            XCTAssertEqual(route.outAmount, brute, label)
            let listed = try QuoteFinder.best(entries: store.entries(), inputMint: input, outputMint: output, amount: amount, context: ctx)
            XCTAssertEqual(listed.hops.map(\.quote.pool), route.hops.map(\.quote.pool), label)
            XCTAssertEqual(route.inAmount, amount, label)
            var carried = amount, from = input, ratio = 1.0
            for hop in route.hops {
                let e = try XCTUnwrap(entries.first { $0.address == hop.quote.pool })
                let own = try XCTUnwrap(exact(e, carried, from), label)
                XCTAssertEqual(hop.quote.amountIn, carried, label)
                XCTAssertEqual(hop.quote.amountOut, own.amountOut, label)
                let p = e.price!
                let (dIn, dOut) = from == p.mintA ? (p.decimalsA, p.decimalsB) : (p.decimalsB, p.decimalsA)
                let human = (Double(carried) / pow(10, Double(dIn)), Double(own.amountOut) / pow(10, Double(dOut)))
                ratio *= human.1 / (human.0 * own.priceBefore.doubleValue)
                carried = own.amountOut; from = own.outputMint
            }
            XCTAssertEqual(from, output, label)
            XCTAssertEqual(route.priceImpact, 1 - ratio, accuracy: 1e-12, label)
            if route.hops.count == 2 { twoHopWins += 1 }
        }
        // The bundle has no SOL/USDT pool and the meme token trades only against SOL: those routes are
        // two hops through a bridge, and without the bridge search there is none.
        XCTAssertGreaterThanOrEqual(twoHopWins, 3)
        XCTAssertThrowsError(
            try QuoteFinder.best(
                entries: store.entries(), inputMint: KnownMints.wsol, outputMint: usdt,
                amount: 1_000_000_000, context: ctx, allowTwoHops: false))
    }

    /// Over 600 pools (the bundled ones and clones that traded apart, so the same pair sits at many
    /// prices), random sizes: pruning by rate bounds gives exactly the brute-force best direct and
    /// two-hop output, while quoting a fraction of the pools.
    func testPrunedSearchEqualsBruteForceOnAManyPoolMarket() throws {
        let cluster = try Cluster.bundled(seed: 21, pools: 600, swapsPerSlot: 30)
        for _ in 0..<200 { cluster.advance(force: true) }
        let store = Feed.store(from: cluster)
        let ctx = store.context()
        let entries = store.entries().filter { $0.model != nil && $0.price != nil && $0.status == .ok }
        XCTAssertGreaterThan(entries.count, 500)
        var rng = SplitMix64(seed: 0x0F1D)
        let bounds = QuoteBounds()
        var quoted = 0, brutes = 0, cases = 0
        for (input, output) in [(KnownMints.wsol, KnownMints.usdc), (KnownMints.usdc, KnownMints.wsol), (KnownMints.wsol, KnownMints.usdt)] {
            for _ in 0..<6 {
                let amount = input == KnownMints.wsol ? 1_000_000 + rng.next() % 200_000_000_000 : 1_000 + rng.next() % 20_000_000_000
                var brute: UInt64 = 0
                func exact(_ e: PoolEntry, _ a: UInt64, _ from: Pubkey) -> Quote? {
                    brutes += 1
                    // A pool that cannot fill the amount is no candidate; it must say so with a typed QuoteError.
                    do {
                        let q = try e.model!.quote(amountIn: a, inputMint: from, context: ctx)
                        return q.partial == nil ? q : nil
                    } catch is QuoteError {
                        return nil
                    } catch {
                        XCTFail("\(e.address.short): untyped quote error \(error)")
                        return nil
                    }
                }
                func trades(_ e: PoolEntry, _ m: Pubkey) -> Bool { e.price!.mintA == m || e.price!.mintB == m }
                // Per bridge only the best first hop matters (the second hop is monotone in its input).
                var bestInto: [Pubkey: Quote] = [:]
                for e in entries where trades(e, input) {
                    guard let q = exact(e, amount, input) else { continue }
                    if q.outputMint == output {
                        brute = max(brute, q.amountOut)
                    } else if q.amountOut > (bestInto[q.outputMint]?.amountOut ?? 0) {
                        bestInto[q.outputMint] = q
                    }
                }
                for (bridge, first) in bestInto {
                    for f in entries where f.address != first.pool && trades(f, bridge) && trades(f, output) {
                        if let q = exact(f, first.amountOut, bridge) { brute = max(brute, q.amountOut) }
                    }
                }
                let route = try QuoteFinder.best(store: store, inputMint: input, outputMint: output, amount: amount, context: ctx, bounds: bounds)
                XCTAssertEqual(route.outAmount, brute, "\(input.short)→\(output.short) \(amount)")
                quoted += route.quotesComputed
                cases += 1
            }
        }
        XCTAssertEqual(cases, 18)
        FileHandle.standardError.write(Data("QUOTE-PRUNING pools=\(entries.count) cases=\(cases) quoted=\(quoted) brute_force=\(brutes)\n".utf8))
        XCTAssertLessThan(quoted * 4, brutes, "pruning quoted \(quoted) pools against the brute force's \(brutes)")
    }
}
