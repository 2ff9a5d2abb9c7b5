import Dex
import SolanaCore
import XCTest
@testable import Simulator

/// `--pools N`: clones of every pool kind, with their own vaults and re-derived tick/bin arrays.
final class PoolClonerTests: XCTestCase {
    func testClonesOfEveryKindQuoteLikeTheirTemplateAndTrade() throws {
        let bundled = try Cluster.bundled(seed: 1, swapsPerSlot: 0)
        let original = Set(bundled.poolAddresses)
        let cluster = try Cluster.bundled(seed: 1, pools: 240, swapsPerSlot: 0)
        XCTAssertEqual(cluster.poolAddresses.count, 240, "every clone becomes a quotable pool")
        let clones = cluster.poolAddresses.filter { !original.contains($0) }
        XCTAssertEqual(Set(clones.compactMap { cluster.model($0)?.dex }), Set(DexKind.allCases), "clones of every DEX kind")

        // Each clone prices and quotes exactly like the bundled pool it copies (same state, same mints).
        let ctx = QuoteContext(now: cluster.now, slot: cluster.slot)
        var matched = 0
        for clone in clones {
            let m = try XCTUnwrap(cluster.model(clone))
            let price = try m.price(context: ctx)
            let template = try original.compactMap { bundled.model($0) }.filter { t in
                try t.dex == m.dex && t.mintA == m.mintA && t.mintB == m.mintB && t.price(context: ctx).priceBPerA == price.priceBPerA
            }
            XCTAssertFalse(template.isEmpty, "\(m.dex.rawValue) clone \(clone) has a template with the same price")
            guard let t = template.first else { continue }
            let amount = max(1, (price.reserveA ?? 1_000_000) / 5_000)
            XCTAssertEqual(
                try m.quote(amountIn: amount, inputMint: m.mintA, context: ctx).amountOut,
                try t.quote(amountIn: amount, inputMint: t.mintA, context: ctx).amountOut, "\(m.dex.rawValue) clone quote")
            // Its reserve token accounts are its own copies.
            let all = Dictionary(cluster.allAccounts().map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
            let mine = try SwapConsistencyTests.reserveAccounts(m, all), theirs = try SwapConsistencyTests.reserveAccounts(t, all)
            if m.dex != .meteoraDammV1 {  // DAMM v1 reserves sit in shared Meteora vaults
                XCTAssertTrue(mine.0 != theirs.0 && mine.1 != theirs.1, "\(m.dex.rawValue) clone has its own vaults")
            }
            matched += 1
        }
        XCTAssertEqual(matched, clones.count)

        // A trade on a clone moves the clone, not its template.
        for kind in DexKind.allCases {
            guard let clone = clones.first(where: { cluster.model($0)?.dex == kind }), let m = cluster.model(clone) else { continue }
            let templateBefore = Dictionary(bundled.allAccounts().map { ($0.address, $0.data) }, uniquingKeysWith: { a, _ in a })
            let reserve = (try m.price(context: ctx).reserveA) ?? 1_000_000
            let s = try cluster.swap(pool: clone, inputMint: m.mintA, amountIn: max(1_000, reserve / 4_000))
            XCTAssertGreaterThan(s.quote.amountOut, 0, kind.rawValue)
            let touched = cluster.allAccounts().filter { $0.slot == s.slot }.map(\.address)
            XCTAssertFalse(touched.isEmpty)
            for k in touched where templateBefore[k] != nil {
                // Only shared accounts may be touched among the originals (DAMM v1's shared Meteora vaults, their LP mints).
                XCTAssertEqual(kind, .meteoraDammV1, "\(kind.rawValue) clone swap wrote bundled account \(k)")
            }
        }
    }

    func testCloneAddressesAreDeterministicAndDistinct() throws {
        let base = try Cluster.bundledAccounts()
        let a = PoolCloner.clone(accounts: base, toPoolCount: 120).map(\.address)
        let b = PoolCloner.clone(accounts: base, toPoolCount: 120).map(\.address)
        XCTAssertEqual(a, b)
        XCTAssertEqual(Set(a).count, a.count, "no address collisions")
    }
}
