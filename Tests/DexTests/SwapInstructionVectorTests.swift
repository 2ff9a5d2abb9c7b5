import Dex
import Foundation
import SolanaCore
import XCTest

/// The golden vectors of `Vectors/swap-instructions/` (written by scripts/verify-swap-instructions.py
/// from runs of each DEX's real program binary): every instruction is rebuilt here byte for byte from
/// the fixture accounts, without the binaries, and every exact-in quote equals what the program paid.
final class SwapInstructionVectorTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors/swap-instructions")

    func testRaydiumAmmV4() throws { try check("raydium-amm-v4") }
    func testRaydiumCpmm() throws { try check("raydium-cpmm") }
    func testRaydiumClmm() throws { try check("raydium-clmm") }
    func testOrcaWhirlpool() throws { try check("orca-whirlpool") }
    func testMeteoraDlmm() throws { try check("meteora-dlmm") }
    func testMeteoraDammV1() throws { try check("meteora-damm-v1", exactOut: false) }
    func testMeteoraDammV2() throws { try check("meteora-damm-v2") }

    /// One instruction as comparable text: program, each account with its flags, data in base64.
    static func text(_ ix: Instruction) -> String {
        ([ix.programId.base58] + ix.accounts.map { "\($0.pubkey.base58):\($0.isSigner ? "s" : "-")\($0.isWritable ? "w" : "-")" }
            + [Data(ix.data).base64EncodedString()]).joined(separator: " ")
    }

    static func text(_ json: [String: Any]) throws -> String {
        let accounts = try XCTUnwrap(json["accounts"] as? [[String: Any]])
        let metas = try accounts.map { a -> String in
            let s = try XCTUnwrap(a["isSigner"] as? Bool), w = try XCTUnwrap(a["isWritable"] as? Bool)
            return "\(try XCTUnwrap(a["pubkey"] as? String)):\(s ? "s" : "-")\(w ? "w" : "-")"
        }
        return ([try XCTUnwrap(json["programId"] as? String)] + metas + [try XCTUnwrap(json["data"] as? String)]).joined(separator: " ")
    }

    func check(_ dex: String, exactOut: Bool = true, file: StaticString = #filePath, line: UInt = #line) throws {
        let data = try Data(contentsOf: Self.folder.appendingPathComponent("\(dex).json"))
        let vectors = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        var loaded: [String: AccountData] = [:]
        var checked = 0, exactIn = 0, exactOutChecked = 0, refusalsChecked = 0
        for v in vectors where v["built"] as? Bool == true {
            var accounts: [Pubkey: AccountData] = [:]
            for path in try XCTUnwrap(v["accounts"] as? [String]) {
                let a = try loaded[path] ?? Fixtures.account(path)
                loaded[path] = a
                accounts[a.address] = a
            }
            let ctx = QuoteContext(
                now: try XCTUnwrap(v["now"] as? NSNumber).int64Value, epoch: try XCTUnwrap(v["epoch"] as? NSNumber).uint64Value,
                slot: try XCTUnwrap(v["slot"] as? NSNumber).uint64Value)
            let pool = try SnapshotQuoter.pool(address: Pubkey(base58: try XCTUnwrap(v["pool"] as? String)), accounts: accounts)
            let input = try Pubkey(base58: try XCTUnwrap(v["input_mint"] as? String))
            let user = try Pubkey(base58: try XCTUnwrap(v["user"] as? String))
            let expected = try XCTUnwrap(v["expected"] as? [String: Any])
            let label = "\(dex) \(v["pool"] ?? "") \(v["swap_mode"] ?? "") \(v["amount_in"] ?? v["amount_out"] ?? "")"
            // Exact-out re-runs with one unit less than the program's own input as the maximum must be refused.
            let shouldAccept = v["program_should_accept"] as? Bool ?? true
            XCTAssertEqual(
                expected["ok"] as? Bool, shouldAccept, "the program \(shouldAccept ? "refused" : "accepted") \(label)", file: file, line: line)
            let amount: SwapAmount
            if v["swap_mode"] as? String == "ExactIn" {
                let amountIn = try XCTUnwrap(UInt64(try XCTUnwrap(v["amount_in"] as? String)))
                let q = try pool.quote(amountIn: amountIn, inputMint: input, context: ctx)
                XCTAssertNil(q.partial, label, file: file, line: line)
                XCTAssertEqual("\(q.amountOut)", expected["amount_out"] as? String, "quote ≠ program output: \(label)", file: file, line: line)
                let slippage = try XCTUnwrap(v["slippage_bps"] as? Int)
                amount = .exactIn(amountIn: amountIn, minimumAmountOut: SwapInstructionPlan.minimumOut(q.amountOut, slippageBps: slippage))
                exactIn += 1
            } else {
                let out = try XCTUnwrap(UInt64(try XCTUnwrap(v["amount_out"] as? String)))
                let maxIn = try XCTUnwrap(UInt64(try XCTUnwrap(v["max_amount_in"] as? String)))
                if shouldAccept {
                    XCTAssertEqual(expected["amount_out"] as? String, "\(out)", "exact out not paid exactly: \(label)", file: file, line: line)
                    let consumed = try XCTUnwrap(UInt64(try XCTUnwrap(expected["amount_in_consumed"] as? String)))
                    XCTAssertLessThanOrEqual(consumed, maxIn, label, file: file, line: line)
                    exactOutChecked += 1
                } else {
                    refusalsChecked += 1
                }
                amount = .exactOut(amountOut: out, maximumAmountIn: maxIn)
            }
            let plan = try SwapInstructionPlan.build(
                hops: [.init(model: pool, inputMint: input, amount: amount)], user: user,
                wrapAndUnwrapSol: try XCTUnwrap(v["wrap_and_unwrap_sol"] as? Bool), accounts: accounts, context: ctx)
            let recorded = try XCTUnwrap(v["instructions"] as? [String: Any])
            for (name, built) in [
                ("setupInstructions", plan.setup), ("swapInstructions", plan.swaps), ("computeBudgetInstructions", plan.computeBudget),
            ] {
                let want = try XCTUnwrap(recorded[name] as? [[String: Any]]).map(Self.text)
                XCTAssertEqual(built.map(Self.text), want, "\(name) differ: \(label)", file: file, line: line)
            }
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(exactIn, 50, "fewer than 50 exact-in vectors for \(dex)", file: file, line: line)
        if exactOut {
            XCTAssertGreaterThan(exactOutChecked, 0, "no exact-out vector for \(dex)", file: file, line: line)
            XCTAssertGreaterThan(refusalsChecked, 0, "no one-unit-short exact-out vector for \(dex)", file: file, line: line)
        }
        XCTAssertEqual(checked, vectors.count, "every recorded swap was built by the CLI", file: file, line: line)
    }
}
