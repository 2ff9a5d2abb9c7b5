import Arbitrage
import Dex
import SolanaCore
import Simulator
import XCTest

final class ClusterInventoryTests: XCTestCase {
    func testListPools() throws {
        let cluster = try ArbSupport.quietCluster()
        let ctx = ArbSupport.time(cluster).quoteContext
        for p in cluster.poolAddresses {
            let m = cluster.model(p)!
            let price = try? m.price(context: ctx)
            print("POOL", p.base58, m.dex.rawValue, KnownMints.symbol(m.mintA), KnownMints.symbol(m.mintB),
                  price?.priceBPerA.decimalString(significant: 8) ?? "-", price?.reserveA ?? 0, price?.reserveB ?? 0)
        }
    }
}
