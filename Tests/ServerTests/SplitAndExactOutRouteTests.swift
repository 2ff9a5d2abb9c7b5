import Cache
import Dex
import Foundation
import Server
import Simulator
import SolanaCore
import XCTest

/// Split routes (`QuoteFinder.best(maxSplits:)`) and exact-out routes (`ExactOutSearch`) over the
/// bundled real snapshots and their clones: a split is never worse than the best single route,
/// its legs' inputs sum to the amount exactly and each leg is its pool's own exact quote; the
/// exact-out route takes the least input any pool (or chained pair of pools) takes for the output.
final class SplitAndExactOutRouteTests: XCTestCase {
    /// A pool's own exact quote, or nil when it refuses with a typed QuoteError (anything else fails).
    func own(_ e: PoolEntry, _ amount: UInt64, _ from: Pubkey, _ ctx: QuoteContext, exactOut: Bool = false) -> Quote? {
        do {
            let q =
                exactOut
                ? try e.model!.quoteExactOut(amountOut: amount, inputMint: from, context: ctx)
                : try e.model!.quote(amountIn: amount, inputMint: from, context: ctx)
            return q.partial == nil ? q : nil
        } catch is QuoteError {
            return nil
        } catch {
            XCTFail("\(e.address.short): untyped quote error \(error)")
            return nil
        }
    }

    func checkSplit(
        _ route: QuoteFinder.Route, amount: UInt64, input: Pubkey, entries: [PoolEntry], ctx: QuoteContext, maxSplits: Int, _ label: String
    )
        throws
    {
        let percents = try XCTUnwrap(route.percents, label)
        XCTAssertEqual(percents.count, route.hops.count, label)
        XCTAssertEqual(percents.reduce(0, +), 100, label)
        XCTAssertTrue(percents.allSatisfy { $0 > 0 }, label)
        XCTAssertGreaterThanOrEqual(route.hops.count, 2, label)
        XCTAssertLessThanOrEqual(route.hops.count, maxSplits, label)
        XCTAssertEqual(Set(route.hops.map(\.quote.pool)).count, route.hops.count, "\(label): a pool used twice")
        XCTAssertEqual(route.hops.reduce(UInt64(0)) { $0 + $1.quote.amountIn }, amount, "\(label): legs must sum to the input")
        XCTAssertEqual(route.inAmount, amount, label)
        for leg in route.hops {
            let e = try XCTUnwrap(entries.first { $0.address == leg.quote.pool })
            let q = try XCTUnwrap(own(e, leg.quote.amountIn, input, ctx), label)
            XCTAssertEqual(leg.quote.amountOut, q.amountOut, "\(label): leg \(leg.quote.pool.short) is not its pool's quote")
        }
        XCTAssertEqual(route.outAmount, route.hops.reduce(UInt64(0)) { $0 + $1.quote.amountOut }, label)
    }

    /// Random states (clones that traded apart, SplitMix64 sizes and swaps): the split route pays at
    /// least the best single route every time, and splits do happen.
    func testSplitNeverWorseThanBestSingleRouteOverRandomStates() throws {
        var rng = SplitMix64(seed: 0x5B17)
        var cases = 0, splits = 0, singleQuotes = 0, splitQuotes = 0, seconds = 0.0
        for round in 0..<3 {
            let cluster = try Cluster.bundled(seed: 40 + UInt64(round), pools: 120, swapsPerSlot: 20)
            for _ in 0..<(20 + Int(rng.next() % 60)) { cluster.advance(force: true) }
            let store = Feed.store(from: cluster)
            let ctx = store.context()
            let entries = store.entries().filter { $0.model != nil && $0.price != nil }
            for (input, output) in [(KnownMints.wsol, KnownMints.usdc), (KnownMints.usdc, KnownMints.wsol), (KnownMints.usdc, KnownMints.usdt)] {
                for _ in 0..<5 {
                    let amount = input == KnownMints.wsol ? 1_000_000 + rng.next() % 2_000_000_000_000 : 1_000 + rng.next() % 200_000_000_000
                    let maxSplits = 2 + Int(rng.next() % 3)
                    let label = "round \(round) \(input.short)→\(output.short) \(amount) maxSplits \(maxSplits)"
                    let single: QuoteFinder.Route
                    do {
                        single = try QuoteFinder.best(store: store, inputMint: input, outputMint: output, amount: amount, context: ctx)
                    } catch is QuoteFinder.Failure {
                        // No single route fills it: a split must not invent one out of unfillable pools either.
                        XCTAssertThrowsError(
                            try QuoteFinder.best(
                                store: store, inputMint: input, outputMint: output, amount: amount, context: ctx, maxSplits: maxSplits),
                            label)
                        continue
                    }
                    let started = Date()
                    let route = try QuoteFinder.best(
                        store: store, inputMint: input, outputMint: output, amount: amount, context: ctx, maxSplits: maxSplits)
                    seconds += Date().timeIntervalSince(started)
                    singleQuotes += single.quotesComputed
                    splitQuotes += route.quotesComputed
                    cases += 1
                    XCTAssertGreaterThanOrEqual(route.outAmount, single.outAmount, label)
                    if route.isSplit {
                        splits += 1
                        XCTAssertGreaterThan(route.outAmount, single.outAmount, "\(label): a split is only taken when it pays more")
                        try checkSplit(route, amount: amount, input: input, entries: entries, ctx: ctx, maxSplits: maxSplits, label)
                    } else {
                        XCTAssertEqual(route.outAmount, single.outAmount, label)
                    }
                }
            }
        }
        FileHandle.standardError.write(
            Data(
                ("SPLIT-ROUTES pools=120 cases=\(cases) splits=\(splits) quotes_single=\(singleQuotes) quotes_with_splits=\(splitQuotes) "
                    + "ms_per_quote_with_splits=\(String(format: "%.2f", seconds * 1000 / Double(max(cases, 1)))) (debug build)\n").utf8))
        XCTAssertGreaterThanOrEqual(cases, 30)
        XCTAssertGreaterThan(splits, 0, "no split over \(cases) random cases")
    }

    /// Bundled pools and their untraded clones sit at the same price: a large trade pays more spread
    /// over a pool and its clone than on either, and the split takes both.
    func testSplitHappensAcrossAPoolAndItsClone() throws {
        let cluster = try Cluster.bundled(seed: 7, pools: 60, swapsPerSlot: 0)
        let store = Feed.store(from: cluster)
        let ctx = store.context()
        let entries = store.entries().filter { $0.model != nil && $0.price != nil }
        let amount: UInt64 = 2_000_000_000_000  // 2,000 SOL
        let single = try QuoteFinder.best(
            store: store, inputMint: KnownMints.wsol, outputMint: KnownMints.usdc, amount: amount, context: ctx, allowTwoHops: false)
        let route = try QuoteFinder.best(
            store: store, inputMint: KnownMints.wsol, outputMint: KnownMints.usdc, amount: amount, context: ctx, allowTwoHops: false,
            maxSplits: 3)
        XCTAssertTrue(route.isSplit, "2,000 SOL over identical SOL/USDC pools must split")
        XCTAssertGreaterThan(route.outAmount, single.outAmount)
        try checkSplit(route, amount: amount, input: KnownMints.wsol, entries: entries, ctx: ctx, maxSplits: 3, "2000 SOL")
        // maxSplits 1 is the single route.
        let one = try QuoteFinder.best(
            store: store, inputMint: KnownMints.wsol, outputMint: KnownMints.usdc, amount: amount, context: ctx, allowTwoHops: false,
            maxSplits: 1)
        XCTAssertFalse(one.isSplit)
        XCTAssertEqual(one.outAmount, single.outAmount)
    }

    /// The bundled exact-out pools all trade SOL/USDC; for two-hop routes add an X/USDC AMM v4 pool:
    /// the real 58oQ bytes with its coin mint (and its vaults' mint fields) set to a new mint X.
    static let mintX = Pubkey(w0: 0x5858, w1: 1, w2: 2, w3: 3)

    func storeWithXUsdcPool() throws -> PoolStore {
        let cluster = try Feed.cluster()
        let store = Feed.store(from: cluster)
        let all = Dictionary(cluster.allAccounts().map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        let source = try XCTUnwrap(all[Pubkey("58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2")])
        var info = source.data
        let poolKey = Pubkey(w0: 0x5858, w1: 9, w2: 9, w3: 9), coinVault = Pubkey(w0: 0x5858, w1: 7, w2: 7, w3: 7)
        let pcVault = Pubkey(w0: 0x5858, w1: 8, w2: 8, w3: 8)
        let oldCoinVault = try XCTUnwrap(Pubkey(bytes: info[336..<368])), oldPcVault = try XCTUnwrap(Pubkey(bytes: info[368..<400]))
        // AmmInfo (raydium-amm state.rs): coin_vault @336, pc_vault @368, coin_mint @400.
        info.replaceSubrange(336..<368, with: coinVault.bytes)
        info.replaceSubrange(368..<400, with: pcVault.bytes)
        info.replaceSubrange(400..<432, with: Self.mintX.bytes)
        var coin = try XCTUnwrap(all[oldCoinVault]).data
        coin.replaceSubrange(0..<32, with: Self.mintX.bytes)
        let pc = try XCTUnwrap(all[oldPcVault]).data
        let owner = source.owner, tokenOwner = try XCTUnwrap(all[oldCoinVault]).owner
        store.addPool(PoolConfig(address: poolKey))
        Feed.apply(
            [
                AccountData(address: poolKey, owner: owner, data: info, slot: source.slot),
                AccountData(address: coinVault, owner: tokenOwner, data: coin, slot: source.slot),
                AccountData(address: pcVault, owner: tokenOwner, data: pc, slot: source.slot),
            ], to: store)
        XCTAssertNotNil(store.entries().first { $0.address == poolKey }?.price, "the X/USDC pool must be priced")
        return store
    }

    /// ExactOut over the bundled snapshots plus an X/USDC pool: the route's input is the
    /// brute-force least input over every direct pool and every (pool, pool) chain through a
    /// bridge, each hop is its pool's own exact-out quote, and hops chain exactly.
    func testExactOutRouteIsTheLeastInputOverEveryPoolAndChain() throws {
        let store = try storeWithXUsdcPool()
        let ctx = store.context()
        let entries = store.entries().filter { $0.model != nil && $0.price != nil && ($0.status == .ok || $0.status == .stale) }
        func trades(_ e: PoolEntry, _ m: Pubkey) -> Bool { e.price!.mintA == m || e.price!.mintB == m }
        let cases: [(Pubkey, Pubkey, UInt64)] = [
            (KnownMints.usdc, KnownMints.wsol, 1_000_000_000), (KnownMints.wsol, KnownMints.usdc, 500_000_000),
            (KnownMints.wsol, Self.mintX, 50_000_000), (Self.mintX, KnownMints.wsol, 2_000_000_000),
        ]
        var twoHops = 0, supported = 0
        for (input, output, amountOut) in cases {
            let label = "\(input.short)→\(output.short) out \(amountOut)"
            var brute: UInt64?
            for e in entries where trades(e, output) && trades(e, input) {
                if let q = own(e, amountOut, input, ctx, exactOut: true) {
                    supported += 1
                    brute = min(brute ?? .max, q.amountIn)
                }
            }
            for second in entries where trades(second, output) && !trades(second, input) {
                let bridge = second.price!.mintA == output ? second.price!.mintB : second.price!.mintA
                guard let s = own(second, amountOut, bridge, ctx, exactOut: true) else { continue }
                for first in entries where first.address != second.address && trades(first, input) && trades(first, bridge) {
                    if let f = own(first, s.amountIn, input, ctx, exactOut: true) { brute = min(brute ?? .max, f.amountIn) }
                }
            }
            let least = try XCTUnwrap(brute, "\(label): no exact-out route at all")
            let route = try ExactOutSearch.best(store: store, inputMint: input, outputMint: output, amountOut: amountOut, context: ctx)
            XCTAssertEqual(route.inAmount, least, label)
            XCTAssertEqual(route.outAmount, amountOut, label)
            var from = input
            for (i, hop) in route.hops.enumerated() {
                let e = try XCTUnwrap(entries.first { $0.address == hop.quote.pool })
                let q = try XCTUnwrap(own(e, hop.quote.amountOut, from, ctx, exactOut: true), label)
                XCTAssertEqual(hop.quote.amountIn, q.amountIn, label)
                if i + 1 < route.hops.count { XCTAssertEqual(hop.quote.amountOut, route.hops[i + 1].quote.amountIn, label) }
                from = hop.quote.outputMint
            }
            XCTAssertEqual(from, output, label)
            if route.hops.count == 2 { twoHops += 1 }
        }
        XCTAssertGreaterThan(supported, 3)
        // No SOL/X pool: those routes chain two exact-out hops through USDC.
        XCTAssertGreaterThanOrEqual(twoHops, 2)
        XCTAssertThrowsError(
            try ExactOutSearch.best(
                store: store, inputMint: KnownMints.wsol, outputMint: Self.mintX, amountOut: 50_000_000, context: ctx,
                allowTwoHops: false))
        // A pair whose only pool has no exact-out swap (PumpSwap): no route, with the reason.
        let meme = try Pubkey(base58: "7LSsEoJGhLeZzGvDofTdNg7M3JttxQqGWNLo6vWMpump")
        XCTAssertThrowsError(
            try ExactOutSearch.best(store: store, inputMint: KnownMints.wsol, outputMint: meme, amountOut: 1_000, context: ctx)
        ) { error in
            XCTAssertTrue("\(error)".contains("exact-out quotes are not supported"), "\(error)")
        }
    }
}
