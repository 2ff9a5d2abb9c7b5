import Dex
import Foundation
import SolanaCore
import XCTest

/// Every vector in `Vectors/exact-out/`: the DEX's real program binary executed its own exact-out
/// instruction on the fixture accounts (scripts/oracle-exact-out.py, provenance in that folder's
/// README). An accepted vector says the program debited exactly `debited` for exactly
/// `amount_out`, accepted that as the maximum input and refused one unit less: the model's
/// `quoteExactOut` must give that input to the unit (or, for DLMM fills through limit orders,
/// refuse them as not modelled: reported). A refused vector must not be quoted; one with a
/// `caveat` (the binary predates a rounding fix) is only reported.
final class ExactOutVectorTests: XCTestCase {
    func testRaydiumAmmV4() throws { try check("raydium-amm-v4") }
    func testRaydiumCpmm() throws { try check("raydium-cpmm") }
    func testRaydiumClmm() throws { try check("raydium-clmm") }
    func testOrcaWhirlpool() throws { try check("orca-whirlpool") }
    func testMeteoraDlmm() throws { try check("meteora-dlmm") }
    func testMeteoraDammV2() throws { try check("meteora-damm-v2") }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors/exact-out")

    /// DEXes whose programs have no exact-out swap say so with a typed error.
    func testDexWithoutExactOutRefusesWithATypedError() throws {
        let url = Fixtures.root.appendingPathComponent("oracle/meteora-damm-v1.json")
        let vectors = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
        let v = try XCTUnwrap(vectors.first { $0["ok"] as? Bool == true })
        var accounts: [Pubkey: AccountData] = [:]
        for path in v["accounts"] as! [String] {
            let a = try Fixtures.account(path)
            accounts[a.address] = a
        }
        let pool = try SnapshotQuoter.pool(address: Pubkey(base58: v["pool"] as! String), accounts: accounts)
        XCTAssertThrowsError(
            try pool.quoteExactOut(amountOut: 1_000, inputMint: Pubkey(base58: v["input_mint"] as! String), context: QuoteContext())
        ) { error in
            XCTAssertEqual(error as? QuoteError, .exactOutUnsupported(dex: "meteora-damm-v1"))
        }
    }

    func check(_ dex: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let doc = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(contentsOf: Self.folder.appendingPathComponent("\(dex).json"))) as? [String: Any])
        let cases = try XCTUnwrap(doc["cases"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(cases.count, 50, "too few vectors for \(dex)", file: file, line: line)
        var loaded: [String: AccountData] = [:]
        var matched = 0, refusals = 0, caveats = 0, notModelled = 0
        var inputMints = Set<String>()
        var mismatches: [String] = []
        for v in cases {
            var accounts: [Pubkey: AccountData] = [:]
            for path in v["accounts"] as! [String] {
                let a = try loaded[path] ?? Fixtures.account(path)
                loaded[path] = a
                accounts[a.address] = a
            }
            let amountOut = try XCTUnwrap(UInt64(v["amount_out"] as! String))
            let inputText = v["input_mint"] as! String
            let inputMint = try Pubkey(base58: inputText)
            let ctx = QuoteContext(
                now: (v["clock_unix_timestamp"] as? NSNumber)?.int64Value ?? 0, epoch: (v["epoch"] as? NSNumber)?.uint64Value ?? 0,
                slot: (v["slot"] as? NSNumber)?.uint64Value ?? 0)
            let program = v["program"] as! [String: Any]
            let label = "\(dex) \((v["pool"] as! String).prefix(8)) in \(inputText.prefix(6)) out \(amountOut)"
            var got: String
            do {
                let pool = try SnapshotQuoter.pool(address: Pubkey(base58: v["pool"] as! String), accounts: accounts)
                let q = try pool.quoteExactOut(amountOut: amountOut, inputMint: inputMint, context: ctx)
                XCTAssertEqual(q.amountOut, amountOut, label, file: file, line: line)
                got = "\(q.amountIn)"
            } catch let e as QuoteError {
                got = "error \(e)"
            }
            if program["ok"] as! Bool {
                // What the program itself says about the input: exact, accepted as the maximum, minimal.
                XCTAssertEqual((program["received"] as! NSNumber).uint64Value, amountOut, label, file: file, line: line)
                XCTAssertEqual(v["max_in_exact_accepted"] as? Bool, true, label, file: file, line: line)
                XCTAssertEqual(v["max_in_minus_1_refused"] as? Bool, true, label, file: file, line: line)
                let expected = "\((program["debited"] as! NSNumber).uint64Value)"
                if got == expected {
                    matched += 1
                    inputMints.insert(inputText)
                } else if got.hasSuffix(MeteoraDlmmPool.exactOutThroughLimitOrders) {
                    notModelled += 1  // refused, never mispriced: reported
                } else {
                    mismatches.append("\(label): program debited \(expected), model \(got)")
                }
            } else if v["caveat"] != nil {
                caveats += 1
                print("exact-out caveat (not required): \(label): program refused (\(program["error"]!)), model \(got)")
            } else if got.hasPrefix("error") {
                refusals += 1
            } else {
                mismatches.append("\(label): program refused (\(program["error"]!)), model quoted \(got)")
            }
        }
        print(
            "exact-out \(dex): \(matched) matched, \(refusals) refusals respected, \(caveats) caveats, "
                + "\(notModelled) refused as not modelled (limit orders), \(mismatches.count) mismatches")
        XCTAssertGreaterThanOrEqual(matched, 50, "\(dex): too few accepted vectors matched", file: file, line: line)
        XCTAssertGreaterThanOrEqual(inputMints.count, 2, "\(dex): vectors must cover both directions", file: file, line: line)
        XCTAssertTrue(
            mismatches.isEmpty,
            "\(mismatches.count) of \(cases.count) disagree with the real program; first:\n"
                + mismatches.prefix(30).joined(separator: "\n"), file: file, line: line)
    }
}
