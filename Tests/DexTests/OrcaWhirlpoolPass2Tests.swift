@testable import Dex
import Foundation
import PoolMath
import SolanaCore
import XCTest

/// Real-byte twins of the hand-written adaptive-fee and dynamic-tick-array tests: the four
/// `yugure-orca/rust-sdk-result-check` pools (expected.json "Pass 2"), dumped at the end of slot
/// 365795240, quoted at the timestamp the Orca Rust SDK used (1757467270). The pins are the SDK's
/// printed outputs for the route of a mainnet transaction; each hop's output is the next one's input.
final class OrcaWhirlpoolPass2Tests: XCTestCase {
    static let setPrefix = "orca-whirlpool "
    static let source = "rust-sdk-result-check"

    /// Mint accounts the quotes may ask for: SOL and USDC from the primary set, KMNO and JitoSOL
    /// from the fixtures' synthetic mints (decimals do not enter the swap math).
    func mints() throws -> [Pubkey: AccountData] {
        var out: [Pubkey: AccountData] = [:]
        for path in [
            "accounts/orca-whirlpool/So11111111111111111111111111111111111111112.json",
            "accounts/orca-whirlpool/EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v.json",
            "accounts/spl-token/synthetic-mints/KMNo3nJsBXfcpJTVhZcXLW7RmTwTt4GVFE7suUBo9sS.json",
            "accounts/spl-token/synthetic-mints/J1toso1uCk3RLmjorhTtrVwY9HJ7X8V9yYac6Y7kGCPn.json",
        ] {
            let a = try Fixtures.account(path)
            out[a.address] = a
        }
        return out
    }

    /// The pass-2 sets: name, values, quotes and accounts (with the mints added).
    func pass2Sets() throws -> [(name: String, values: [String: Any], quotes: [[String: Any]], accounts: [Pubkey: AccountData])] {
        let names = Fixtures.sets.map { $0["set"] as! String }.filter { $0.hasPrefix(Self.setPrefix) && $0.contains(Self.source) }
        let mints = try mints()
        return try names.map { name in
            let s = try Fixtures.set(name)
            return (name, s.values, s.quotes, s.accounts.merging(mints) { a, _ in a })
        }
    }

    /// "in_=20000000, a_to_b=True, timestamp=1757467270" → (20000000, true, 1757467270).
    static func parseInput(_ text: String) throws -> (amount: UInt64, aToB: Bool, now: Int64) {
        var fields: [String: String] = [:]
        for part in text.split(separator: ",") {
            let kv = part.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2 { fields[kv[0]] = kv[1] }
        }
        let amount = try XCTUnwrap(fields["in_"].flatMap { UInt64($0) }, text)
        let now = try XCTUnwrap(fields["timestamp"].flatMap { Int64($0) }, text)
        let aToB = try XCTUnwrap(fields["a_to_b"], text)
        return (amount, aToB == "True", now)
    }

    func testSdkRouteQuotesReproduceToTheUnit() throws {
        let sets = try pass2Sets()
        XCTAssertEqual(sets.count, 4, "the four rust-sdk-result-check pools")
        var checked = 0
        for set in sets {
            let poolFile = (Fixtures.sets.first { ($0["set"] as! String) == set.name }!["files"] as! [String])[0]
            let poolKey = try XCTUnwrap(Fixtures.account(poolFile).address as Pubkey?)
            let model = try XCTUnwrap(try SnapshotQuoter.pool(address: poolKey, accounts: set.accounts) as? OrcaWhirlpoolPool)
            XCTAssertFalse(set.quotes.isEmpty, set.name)
            for q in set.quotes {
                let input = try Self.parseInput(q["in_"] as! String)
                let pin = (q["external_pin"] as! NSNumber).uint64Value
                let quote = try model.quote(
                    amountIn: input.amount, inputMint: input.aToB ? model.mintA : model.mintB,
                    context: QuoteContext(now: input.now))
                XCTAssertEqual(quote.amountOut, pin, "\(set.name) in=\(input.amount)")
                XCTAssertEqual(quote.feeAmount, (q["external_trade_fee"] as! NSNumber).uint64Value, "\(set.name) fee")
                XCTAssertNil(quote.partial, set.name)
                checked += 1
            }
        }
        XCTAssertEqual(checked, 4)
    }

    /// The chain: each pin's output is the next hop's input (the transaction's route).
    func testPinsFormTheTransactionRoute() throws {
        let inputs = try pass2Sets().flatMap { $0.quotes }.map { try Self.parseInput($0["in_"] as! String).amount }
        let outputs = try pass2Sets().flatMap { $0.quotes }.map { ($0["external_pin"] as! NSNumber).uint64Value }
        XCTAssertEqual(inputs.count, 4)
        XCTAssertEqual(Array(inputs.dropFirst()), Array(outputs.dropLast()))
    }

    /// The adaptive-fee pool (fee_tier_index_seed 1028 ≠ tick spacing 4) reads its Oracle: the fee
    /// rate at t = 1757467270 is 455 (static 400 + adaptive 55, the SDK's `trade_fee_rate_min/max`).
    /// Without the Oracle the quote names it; with a later clock the references decay and the fee drops.
    func testAdaptiveFeePoolOnRealOracle() throws {
        let set = try XCTUnwrap(try pass2Sets().first { $0.name.contains("ADAPTIVE") })
        let poolKey = Pubkey("4HppGTweoGQ8ZZ6UcCgwJKfi5mJD9Dqwy6htCpnbfBLW")
        let oracleKey = Pubkey("31HfnCJfkAmdiAqXTRPVCPo9uDXLRstpK7tU2kk5zYB7")
        XCTAssertEqual(ProgramAddress.find(seeds: [Array("oracle".utf8), poolKey.bytes], programId: ProgramIds.orcaWhirlpool)?.0, oracleKey)
        let model = try XCTUnwrap(try SnapshotQuoter.pool(address: poolKey, accounts: set.accounts) as? OrcaWhirlpoolPool)
        XCTAssertTrue(model.accountsToWatch().contains(oracleKey))
        let pinned = try model.quote(amountIn: 20_000_000, inputMint: model.mintA, context: QuoteContext(now: 1_757_467_270))
        XCTAssertEqual(pinned.feeAmount, 9100)  // ceil(20,000,000 × 455 / 1e6)
        // Past decay_period (600 s) the volatility reference resets to 0: only the current group's
        // accumulator remains, so the fee is lower and the output higher.
        let later = try model.quote(amountIn: 20_000_000, inputMint: model.mintA, context: QuoteContext(now: 1_757_467_270 + 3_600))
        XCTAssertLessThan(later.feeAmount, pinned.feeAmount)
        XCTAssertGreaterThan(later.amountOut, pinned.amountOut)
        var withoutOracle = set.accounts
        withoutOracle[oracleKey] = nil
        let bare = try XCTUnwrap(try SnapshotQuoter.pool(address: poolKey, accounts: withoutOracle) as? OrcaWhirlpoolPool)
        XCTAssertThrowsError(try bare.quote(amountIn: 20_000_000, inputMint: bare.mintA, context: QuoteContext(now: 1_757_467_270))) { e in
            guard case QuoteError.missingAccount(let role, let address)? = e as? QuoteError else { return XCTFail("\(e)") }
            XCTAssertEqual(role, "oracle")
            XCTAssertEqual(address, oracleKey)
        }
    }

    /// The Oracle account decodes to the values expected.json lists (Python struct decode).
    func testOracleFileDecodes() throws { try assertFixtureFilesDecode(kind: "orca-whirlpool/Oracle") }

    /// The dynamic-tick-array pool's quote crosses no array boundary, so also walk it further: a
    /// large a→b swap runs through the three real dynamic arrays and stops naming the next one.
    func testDynamicTickArrayPoolWalksRealArrays() throws {
        let set = try XCTUnwrap(try pass2Sets().first { $0.name.contains("dynamic tick arrays") })
        let poolKey = Pubkey("2nJjE2ba3iGtefN4UNM1KN5FdYCwssU4Bzhc8URceqh6")
        let model = try XCTUnwrap(try SnapshotQuoter.pool(address: poolKey, accounts: set.accounts) as? OrcaWhirlpoolPool)
        let starts = (set.values["tick_array_starts"] as! [NSNumber]).map(\.intValue)
        XCTAssertEqual(starts.count, 3)
        for s in starts { XCTAssertNotNil(model.tickArrays[s], "dynamic array \(s) applied") }
        let q = try model.quote(amountIn: UInt64(1) << 62, inputMint: model.mintA, context: QuoteContext(now: 1_757_467_270))
        let next = try XCTUnwrap(q.partial?.nextMissingAccount, "an a→b walk this large leaves the dumped arrays")
        XCTAssertEqual(next, OrcaWhirlpoolPool.tickArrayAddress(pool: poolKey, start: starts.min()! - 8 * 88))
        XCTAssertGreaterThan(q.amountOut, 0)
    }
}
