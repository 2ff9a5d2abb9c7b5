import Foundation
import XCTest

/// `swap-instructions`, run as a real process (the golden vectors in Tests/DexTests check its bytes
/// against the real programs; this checks the command's contract).
extension CommandLineTests {
    static let user = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM"

    func testSwapInstructionsOnAFixturePool() throws {
        let amm = "\(Self.fixtures)/raydium-amm-v4", pool = "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2"
        let r = try run([
            "swap-instructions", "--accounts", amm, "--pool", pool, "--input-mint", Self.sol, "--amount-in", "1000000000",
            "--user", Self.user, "--slippage-bps", "50",
        ])
        XCTAssertEqual(r.code, 0, r.err)
        let o = try json(r.out)
        for key in [
            "computeBudgetInstructions", "setupInstructions", "swapInstructions", "cleanupInstruction", "addressLookupTableAddresses", "contextSlot",
            "computeUnitEstimate",
        ] {
            XCTAssertNotNil(o[key], key)
        }
        // The same output the `quote` command gives for this pool (testQuoteAndPriceOnABundledSnapshot).
        XCTAssertEqual(o["outAmount"] as? String, "81386311")
        XCTAssertEqual(o["otherAmountThreshold"] as? String, "80979379")  // floor(81386311 × 9950 / 10000)
        let swaps = try XCTUnwrap(o["swapInstructions"] as? [[String: Any]])
        XCTAssertEqual(swaps.count, 1)
        XCTAssertEqual(swaps[0]["programId"] as? String, "675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8")
        let data = try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(swaps[0]["data"] as? String)))
        var expected = Data([9])
        withUnsafeBytes(of: UInt64(1_000_000_000).littleEndian) { expected.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt64(80_979_379).littleEndian) { expected.append(contentsOf: $0) }
        XCTAssertEqual(data, expected)
        XCTAssertEqual((swaps[0]["accounts"] as? [[String: Any]])?.count, 17)
        // SOL in, wrapped by default: the cleanup closes the wSOL account (CloseAccount, tag 9).
        XCTAssertEqual((o["cleanupInstruction"] as? [String: Any])?["data"] as? String, "CQ==")
        let unwrapped = try run([
            "swap-instructions", "--accounts", amm, "--pool", pool, "--input-mint", Self.sol, "--amount-in", "1000000000", "--user", Self.user,
            "--no-wrap-and-unwrap-sol",
        ])
        XCTAssertEqual(unwrapped.code, 0, unwrapped.err)
        XCTAssertTrue(try json(unwrapped.out)["cleanupInstruction"] is NSNull)
    }

    func testSwapInstructionsBadInputs() throws {
        let amm = "\(Self.fixtures)/raydium-amm-v4", pool = "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2"
        let base = ["swap-instructions", "--accounts", amm, "--pool", pool, "--input-mint", Self.sol]
        let damm = "\(Self.fixtures)/meteora-damm-v1"
        let cases: [([String], String)] = [
            (base + ["--amount-in", "1"], "--user is required"),
            (base + ["--user", Self.user], "give --amount-in N, or --amount-out N with --max-amount-in M"),
            (base + ["--user", Self.user, "--amount-in", "1", "--amount-out", "1", "--max-amount-in", "2"], "give --amount-in N"),
            (base + ["--user", Self.user, "--amount-out", "5"], "give --amount-in N"),
            (base + ["--user", "nope", "--amount-in", "1"], "invalid pubkey"),
            (base + ["--user", Self.user, "--amount-in", "1", "--slippage-bps", "10001"], "--slippage-bps"),
            (
                [
                    "swap-instructions", "--accounts", damm, "--pool", "32D4zRxNc1EssbJieVHfPhZM3rH6CzfUPrWUuWxD9prG", "--input-mint", Self.usdc,
                    "--user", Self.user, "--amount-out", "5", "--max-amount-in", "10",
                ], "has no exact-out swap"
            ),
        ]
        for (args, expected) in cases {
            let r = try run(args)
            XCTAssertFalse(r.signaled, "\(args) crashed")
            XCTAssertNotEqual(r.code, 0, "\(args)")
            XCTAssertEqual(r.out, "", "\(args)")
            XCTAssertEqual(r.err.split(separator: "\n").count, 1, "\(args): \(r.err)")
            XCTAssertTrue(r.err.contains(expected), "\(args): expected '\(expected)' in: \(r.err)")
        }
    }
}
