import Dex
import Foundation
import SolanaCore
import XCTest

/// Every swap in `../shared/fixtures/oracle/`: exact-in swaps executed by each DEX's real
/// mainnet program binary under LiteSVM on the fixture accounts (see that folder's README).
/// An `ok` vector is quoted to the unit; a refused one is never quoted as a full fill; a
/// vector with a `caveat` (binary known to differ from today's program) is reported only.
final class OracleVectorTests: XCTestCase {
    func testRaydiumAmmV4() throws { try check("raydium-amm-v4") }
    func testRaydiumCpmm() throws { try check("raydium-cpmm") }
    func testRaydiumClmm() throws { try check("raydium-clmm") }
    func testOrcaWhirlpool() throws { try check("orca-whirlpool") }
    func testMeteoraDlmm() throws { try check("meteora-dlmm") }
    func testMeteoraDammV1() throws { try check("meteora-damm-v1") }
    func testMeteoraDammV2() throws { try check("meteora-damm-v2") }

    /// Fixtures pass 2, run by this repo's scripts/oracle-pass2-vectors.py through the same shared
    /// tool and binaries (Tests/DexTests/Vectors/oracle-pass2/README.md): DAMM v2 with an
    /// exponential fee scheduler and dynamic fees, the static rust-sdk-result-check Whirlpools.
    func testMeteoraDammV2FeeSchedulerAndDynamicFeePools() throws {
        let tally = try check("meteora-damm-v2", in: Self.pass2)
        XCTAssertGreaterThan(tally.matched, 300)
    }

    func testOrcaWhirlpoolSdkResultCheckPools() throws {
        let tally = try check("orca-whirlpool", in: Self.pass2)
        XCTAssertGreaterThan(tally.matched, 30)
    }

    static let pass2 = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors/oracle-pass2")

    /// The version-1 bin-array pool whose X → Y side the model once underpaid (issue 21).
    func testDlmmVersionOneBinArrayPoolIsCovered() throws {
        let tally = try check("meteora-dlmm", onlyPool: "EtAdVRLFH22rjWh3mcUasKFF27WtHhsaCvK27tPFFWig")
        XCTAssertGreaterThan(tally.matched, 10)
    }

    struct Tally { var matched = 0, refusalsRespected = 0, caveats = 0, mismatches: [String] = [] }

    @discardableResult
    func check(
        _ dex: String, in folder: URL = Fixtures.root.appendingPathComponent("oracle"), onlyPool: String? = nil,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> Tally {
        let url = folder.appendingPathComponent("\(dex).json")
        let vectors = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
        var loaded: [String: AccountData] = [:]
        var tally = Tally()
        var seen = 0
        for v in vectors {
            let poolText = v["pool"] as! String
            if let onlyPool, poolText != onlyPool { continue }
            seen += 1
            var accounts: [Pubkey: AccountData] = [:]
            for listed in v["accounts"] as! [String] {
                // A few DLMM entries name the mint as "shared/fixtures/accounts/…": same file.
                let path = listed.hasPrefix("shared/fixtures/") ? String(listed.dropFirst("shared/fixtures/".count)) : listed
                let a = try loaded[path] ?? Fixtures.account(path)
                loaded[path] = a
                accounts[a.address] = a
            }
            // Accounts the program was handed that the dump lacks (e.g. a Whirlpool tick array not
            // created yet): on chain they are null, which the cache learns from RPC as an empty
            // system-owned account, and the program reads as an empty array.
            for absent in v["absent_accounts"] as? [String] ?? [] {
                let key = try Pubkey(base58: absent)
                accounts[key] = AccountData(address: key, owner: Pubkey("11111111111111111111111111111111"), data: [])
            }
            let amountIn = try XCTUnwrap(UInt64(v["amount_in"] as! String))
            let inputMint = try Pubkey(base58: v["input_mint"] as! String)
            let ctx = QuoteContext(
                now: (v["clock_unix_timestamp"] as! NSNumber).int64Value,
                epoch: (v["epoch"] as! NSNumber).uint64Value,
                slot: (v["slot"] as? NSNumber)?.uint64Value ?? 0)
            let ok = v["ok"] as! Bool
            let caveat = v["caveat"] as? String
            let label = "\(dex) \(poolText.prefix(8)) in \(inputMint.description.prefix(6)) amount \(amountIn)"
            var got: String
            var fullFill = false
            do {
                let pool = try SnapshotQuoter.pool(address: Pubkey(base58: poolText), accounts: accounts)
                let q = try pool.quote(amountIn: amountIn, inputMint: inputMint, context: ctx)
                fullFill = q.partial == nil && (q.amountOut > 0 || ok)  // 0 out claims no fill: the program refuses it
                got = fullFill ? "\(q.amountOut)" : "partial \(q.amountOut)"
            } catch {
                got = "error \(error)"
            }
            let expected: String
            if ok, let out = v["amount_out"] { expected = "\(out)" } else { expected = "refused" }
            let agrees = ok ? (fullFill && got == expected) : !fullFill
            if caveat != nil {
                tally.caveats += 1
                if !agrees { print("oracle caveat (not required): \(label): expected \(expected), got \(got)") }
                continue
            }
            if agrees {
                if ok { tally.matched += 1 } else { tally.refusalsRespected += 1 }
            } else {
                tally.mismatches.append("\(label): expected \(expected), got \(got)")
            }
        }
        XCTAssertGreaterThan(seen, 0, "no vectors for \(dex)", file: file, line: line)
        XCTAssertGreaterThan(tally.matched, 0, "no ok vector matched for \(dex)", file: file, line: line)
        print(
            "oracle \(dex)\(onlyPool.map { " " + $0.prefix(8) } ?? ""): \(tally.matched) ok matched, \(tally.refusalsRespected) refusals respected, \(tally.caveats) caveats, \(tally.mismatches.count) mismatches"
        )
        XCTAssertTrue(
            tally.mismatches.isEmpty,
            "\(tally.mismatches.count) of \(seen) disagree with the real program; first:\n"
                + tally.mismatches.prefix(40).joined(separator: "\n"), file: file, line: line)
        return tally
    }
}
