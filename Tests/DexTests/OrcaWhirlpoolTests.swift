@testable import Dex
import Foundation
import PoolMath
import SolanaCore
import XCTest

/// Orca Whirlpool: decoders, PDAs, pinned quotes (expected.json, set "orca-whirlpool SOL/USDC ts=4"),
/// properties on the real fixtures, partial fills, bad accounts and fuzzed bytes.
final class OrcaWhirlpoolTests: XCTestCase {
    static let setName = "orca-whirlpool SOL/USDC ts=4"
    let poolKey = Pubkey("Czfq3xZZDmsdGdUyrNLtRhGc47cXcZtLG4crryfu44zE")

    func loadSet() throws -> (values: [String: Any], quotes: [[String: Any]], accounts: [Pubkey: AccountData]) {
        try Fixtures.set(Self.setName)
    }

    func model(_ accounts: [Pubkey: AccountData]) throws -> OrcaWhirlpoolPool {
        let m = try SnapshotQuoter.pool(address: poolKey, accounts: accounts)
        return try XCTUnwrap(m as? OrcaWhirlpoolPool)
    }

    func int(_ v: Any?) -> UInt64 { (v as! NSNumber).uint64Value }

    // MARK: 1. decoders

    func testFixtureFilesDecode() throws {
        for kind in ["orca-whirlpool/Whirlpool", "orca-whirlpool/TickArray(fixed)", "orca-whirlpool/DynamicTickArray", "orca-whirlpool/FeeTier"] {
            try assertFixtureFilesDecode(kind: kind)
        }
    }

    func testDecoderChecksOwnerSizeDiscriminator() throws {
        let pool = try Fixtures.account("accounts/orca-whirlpool/Czfq3xZZDmsdGdUyrNLtRhGc47cXcZtLG4crryfu44zE.json")
        var wrongOwner = pool; wrongOwner.owner = ProgramIds.raydiumClmm
        XCTAssertThrowsError(try OrcaWhirlpoolState(wrongOwner)) { e in
            guard case DecodeError.wrongOwner = e else { return XCTFail("\(e)") }
        }
        var short = pool; short.data.removeLast()
        XCTAssertThrowsError(try OrcaWhirlpoolState(short)) { e in
            guard case DecodeError.wrongSize = e else { return XCTFail("\(e)") }
        }
        var badDisc = pool; badDisc.data[0] ^= 1
        XCTAssertThrowsError(try OrcaWhirlpoolState(badDisc)) { e in
            guard case DecodeError.wrongDiscriminator = e else { return XCTFail("\(e)") }
        }
        // Registry reports the failed check of the closest layout.
        XCTAssertThrowsError(try AccountRegistry.decode(short)) { e in
            guard case DecodeError.wrongSize = e else { return XCTFail("\(e)") }
        }
    }

    // MARK: 2. pinned quotes + spot price

    func testPinnedQuotesReproduceToTheUnit() throws {
        let (values, quotes, accounts) = try loadSet()
        let pool = try model(accounts)
        XCTAssertEqual(quotes.count, 5)
        for q in quotes {
            let amountIn = int(q["in_"]), aToB = (q["a_to_b"] as! NSNumber).boolValue
            let quote = try pool.quote(amountIn: amountIn, inputMint: aToB ? pool.mintA : pool.mintB, context: QuoteContext())
            XCTAssertEqual(quote.amountOut, int(q["out"]), "in=\(amountIn) aToB=\(aToB)")
            XCTAssertNil(quote.partial, "in=\(amountIn) aToB=\(aToB)")
            XCTAssertEqual(quote.outputMint, aToB ? pool.mintB : pool.mintA)
            XCTAssertGreaterThan(quote.feeAmount, 0)
            // Fee is 0.04% of the input, give or take per-step rounding (a few units).
            XCTAssertLessThanOrEqual(quote.feeAmount, amountIn / 2500 + 4)
            XCTAssertGreaterThanOrEqual(quote.feeAmount + 4, amountIn / 2500)
            // Price moves against the trader.
            XCTAssertTrue(Self.lessOrEqual(quote.priceAfter, quote.priceBefore))
        }
        let price = try pool.price(context: QuoteContext())
        // expected.json carries 50 significant digits (last digit truncated, ours is rounded): compare 45.
        let expected = try XCTUnwrap(values["spot_price_b_per_a"] as? String)
        XCTAssertEqual(String(price.priceBPerA.decimalString().prefix(46)), String(expected.prefix(46)))
        XCTAssertEqual(price.reserveA, int(values["vault_a_amount"]))
        XCTAssertEqual(price.reserveB, int(values["vault_b_amount"]))
        XCTAssertEqual(price.decimalsA, 9)
        XCTAssertEqual(price.decimalsB, 6)
    }

    static func lessOrEqual(_ a: Ratio, _ b: Ratio) -> Bool { !(b.num * a.den < a.num * b.den) }

    // MARK: 3. PDAs

    func testTickArrayPdasReproduceFixtureAddresses() throws {
        var checked = 0
        for entry in Fixtures.files(kind: "orca-whirlpool/TickArray(fixed)") + Fixtures.files(kind: "orca-whirlpool/DynamicTickArray") {
            guard let address = entry["address"] as? String else { continue }
            let decoded = entry["decoded"] as! [String: Any]
            let pool = try Pubkey(base58: decoded["whirlpool"] as! String)
            let start = (decoded["start_tick_index"] as! NSNumber).intValue
            XCTAssertEqual(OrcaWhirlpoolPool.tickArrayAddress(pool: pool, start: start)?.base58, address)
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 5)
        // The model watches exactly those arrays around tick -25156 (ts=4: 352 ticks per array).
        let (values, _, accounts) = try loadSet()
        let pool = try model(accounts)
        let starts = (values["tick_array_starts"] as! [NSNumber]).map(\.intValue)
        for s in starts {
            XCTAssertTrue(pool.accountsToWatch().contains(try XCTUnwrap(OrcaWhirlpoolPool.tickArrayAddress(pool: poolKey, start: s))))
        }
        XCTAssertEqual(pool.windowStarts, (-3...3).map { -25344 + $0 * 352 })
        for s in starts { XCTAssertNotNil(pool.tickArrays[s], "array \(s) applied") }
    }
}
