import App
import Arbitrage
import Cache
import Config
import Dex
import Foundation
import SolanaCore
import Simulator
import XCTest

/// `ArbitrageService` over a real `PoolStore`: a pool pushed 3 % off price, landing in the store
/// as a live update would, is evaluated from the store's change stream and published; what is
/// reported (`currentOpportunities()`, the stream) respects `router.min_roi_percent`.
final class ArbitrageServiceTests: XCTestCase {
    let ammV4 = Pubkey("58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2")

    func store(_ cluster: Cluster) -> PoolStore {
        let store = PoolStore(context: { QuoteContext(now: cluster.now, slot: cluster.slot) })
        for p in cluster.poolAddresses { store.addPool(PoolConfig(address: p)) }
        apply(cluster.allAccounts(), to: store)
        return store
    }

    /// Applies accounts until nothing new is taken (dependents are known only after their pool).
    func apply(_ accounts: [AccountData], to store: PoolStore) {
        var pending = accounts
        for _ in 0..<6 {
            let next = pending.filter { store.apply($0, receivedAt: Date().timeIntervalSince1970).unknownAccount }
            if next.count == pending.count { break }
            pending = next
        }
    }

    /// Runs a service with `minROIPercent` over a quiet cluster, then misprices one pool and
    /// feeds the written accounts to the store. Returns what it published within 10 s and the service.
    func publishedAfterMispricing(minROIPercent: Double) async throws -> (published: [Opportunity], service: ArbitrageService) {
        let cluster = try ArbSupport.quietCluster()
        let store = store(cluster)
        let service = ArbitrageService(store: store, config: ArbitrageConfig(), router: RouterSettings(minROIPercent: minROIPercent))
        let updates = service.opportunityUpdates()
        let collected = Task { () -> [Opportunity] in
            var out: [Opportunity] = []
            for await o in updates { out.append(o) }
            return out
        }
        let running = Task { try await service.run() }
        // Let it subscribe to the change stream before the update lands.
        try await Task.sleep(for: .milliseconds(200))
        let price = try XCTUnwrap(cluster.model(ammV4)).price(context: ArbSupport.time(cluster).quoteContext)
        let swap = try cluster.swap(pool: ammV4, inputMint: KnownMints.wsol, amountIn: try XCTUnwrap(price.reserveA) / 100 * 3)
        XCTAssertEqual(swap.pool, ammV4)
        apply(cluster.allAccounts(), to: store)
        // Bounded: the change is evaluated at once; the full scan runs on the 1 s ticker.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && service.scanLegacy(thresholdPct: 0).isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        try await Task.sleep(for: .milliseconds(1_500))  // one full scan after the change
        running.cancel()
        try await running.value
        collected.cancel()
        return (await collected.value, service)
    }

    func testMispricedPoolIsPublishedFromTheStoresChanges() async throws {
        let (published, service) = try await publishedAfterMispricing(minROIPercent: 0)
        XCTAssertFalse(published.isEmpty, "opportunities published on the stream")
        XCTAssertTrue(published.contains { $0.route.contains { $0.pool == self.ammV4 } }, "the mispriced pool is in what was published")
        let current = service.currentOpportunities()
        XCTAssertFalse(current.isEmpty)
        XCTAssertTrue(current.allSatisfy { $0.profit > 0 })
    }

    func testMinROIPercentFiltersWhatIsReported() async throws {
        let (somePublished, some) = try await publishedAfterMispricing(minROIPercent: 0.5)
        let found = some.scanLegacy(thresholdPct: 0)  // a threshold bypasses min_roi: what the engine holds
        XCTAssertFalse(found.isEmpty, "the engine found cycles")
        for o in some.currentOpportunities() + somePublished {
            XCTAssertGreaterThanOrEqual(o.roiFraction, 0.005, "reported ROI below min_roi_percent 0.5")
        }
        let (nonePublished, none) = try await publishedAfterMispricing(minROIPercent: 50)
        XCTAssertFalse(none.scanLegacy(thresholdPct: 0).isEmpty, "the engine found cycles")
        XCTAssertTrue(none.currentOpportunities().isEmpty, "nothing reaches 50 % ROI")
        XCTAssertTrue(nonePublished.isEmpty)
    }
}
