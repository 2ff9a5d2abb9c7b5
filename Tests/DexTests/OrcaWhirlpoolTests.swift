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

    func model(_ accounts: [Pubkey: AccountData], pool: Pubkey? = nil) throws -> OrcaWhirlpoolPool {
        let m = try SnapshotQuoter.pool(address: pool ?? poolKey, accounts: accounts)
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

    // MARK: 4. properties on the real fixtures

    static let sweepAToB: [UInt64] = (0...15).flatMap { e -> [UInt64] in
        let p = (0..<e).reduce(UInt64(1)) { a, _ in a * 10 }
        return [p, p * 3]
    }

    func testOutputMonotoneAndBoundedByVault() throws {
        let (_, _, accounts) = try loadSet()
        let pool = try model(accounts)
        let price = try pool.price(context: QuoteContext())
        var crossedArrays = false
        for aToB in [true, false] {
            var previous: UInt64 = 0
            var previousFilled: UInt64 = 0
            for amount in Self.sweepAToB {
                let q = try pool.quote(amountIn: amount, inputMint: aToB ? pool.mintA : pool.mintB, context: QuoteContext())
                XCTAssertGreaterThanOrEqual(q.amountOut, previous, "monotone at \(amount) aToB=\(aToB)")
                previous = q.amountOut
                let filled = q.partial?.filledIn ?? amount
                XCTAssertGreaterThanOrEqual(filled, previousFilled)
                previousFilled = filled
                XCTAssertLessThanOrEqual(q.amountOut, try XCTUnwrap(aToB ? price.reserveB : price.reserveA), "vault bound at \(amount)")
                let r = try pool.swap(amount: amount, aToB: aToB)
                if (aToB ? r.tick < -25344 : r.tick >= -24992) { crossedArrays = true }
            }
        }
        XCTAssertTrue(crossedArrays, "the sweep must include swaps that leave the current tick array")
    }

    func testRoundTripNeverReturnsMore() throws {
        let (_, _, accounts) = try loadSet()
        let pool = try model(accounts)
        for amount: UInt64 in [1, 7, 1_000, 999_999, 1_000_000_000, 77_000_000_000, 1_000_000_000_000, 5_000_000_000_000] {
            for aToB in [true, false] {
                let there = try pool.quote(amountIn: amount, inputMint: aToB ? pool.mintA : pool.mintB, context: QuoteContext())
                guard there.partial == nil, there.amountOut > 0 else { continue }
                let back = try pool.quote(amountIn: there.amountOut, inputMint: aToB ? pool.mintB : pool.mintA, context: QuoteContext())
                XCTAssertLessThanOrEqual(back.amountOut, amount, "round trip of \(amount) aToB=\(aToB)")
            }
        }
    }

    // MARK: 5. partial fills, bad arrays, fuzz

    func testMissingArrayGivesPartialNamingIt() throws {
        let (_, _, all) = try loadSet()
        var accounts = all
        let next = try XCTUnwrap(OrcaWhirlpoolPool.tickArrayAddress(pool: poolKey, start: -25696))
        accounts[next] = nil
        let pool = try model(accounts)
        let big: UInt64 = 100_000_000_000_000
        let q = try pool.quote(amountIn: big, inputMint: pool.mintA, context: QuoteContext())
        let partial = try XCTUnwrap(q.partial)
        XCTAssertEqual(partial.nextMissingAccount, next)
        XCTAssertGreaterThan(partial.filledIn, 0)
        XCTAssertLessThan(partial.filledIn, big)
        XCTAssertGreaterThan(q.amountOut, 0)
        // With every array present the walk ends at the first array outside the fixtures (-26400).
        let full = try model(all).quote(amountIn: big, inputMint: pool.mintA, context: QuoteContext())
        XCTAssertEqual(full.partial?.nextMissingAccount, OrcaWhirlpoolPool.tickArrayAddress(pool: poolKey, start: -26400))
        XCTAssertGreaterThan(full.amountOut, q.amountOut)
        // b→a: -24288 is the first array not in the fixtures.
        let up = try model(all).quote(amountIn: big, inputMint: pool.mintB, context: QuoteContext())
        XCTAssertEqual(up.partial?.nextMissingAccount, OrcaWhirlpoolPool.tickArrayAddress(pool: poolKey, start: -24288))
        // A never-created array (empty system account) is walked through as empty (sparse swap).
        var sparse = try model(all)
        let empty = try XCTUnwrap(OrcaWhirlpoolPool.tickArrayAddress(pool: poolKey, start: -26400))
        XCTAssertTrue(try sparse.apply(AccountData(address: empty, owner: .zero, data: [])))
        let further = try sparse.quote(amountIn: big, inputMint: pool.mintA, context: QuoteContext())
        XCTAssertEqual(further.partial?.nextMissingAccount, OrcaWhirlpoolPool.tickArrayAddress(pool: poolKey, start: -26752))
        // No tick is crossed in it, so the in-range liquidity keeps trading across its whole width.
        XCTAssertGreaterThan(further.amountOut, full.amountOut)
        XCTAssertGreaterThan(try XCTUnwrap(further.partial).filledIn, try XCTUnwrap(full.partial).filledIn)
        let walked = try sparse.swap(amount: big, aToB: true)
        XCTAssertEqual(walked.tick, -26400 - 1, "stops after the empty array's lower edge")
        XCTAssertThrowsError(try pool.quote(amountIn: 0, inputMint: pool.mintA, context: QuoteContext())) { e in
            XCTAssertEqual(e as? QuoteError, .zeroAmount)
        }
        XCTAssertThrowsError(try pool.quote(amountIn: 1, inputMint: KnownMints.usdt, context: QuoteContext()))
    }

    func testForeignOrMisalignedArrayIsRejected() throws {
        let (_, _, accounts) = try loadSet()
        var pool = try model(accounts)
        let key = try XCTUnwrap(OrcaWhirlpoolPool.tickArrayAddress(pool: poolKey, start: -25696))
        let original = try XCTUnwrap(accounts[key])
        let before = pool.tickArrays[-25696]

        var foreign = original
        for i in 0..<32 { foreign.data[9956 + i] = KnownMints.usdc.bytes[i] }
        XCTAssertThrowsError(try pool.apply(foreign)) { e in
            guard case QuoteError.invalidAccount(let role, let address, _)? = e as? QuoteError else { return XCTFail("\(e)") }
            XCTAssertEqual(role, "tick array"); XCTAssertEqual(address, key)
        }
        var misaligned = original
        withUnsafeBytes(of: Int32(-25695).littleEndian) { for i in 0..<4 { misaligned.data[8 + i] = $0[i] } }
        XCTAssertThrowsError(try pool.apply(misaligned)) { e in
            guard case QuoteError.invalidAccount? = e as? QuoteError else { return XCTFail("\(e)") }
        }
        // Aligned, but not the start index its address stands for.
        var moved = original
        withUnsafeBytes(of: Int32(-26048).littleEndian) { for i in 0..<4 { moved.data[8 + i] = $0[i] } }
        XCTAssertThrowsError(try pool.apply(moved))
        XCTAssertEqual(pool.tickArrays[-25696], before, "rejected arrays are never stored")
        // An array of another pool at an unrelated address is simply not ours.
        var other = original; other.address = KnownMints.usdt
        for i in 0..<32 { other.data[9956 + i] = KnownMints.usdc.bytes[i] }
        XCTAssertFalse(try pool.apply(other))
    }

    /// Full-range ("splash") pool from the carbon fixtures: one tick array covers the lower
    /// half of the range, so a big a→b swap runs out of liquidity at the minimum price and the
    /// partial result names no missing array.
    func testPriceLimitPartialOnSplashPool() throws {
        var whirlpool = try Fixtures.account("accounts/orca-whirlpool/carbon-decoder-fixtures/carbon-whirlpool.json")
        var array = try Fixtures.account("accounts/orca-whirlpool/carbon-decoder-fixtures/carbon-tick_array.json")
        let decodedArray = try OrcaWhirlpoolTickArray(array)
        whirlpool.address = decodedArray.whirlpool
        let state = try OrcaWhirlpoolState(whirlpool)
        XCTAssertEqual(state.liquidity, 141_421_356)
        array.address = try XCTUnwrap(OrcaWhirlpoolPool.tickArrayAddress(pool: whirlpool.address, start: -2_894_848))
        func mint(_ key: Pubkey, _ decimals: UInt8) -> AccountData {
            var d = [UInt8](repeating: 0, count: 82); d[44] = decimals; d[45] = 1
            return AccountData(address: key, owner: ProgramIds.splToken, data: d)
        }
        let current = try XCTUnwrap(OrcaWhirlpoolPool.tickArrayAddress(pool: whirlpool.address, start: 0))
        let accounts: [Pubkey: AccountData] = [
            whirlpool.address: whirlpool, array.address: array,
            current: AccountData(address: current, owner: .zero, data: []),
            state.tokenMintA: mint(state.tokenMintA, 9), state.tokenMintB: mint(state.tokenMintB, 6),
        ]
        let pool = try model(accounts, pool: whirlpool.address)
        let q = try pool.quote(amountIn: UInt64.max / 2, inputMint: state.tokenMintA, context: QuoteContext())
        let partial = try XCTUnwrap(q.partial)
        XCTAssertNil(partial.nextMissingAccount)
        XCTAssertGreaterThan(q.amountOut, 0)
        XCTAssertLessThan(partial.filledIn, UInt64.max / 2)
        let r = try pool.swap(amount: UInt64.max / 2, aToB: true)
        XCTAssertEqual(r.sqrtPrice, WhirlpoolMath.minSqrtPrice)
        // Small trades fill completely.
        XCTAssertNil(try pool.quote(amountIn: 1_000_000, inputMint: state.tokenMintA, context: QuoteContext()).partial)
    }

    /// swap_v2 with a Token-2022 transfer fee on mint A: the pool swaps the input net of the fee
    /// (a→b), and the trader receives the output net of the fee (b→a).
    func testToken2022TransferFeeExcludedFromInputAndOutput() throws {
        let (_, _, plainAccounts) = try loadSet()
        let plain = try model(plainAccounts)
        var accounts = plainAccounts
        let sol = KnownMints.wsol
        var d = Array(try XCTUnwrap(accounts[sol]).data.prefix(82)) + [UInt8](repeating: 0, count: 165 - 82)
        d += [1]  // account_type = Mint
        d += [1, 0, 108, 0]  // TLV: TransferFeeConfig, 108 bytes
        var v = [UInt8](repeating: 0, count: 108)
        let bps: UInt16 = 150, maxFee: UInt64 = 1 << 62
        for at in [72, 90] {  // older and newer TransferFee: epoch 0, maximum_fee, basis points
            withUnsafeBytes(of: maxFee.littleEndian) { for i in 0..<8 { v[at + 8 + i] = $0[i] } }
            withUnsafeBytes(of: bps.littleEndian) { for i in 0..<2 { v[at + 16 + i] = $0[i] } }
        }
        d += v
        accounts[sol] = AccountData(address: sol, owner: ProgramIds.token2022, data: d)
        let taxed = try model(accounts)
        let fee = TransferFee(epoch: 0, maximumFee: maxFee, basisPoints: bps)

        let amount: UInt64 = 10_000_000_000
        let qa = try taxed.quote(amountIn: amount, inputMint: sol, context: QuoteContext())
        let netIn = amount - fee.fee(on: amount)
        XCTAssertEqual(qa.amountOut, try plain.quote(amountIn: netIn, inputMint: sol, context: QuoteContext()).amountOut)

        let usdc: UInt64 = 500_000_000
        let qb = try taxed.quote(amountIn: usdc, inputMint: KnownMints.usdc, context: QuoteContext())
        let gross = try plain.quote(amountIn: usdc, inputMint: KnownMints.usdc, context: QuoteContext()).amountOut
        XCTAssertEqual(qb.amountOut, gross - fee.fee(on: gross))
        XCTAssertLessThan(qb.amountOut, gross)
    }

    // MARK: Orca rust-sdk pinned quotes (rust-sdk/core/src/quote/swap.rs tests @630c0e01)

    /// Synthetic accounts exactly as the SDK's test facades describe them.
    struct SyntheticPool {
        let key = Pubkey(bytes: [UInt8](repeating: 7, count: 32))!
        let mintA = Pubkey(bytes: [UInt8](repeating: 1, count: 32))!
        let mintB = Pubkey(bytes: [UInt8](repeating: 2, count: 32))!
        var accounts: [Pubkey: AccountData] = [:]

        static func put<T: FixedWidthInteger>(_ v: T, _ d: inout [UInt8], _ o: Int) {
            withUnsafeBytes(of: v.littleEndian) { for (i, b) in $0.enumerated() { d[o + i] = b } }
        }

        init(tickSpacing: UInt16, feeTierIndexSeed: UInt16, feeRate: UInt16, liquidity: UInt128, sqrtPrice: UInt128) {
            var d = [UInt8](repeating: 0, count: OrcaWhirlpoolState.size)
            for (i, b) in Hex.decode(OrcaWhirlpoolState.discriminator)!.enumerated() { d[i] = b }
            Self.put(tickSpacing, &d, 41); Self.put(feeTierIndexSeed, &d, 43); Self.put(feeRate, &d, 45)
            Self.put(liquidity, &d, 49); Self.put(sqrtPrice, &d, 65)
            Self.put(Int32(WhirlpoolMath.tickIndex(fromSqrtPrice: sqrtPrice)), &d, 81)
            for i in 0..<32 { d[101 + i] = mintA.bytes[i]; d[181 + i] = mintB.bytes[i]; d[133 + i] = 3; d[213 + i] = 4 }
            accounts[key] = AccountData(address: key, owner: ProgramIds.orcaWhirlpool, data: d)
            for m in [mintA, mintB] {
                var md = [UInt8](repeating: 0, count: 82); md[44] = 6; md[45] = 1
                accounts[m] = AccountData(address: m, owner: ProgramIds.splToken, data: md)
            }
        }

        mutating func addArray(start: Int32, ticks: [Int: Int128]) {
            var d = [UInt8](repeating: 0, count: OrcaWhirlpoolTickArray.fixedSize)
            for (i, b) in Hex.decode(OrcaWhirlpoolTickArray.fixedDiscriminator)!.enumerated() { d[i] = b }
            Self.put(start, &d, 8)
            for (offset, net) in ticks { d[12 + 113 * offset] = 1; Self.put(net, &d, 12 + 113 * offset + 1) }
            for i in 0..<32 { d[9956 + i] = key.bytes[i] }
            let address = OrcaWhirlpoolPool.tickArrayAddress(pool: key, start: Int(start))!
            accounts[address] = AccountData(address: address, owner: ProgramIds.orcaWhirlpool, data: d)
        }

        mutating func addOracle(
            tradeEnable: UInt64, lastReference: UInt64, lastMajor: UInt64,
            volatilityReference: UInt32, tickGroupIndexReference: Int32, volatilityAccumulator: UInt32
        ) {
            var d = [UInt8](repeating: 0, count: OrcaWhirlpoolOracle.size)
            for (i, b) in Hex.decode(OrcaWhirlpoolOracle.discriminator)!.enumerated() { d[i] = b }
            for i in 0..<32 { d[8 + i] = key.bytes[i] }
            Self.put(tradeEnable, &d, 40)
            // filter 30, decay 600, reduction 500, control 5_000, max acc 88·3·10_000, group 64, major 64
            Self.put(UInt16(30), &d, 48); Self.put(UInt16(600), &d, 50); Self.put(UInt16(500), &d, 52)
            Self.put(UInt32(5_000), &d, 54); Self.put(UInt32(88 * 3 * 10_000), &d, 58)
            Self.put(UInt16(64), &d, 62); Self.put(UInt16(64), &d, 64)
            Self.put(lastReference, &d, 82); Self.put(lastMajor, &d, 90); Self.put(volatilityReference, &d, 98)
            Self.put(tickGroupIndexReference, &d, 102); Self.put(volatilityAccumulator, &d, 106)
            let address = ProgramAddress.find(seeds: [Array("oracle".utf8), key.bytes], programId: ProgramIds.orcaWhirlpool)!.0
            accounts[address] = AccountData(address: address, owner: ProgramIds.orcaWhirlpool, data: d)
        }
    }

    /// `test_tick_arrays()`: arrays 0, ±176, ±352 (ts=2), every tick initialized with
    /// liquidity_net +1000 below 0 and −1000 from 0 up; fee 3000, tick 0.
    func staticSdkPool(sufficient: Bool) throws -> OrcaWhirlpoolPool {
        var p = SyntheticPool(
            tickSpacing: 2, feeTierIndexSeed: 2, feeRate: 3000,
            liquidity: sufficient ? 100_000_000 : 265_000, sqrtPrice: UInt128(1) << 64)
        for start: Int32 in [0, 176, 352, -176, -352] {
            p.addArray(start: start, ticks: Dictionary(uniqueKeysWithValues: (0..<88).map { ($0, start < 0 ? Int128(1000) : -1000) }))
        }
        return try model(p.accounts, pool: p.key)
    }

    func testOrcaSdkStaticFeeQuotes() throws {
        let cases: [(Bool, Bool, UInt64, UInt64)] = [  // (aToB, sufficient, est_out, trade_fee)
            (true, true, 996, 3), (true, false, 920, 38), (false, true, 996, 3), (false, false, 918, 39),
        ]
        for (aToB, sufficient, out, fee) in cases {
            let pool = try staticSdkPool(sufficient: sufficient)
            let q = try pool.quote(amountIn: 1000, inputMint: aToB ? pool.mintA : pool.mintB, context: QuoteContext())
            XCTAssertEqual(q.amountOut, out, "aToB=\(aToB) sufficient=\(sufficient)")
            XCTAssertEqual(q.feeAmount, fee, "aToB=\(aToB) sufficient=\(sufficient)")
            XCTAssertNil(q.partial)
        }
        // test_swap_quote_throws_if_tick_array_sequence_holds_insufficient_liquidity: 3428 fills
        // within arrays 0, −176, −352; 3429 needs the next array (−528), which we report as missing.
        let pool = try staticSdkPool(sufficient: false)
        XCTAssertNil(try pool.quote(amountIn: 3428, inputMint: pool.mintA, context: QuoteContext()).partial)
        let q = try pool.quote(amountIn: 3429, inputMint: pool.mintA, context: QuoteContext())
        XCTAssertEqual(q.partial?.nextMissingAccount, OrcaWhirlpoolPool.tickArrayAddress(pool: pool.address, start: -528))
    }

    /// `mod adaptive_fee` tests: ts=64, static fee 1000, fee_tier_index_seed 192, oracle constants
    /// (30, 600, 500, 5_000, 2_640_000, 64, 64), empty arrays 0, ±5632, ±11264.
    func testOrcaSdkAdaptiveFeeQuotes() throws {
        let now: UInt64 = 1_750_000_000
        func pool(liquidity: UInt128, oracle: (UInt64, UInt64, UInt32, UInt32), tick22: Int128?) throws -> OrcaWhirlpoolPool {
            var p = SyntheticPool(
                tickSpacing: 64, feeTierIndexSeed: 192, feeRate: 1000, liquidity: liquidity,
                sqrtPrice: WhirlpoolMath.sqrtPrice(atTick: 0))
            for start: Int32 in [0, 5632, 11264, -5632, -11264] {
                p.addArray(start: start, ticks: start == 0 && tick22 != nil ? [22: tick22!] : [:])
            }
            p.addOracle(
                tradeEnable: now, lastReference: oracle.0, lastMajor: oracle.1, volatilityReference: oracle.2,
                tickGroupIndexReference: 0, volatilityAccumulator: oracle.3)
            return try model(p.accounts, pool: p.key)
        }
        let ctx = QuoteContext(now: Int64(now))
        // test_exact_in_a_to_b_simple / _decay: 150_000 → 122_534, fee 10_312.
        for oracle in [(now, now, UInt32(0), UInt32(0)), (now - 600, now - 600, UInt32(100_000), UInt32(100_000))] {
            let p = try pool(liquidity: 1_000_000, oracle: oracle, tick22: nil)
            let q = try p.quote(amountIn: 150_000, inputMint: p.mintA, context: ctx)
            XCTAssertEqual(q.amountOut, 122_534)
            XCTAssertEqual(q.feeAmount, 10_312)
            XCTAssertNil(q.partial)
        }
        // test_exact_in_b_to_a_simple: tick 1408 (offset 22) with liquidity_net −500_000, L = 1.5e6.
        let p = try pool(liquidity: 1_500_000, oracle: (now, now, 0, 0), tick22: -500_000)
        let q = try p.quote(amountIn: 150_000, inputMint: p.mintB, context: ctx)
        XCTAssertEqual(q.amountOut, 129_866)
        XCTAssertEqual(q.feeAmount, 7_456)
        // Trading not enabled yet → swap disabled.
        XCTAssertThrowsError(try p.quote(amountIn: 150_000, inputMint: p.mintB, context: QuoteContext(now: Int64(now) - 1))) { e in
            guard case QuoteError.swapDisabled? = e as? QuoteError else { return XCTFail("\(e)") }
        }
    }

    func testAdaptiveFeePoolNeedsItsOracle() throws {
        let (_, _, all) = try loadSet()
        var accounts = all
        var data = try XCTUnwrap(accounts[poolKey]).data
        data[43] = 5  // fee_tier_index_seed != tick_spacing → adaptive-fee pool
        accounts[poolKey]?.data = data
        let oracleKey = try XCTUnwrap(ProgramAddress.find(seeds: [Array("oracle".utf8), poolKey.bytes], programId: ProgramIds.orcaWhirlpool)?.0)
        var oracle = [UInt8](repeating: 0, count: OrcaWhirlpoolOracle.size)
        for (i, b) in Hex.decode(OrcaWhirlpoolOracle.discriminator)!.enumerated() { oracle[i] = b }
        for (i, b) in poolKey.bytes.enumerated() { oracle[8 + i] = b }
        accounts[oracleKey] = AccountData(address: oracleKey, owner: ProgramIds.orcaWhirlpool, data: oracle)
        let pool = try model(accounts)
        XCTAssertTrue(pool.accountsToWatch().contains(oracleKey))
        // An all-zero oracle (tick_group_size 0) is rejected rather than quoted with a made-up fee.
        XCTAssertThrowsError(try pool.quote(amountIn: 1_000_000, inputMint: pool.mintA, context: QuoteContext())) { e in
            guard case QuoteError.mathOverflow? = e as? QuoteError else { return XCTFail("\(e)") }
        }
        // Without the oracle account the quote says which account is missing.
        accounts[oracleKey] = nil
        XCTAssertThrowsError(try model(accounts).quote(amountIn: 1_000_000, inputMint: pool.mintA, context: QuoteContext())) { e in
            guard case QuoteError.missingAccount(let role, let address)? = e as? QuoteError else { return XCTFail("\(e)") }
            XCTAssertEqual(role, "oracle"); XCTAssertEqual(address, oracleKey)
        }
    }

    /// Deterministic xorshift so failures reproduce.
    struct Rng { var s: UInt64; mutating func next() -> UInt64 { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s } }

    func exercise(_ model: OrcaWhirlpoolPool) {
        for amount: UInt64 in [1, 81_000_000_000, UInt64.max] {
            for mint in [model.mintA, model.mintB] { _ = try? model.quote(amountIn: amount, inputMint: mint, context: QuoteContext()) }
        }
        _ = try? model.price(context: QuoteContext())
    }

    func testTruncatedAndBitFlippedAccountsNeverTrap() throws {
        let (_, _, accounts) = try loadSet()
        let base = try model(accounts)
        let poolAccount = try XCTUnwrap(accounts[poolKey])
        // Pool: every truncation length.
        for n in 0..<poolAccount.data.count {
            var a = poolAccount; a.data = Array(a.data.prefix(n))
            XCTAssertThrowsError(try AccountRegistry.decode(a))
            XCTAssertThrowsError(try SnapshotQuoter.pool(address: poolKey, accounts: accounts.merging([poolKey: a]) { $1 }))
            var m = base
            XCTAssertThrowsError(try m.apply(a))
        }
        // Arrays (fixed and dynamic): a sample of truncation lengths.
        var arrays = accounts.values.filter { OrcaWhirlpoolTickArray.matches($0) }
        arrays.append(try Fixtures.account("accounts/orca-whirlpool/carbon-decoder-fixtures/carbon-dynamic_tick_array.json"))
        for array in arrays {
            let lengths = Array(stride(from: 0, to: array.data.count, by: 97)) + [array.data.count - 1, 147, 148, 59, 60, 61]
            for n in lengths where n < array.data.count {
                var a = array; a.data = Array(a.data.prefix(n))
                XCTAssertThrowsError(try AccountRegistry.decode(a))
                var m = base
                XCTAssertNotEqual(try? m.apply(a), true, "a truncated array is never stored")
            }
        }
        // Random bit flips in the pool, the arrays, the vaults and mints.
        var rng = Rng(s: 0x9E37_79B9_7F4A_7C15)
        let keys = accounts.keys.sorted()
        for round in 0..<160 {
            let key = round % 4 == 0 ? poolKey : keys[Int(rng.next() % UInt64(keys.count))]
            var a = accounts[key]!
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                let bit = Int(rng.next() % UInt64(a.data.count * 8))
                a.data[bit / 8] ^= UInt8(1 << (bit % 8))
            }
            _ = try? AccountRegistry.decode(a)
            // Rebuilding derives PDAs (slow in debug builds): only for pool flips, which move the window.
            if key == poolKey, let m = try? SnapshotQuoter.pool(address: poolKey, accounts: accounts.merging([key: a]) { $1 }) as? OrcaWhirlpoolPool {
                exercise(m)
            }
            var m = base
            if (try? m.apply(a)) == true { exercise(m) }
        }
        // Adaptive-fee pool: flips in the Oracle (and its pool) must throw or quote, never trap.
        let now: UInt64 = 1_750_000_000
        var synthetic = SyntheticPool(
            tickSpacing: 64, feeTierIndexSeed: 192, feeRate: 1000, liquidity: 1_000_000,
            sqrtPrice: WhirlpoolMath.sqrtPrice(atTick: 0))
        for start: Int32 in [0, -5632, 5632] { synthetic.addArray(start: start, ticks: [3: 1_000, 40: -2_000]) }
        synthetic.addOracle(
            tradeEnable: now, lastReference: now - 40, lastMajor: now - 40, volatilityReference: 5_000,
            tickGroupIndexReference: -3, volatilityAccumulator: 20_000)
        let adaptiveBase = try model(synthetic.accounts, pool: synthetic.key)
        let oracleKey = try XCTUnwrap(adaptiveBase.oracle?.address)
        for _ in 0..<200 {
            var a = try XCTUnwrap(synthetic.accounts[oracleKey])
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let bit = Int(rng.next() % UInt64(a.data.count * 8))
                a.data[bit / 8] ^= UInt8(1 << (bit % 8))
            }
            var m = adaptiveBase
            if (try? m.apply(a)) == true {
                for amount: UInt64 in [1, 150_000, UInt64.max] {
                    for mint in [m.mintA, m.mintB] { _ = try? m.quote(amountIn: amount, inputMint: mint, context: QuoteContext(now: Int64(now))) }
                }
            }
        }
        // Dynamic array bit flips.
        let dyn = try Fixtures.account("accounts/orca-whirlpool/carbon-decoder-fixtures/carbon-dynamic_tick_array.json")
        for _ in 0..<300 {
            var a = dyn
            let bit = Int(rng.next() % UInt64(a.data.count * 8))
            a.data[bit / 8] ^= UInt8(1 << (bit % 8))
            _ = try? AccountRegistry.decode(a)
        }
    }
}
