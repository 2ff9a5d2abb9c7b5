import Dex
import SolanaCore
import XCTest

/// The registry's per-DEX facts (sizes, mint and vault offsets, aliases) checked on real pool bytes.
final class DexRegistryTests: XCTestCase {
    func testDescriptorsMatchEveryFixturePool() throws {
        let accounts = try AccountFile.loadAll(paths: [Fixtures.root.appendingPathComponent("accounts").path]).map(\.account)
        var seen: [DexKind: Int] = [:]
        for a in accounts {
            guard let d = DexRegistry.descriptor(forPool: a) else { continue }
            let model = try AccountRegistry.poolModel(for: a)
            XCTAssertEqual(model.dex, d.kind, "\(a.address)")
            XCTAssertEqual(a.owner, d.program, "\(a.address)")
            if let size = d.poolDataSize { XCTAssertEqual(a.data.count, size, "\(d.kind) \(a.address) dataSize filter") }
            let r = ByteReader(a.data)
            XCTAssertEqual(try r.pubkey(d.mintOffsets.a), model.mintA, "\(d.kind) \(a.address) mint A offset")
            XCTAssertEqual(try r.pubkey(d.mintOffsets.b), model.mintB, "\(d.kind) \(a.address) mint B offset")
            // Owned token accounts are ones the model watches (vaults / LP accounts).
            let watched = Set(model.accountsToWatch())
            for o in d.ownedAccountOffsets {
                XCTAssertTrue(watched.contains(try r.pubkey(o)), "\(d.kind) \(a.address) owned account @\(o) is not watched")
            }
            seen[d.kind, default: 0] += 1
        }
        XCTAssertEqual(Set(seen.keys), Set(DexKind.allCases), "a real pool account for every registered DEX")
        XCTAssertFalse(DexKind.allCases.isEmpty)
    }

    func testPoolTypeAliasesAreUniqueAndResolve() {
        var owner: [String: DexKind] = [:]
        for d in DexRegistry.all {
            XCTAssertFalse(d.poolTypeAliases.isEmpty, "\(d.kind)")
            for alias in d.poolTypeAliases + [d.kind.rawValue] {
                if let other = owner[alias], other != d.kind { XCTFail("\(alias) names both \(other) and \(d.kind)") }
                owner[alias] = d.kind
                XCTAssertEqual(DexRegistry.descriptor(poolType: alias.uppercased())?.kind, d.kind, alias)
            }
        }
        XCTAssertNil(DexRegistry.descriptor(poolType: "serum"))
        XCTAssertNil(DexKind(rawValue: "serum"))
        XCTAssertEqual(DexKind(rawValue: "raydium-clmm"), .raydiumClmm)
    }

    func testDexKindCodesAsItsName() throws {
        let data = try JSONEncoder().encode([DexKind.meteoraDlmm])
        XCTAssertEqual(String(decoding: data, as: UTF8.self), "[\"meteora-dlmm\"]")
        XCTAssertEqual(try JSONDecoder().decode([DexKind].self, from: data), [.meteoraDlmm])
        XCTAssertThrowsError(try JSONDecoder().decode([DexKind].self, from: Data("[\"nope\"]".utf8)))
    }
}
