import Cache
import Dex
import Foundation
@testable import Server
import Simulator
import SolanaCore
import XCTest

/// `/prices` reuses each pool's rendered row until the pool changes: the body must always be the
/// bytes a fresh rendering of every row gives, through swaps, the clock moving, and pools removed.
final class PriceListingTests: XCTestCase {
    func fresh(_ store: PoolStore, now: Double) -> String {
        JSONText.array(store.priceViews().compactMap { PriceRow.from($0, now: now) }.map(\.json)).rendered
    }

    func testCachedRowsEqualAFreshRenderingThroughSwapsTimeAndRemovals() throws {
        let cluster = try Feed.cluster()
        let start = Date().timeIntervalSince1970
        let store = PoolStore(context: { QuoteContext(now: cluster.now, slot: cluster.slot) })
        for p in cluster.poolAddresses { store.addPool(PoolConfig(address: p)) }
        Feed.apply(cluster.allAccounts(), to: store, at: start)
        let listing = PriceListing()
        var now = start + 0.25
        let first = listing.body(store.priceViews(), now: now)
        XCTAssertEqual(first, fresh(store, now: now))
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(JSONSerialization.jsonObject(with: Data(first.utf8)) as? [[String: Any]]).count, 8)

        for round in 1...4 {
            // Some pools trade (new bytes at a new slot); the others only age.
            for (i, pool) in cluster.poolAddresses.enumerated() where (i + round) % 3 == 0 {
                guard let e = store.entry(pool), let price = e.price else { continue }
                // A pool may refuse a swap with a typed error (the program would too); nothing else is expected.
                do {
                    _ = try cluster.swap(
                        pool: pool, inputMint: round % 2 == 0 ? price.mintA : price.mintB,
                        amountIn: max(1, (price.reserveA ?? 1_000_000) / 500))
                } catch is QuoteError {} catch is SwapWriteError {}
            }
            Feed.apply(cluster.allAccounts(), to: store, at: start + Double(round))
            now = start + Double(round) + 0.125
            let before = fresh(store, now: now)
            XCTAssertEqual(listing.body(store.priceViews(), now: now), before, "round \(round)")
            XCTAssertEqual(listing.body(store.priceViews(), now: now + 7), fresh(store, now: now + 7), "round \(round), later")
        }
        XCTAssertNotEqual(listing.body(store.priceViews(), now: now), first, "prices and ages moved")

        // A removed pool leaves the listing at once.
        let gone = cluster.poolAddresses[0]
        XCTAssertTrue(first.contains(gone.base58))
        _ = store.removePool(gone)
        let after = listing.body(store.priceViews(), now: now)
        XCTAssertFalse(after.contains(gone.base58))
        XCTAssertEqual(after, fresh(store, now: now))
    }
}
