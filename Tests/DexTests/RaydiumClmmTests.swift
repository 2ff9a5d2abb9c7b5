import Dex
import Foundation
import PoolMath
import SolanaCore
import XCTest

/// Raydium CLMM: decoders, pinned quotes (expected.json), PDAs, properties and robustness on real dumps.
final class RaydiumClmmTests: XCTestCase {
    static let setName = "raydium-clmm SOL/USDC 0.04% ts=1 3ucNos4"
    static let poolKey = Pubkey("3ucNos4NbumPLZNWztqGHNFFgkHeRMBQAVemeeomsUxv")
    let ctx = QuoteContext(now: 1_783_355_400, epoch: 1000)

    func fixtureSet() throws -> (values: [String: Any], quotes: [[String: Any]], accounts: [Pubkey: AccountData]) {
        try Fixtures.set(Self.setName)
    }

    func model(_ accounts: [Pubkey: AccountData]) throws -> RaydiumClmmPool {
        let m = try SnapshotQuoter.pool(address: Self.poolKey, accounts: accounts)
        return try XCTUnwrap(m as? RaydiumClmmPool)
    }

    /// Output-per-input human price at a tick (SOL 9 / USDC 6 decimals), for array-edge checks.
    static func humanPrice(tick: Int32, zeroForOne: Bool) throws -> Ratio {
        let sp = BigNat(try ClmmMath.sqrtPriceAtTick(tick))
        let r = Ratio(num: sp * sp, den: BigNat(limbs: [0, 0, 1])).scaled(byPow10: 3)
        return zeroForOne ? r : r.inverted
    }

    // 1. every fixture file of our kinds decodes to the expected values
    func testFixtureFilesDecode() throws {
        for kind in ["PoolState", "AmmConfig", "TickArrayState", "TickArrayBitmapExtension", "ObservationState"] {
            try assertFixtureFilesDecode(kind: "raydium-clmm/\(kind)")
        }
        // The kinds are told apart from CPMM's same-named accounts by owner + size.
        for entry in Fixtures.files where (entry["kind"] as! String).hasPrefix("raydium-clmm/") {
            let a = try Fixtures.account(entry["file"] as! String)
            let d = try AccountRegistry.decode(a)
            XCTAssertEqual("\(d.program)/\(d.kind)", entry["kind"] as! String)
        }
    }

    // 2. pinned quotes to the unit, through the CLI path, plus set values and spot price
    func testPinnedQuotesAndSetValues() throws {
        let set = try fixtureSet()
        let pool = try model(set.accounts)
        XCTAssertEqual(set.quotes.count, 4)
        for q in set.quotes {
            let amountIn = (q["in_"] as! NSNumber).uint64Value
            let zeroForOne = (q["zero_for_one"] as! NSNumber).boolValue
            let expected = (q["out"] as! NSNumber).uint64Value
            let quote = try pool.quote(amountIn: amountIn, inputMint: zeroForOne ? pool.mintA : pool.mintB, context: ctx)
            XCTAssertNil(quote.partial, "in=\(amountIn) zfo=\(zeroForOne): \(String(describing: quote.partial))")
            XCTAssertEqual(quote.amountOut, expected, "in=\(amountIn) zero_for_one=\(zeroForOne)")
            XCTAssertEqual(quote.feeMint, zeroForOne ? pool.mintA : pool.mintB)  // fee_on = 0: fee on input
            XCTAssertGreaterThan(quote.feeAmount, 0)
            XCTAssertLessThan(quote.feeAmount, amountIn)
            // price moves against the trader
            XCTAssertGreaterThan(quote.priceBefore.num * quote.priceAfter.den, quote.priceAfter.num * quote.priceBefore.den)
        }
        let v = set.values
        let price = try pool.price(context: ctx)
        let expectedPrice = v["spot_price_1_per_0"] as! String
        // expected.json's 50th digit comes from Python decimal's own intermediate rounding; 45 digits must agree.
        XCTAssertEqual(String(price.priceBPerA.decimalString().prefix(46)), String(expectedPrice.prefix(46)))
        XCTAssertEqual(price.reserveA, (v["vault_0_amount"] as! NSNumber).uint64Value)
        XCTAssertEqual(price.reserveB, (v["vault_1_amount"] as! NSNumber).uint64Value)
        XCTAssertEqual(price.decimalsA, (v["mint_decimals_0"] as! NSNumber).uint8Value)
        XCTAssertEqual(price.decimalsB, (v["mint_decimals_1"] as! NSNumber).uint8Value)
        XCTAssertEqual(pool.state.dynamicFeeInfo == nil, (v["dynamic_fee_info_all_zero"] as! NSNumber).boolValue)
        XCTAssertEqual(Int(pool.state.tickCurrent), (v["tick_current"] as! NSNumber).intValue)
        let starts = (v["tick_array_starts"] as! [NSNumber]).map { $0.int32Value }
        XCTAssertEqual(pool.tickArrays.keys.sorted(), starts)
    }

    // 3. PDA derivation reproduces every tick array address and the bitmap extension address
    func testPDAs() throws {
        var checked = 0
        for entry in Fixtures.files(kind: "raydium-clmm/TickArrayState") {
            let a = try Fixtures.account(entry["file"] as! String)
            guard let address = entry["address"] as? String else { continue }
            let array = try RaydiumClmmTickArray(a)
            XCTAssertEqual(RaydiumClmmPool.tickArrayAddress(pool: array.poolId, startTickIndex: array.startTickIndex)?.base58, address)
            checked += 1
        }
        XCTAssertEqual(checked, 5)
        for entry in Fixtures.files(kind: "raydium-clmm/TickArrayBitmapExtension") {
            let set = try fixtureSet()
            let pool = try RaydiumClmmPool(pool: set.accounts[Self.poolKey]!)
            XCTAssertEqual(pool.bitmapExtensionAddress.base58, entry["address"] as? String)
        }
        // The watch set lists exactly the fixture's arrays among its tick arrays (current + neighbours).
        let set = try fixtureSet()
        let pool = try model(set.accounts)
        let watched = Set(pool.accountsToWatch())
        for (key, a) in set.accounts where RaydiumClmmTickArray.matches(a) { XCTAssertTrue(watched.contains(key), "\(key)") }
    }

    // 4a. output is monotone non-decreasing in amount_in, including multi-array walks
    func testMonotoneSweep() throws {
        let pool = try model(try fixtureSet().accounts)
        for zeroForOne in [true, false] {
            var last: UInt64 = 0
            var amount: UInt64 = zeroForOne ? 1 : 1
            var crossedArray = false
            while amount < (zeroForOne ? 2_000_000_000_000 : 200_000_000_000) {
                let out: UInt64
                do {
                    let q = try pool.quote(amountIn: amount, inputMint: zeroForOne ? pool.mintA : pool.mintB, context: ctx)
                    if q.partial != nil { break }
                    // Beyond the current array [-25080, -25020) once the price passes its edge tick.
                    let edge = try Self.humanPrice(tick: zeroForOne ? -25080 : -25020, zeroForOne: zeroForOne)
                    if q.priceAfter.num * edge.den < edge.num * q.priceAfter.den { crossedArray = true }
                    out = q.amountOut
                } catch QuoteError.zeroOutput { out = 0 }  // TooSmallInputOrOutputAmount
                XCTAssertGreaterThanOrEqual(out, last, "amount \(amount)")
                last = out
                amount = amount * 3 / 2 + 7
            }
            XCTAssertTrue(last > 0)
            XCTAssertTrue(crossedArray, "the sweep reaches multi-array amounts")
        }
        // fine sweep around a small amount (rounding boundaries)
        var prev: UInt64 = 0
        for a in stride(from: UInt64(990_000), through: 1_010_000, by: 997) {
            let q = try pool.quote(amountIn: a, inputMint: pool.mintB, context: ctx)
            XCTAssertGreaterThanOrEqual(q.amountOut, prev)
            prev = q.amountOut
        }
    }

    // 4b. output never exceeds the output vault; 4c. a→b then b→a never returns more than was put in
    func testBoundsAndRoundTrip() throws {
        let set = try fixtureSet()
        let pool = try model(set.accounts)
        let price = try pool.price(context: ctx)
        for amount: UInt64 in [1_000, 1_000_000, 1_000_000_000, 50_000_000_000, 500_000_000_000] {
            for zeroForOne in [true, false] {
                let q = try pool.quote(amountIn: amount, inputMint: zeroForOne ? pool.mintA : pool.mintB, context: ctx)
                XCTAssertLessThanOrEqual(q.amountOut, zeroForOne ? price.reserveB! : price.reserveA!)
                if let p = q.partial { XCTAssertLessThanOrEqual(p.filledIn, amount); continue }
                guard q.amountOut > 0 else { continue }
                do {
                    let back = try pool.quote(amountIn: q.amountOut, inputMint: zeroForOne ? pool.mintB : pool.mintA, context: ctx)
                    XCTAssertLessThanOrEqual(back.amountOut, amount, "round trip \(amount) zfo=\(zeroForOne)")
                } catch QuoteError.zeroOutput {}
            }
        }
    }

    // 5a. missing arrays → partial naming the next missing array (and nothing invented)
    func testMissingArraysGivePartial() throws {
        let set = try fixtureSet()
        let full = try model(set.accounts)
        let big = try full.quote(amountIn: 200_000_000_000, inputMint: full.mintB, context: ctx)
        XCTAssertNil(big.partial)
        // Drop every array above the current one: a 1→0 swap that leaves the current array must stop there.
        var accounts = set.accounts
        var removed: [Int32: Pubkey] = [:]
        for (k, a) in set.accounts where RaydiumClmmTickArray.matches(a) {
            let arr = try RaydiumClmmTickArray(a)
            if arr.startTickIndex > -25080 { accounts[k] = nil; removed[arr.startTickIndex] = k }
        }
        let pool = try model(accounts)
        let q = try pool.quote(amountIn: 200_000_000_000, inputMint: pool.mintB, context: ctx)
        let partial = try XCTUnwrap(q.partial)
        XCTAssertEqual(partial.nextMissingAccount, removed[-25020])
        XCTAssertEqual(partial.nextMissingAccount, RaydiumClmmPool.tickArrayAddress(pool: Self.poolKey, startTickIndex: -25020))
        XCTAssertLessThan(partial.filledIn, 200_000_000_000)
        XCTAssertGreaterThan(partial.filledIn, 0)
        XCTAssertLessThan(q.amountOut, big.amountOut)
        // The partial output is exactly a full quote of the filled amount.
        let exact = try full.quote(amountIn: partial.filledIn, inputMint: pool.mintB, context: ctx)
        XCTAssertLessThanOrEqual(q.amountOut, exact.amountOut)
        // Without the current array nothing is filled and the current array is named.
        var none = set.accounts
        let currentKey = RaydiumClmmPool.tickArrayAddress(pool: Self.poolKey, startTickIndex: -25080)!
        none[currentKey] = nil
        let q0 = try model(none).quote(amountIn: 1_000_000, inputMint: pool.mintA, context: ctx)
        XCTAssertEqual(q0.partial?.nextMissingAccount, currentKey)
        XCTAssertEqual(q0.partial?.filledIn, 0)
        XCTAssertEqual(q0.amountOut, 0)
    }

    // 5b. an array of another pool, or with a misaligned start, is rejected and never stored
    func testForeignAndMisalignedArraysRejected() throws {
        let set = try fixtureSet()
        var pool = try model(set.accounts)
        let key = RaydiumClmmPool.tickArrayAddress(pool: Self.poolKey, startTickIndex: -25020)!
        let original = set.accounts[key]!
        var foreign = original
        foreign.data[8] ^= 0xFF  // pool_id
        XCTAssertThrowsError(try pool.apply(foreign)) { e in
            guard case QuoteError.invalidAccount(_, let addr, _) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(addr, key)
        }
        var misaligned = original
        misaligned.data[40] = misaligned.data[40] &+ 1  // start_tick_index no longer a multiple of 60·ts
        // ts = 1: 60·1 alignment; -25020 + 1 is not a multiple of 60
        XCTAssertThrowsError(try pool.apply(misaligned)) { e in
            guard case QuoteError.invalidAccount = e else { return XCTFail("\(e)") }
        }
        // A right-pool, aligned array under the wrong address is rejected too.
        var moved = original
        moved.address = RaydiumClmmPool.tickArrayAddress(pool: Self.poolKey, startTickIndex: -24960)!
        XCTAssertThrowsError(try pool.apply(moved))
        // Still quotes as before (nothing stored).
        let pinned = set.quotes.first { ($0["in_"] as! NSNumber).uint64Value == 8_200_000_000 }!
        let q = try pool.quote(amountIn: 8_200_000_000, inputMint: pool.mintB, context: ctx)
        XCTAssertEqual(q.amountOut, (pinned["out"] as! NSNumber).uint64Value)
        XCTAssertTrue(try pool.apply(original))
    }

    func testErrors() throws {
        let set = try fixtureSet()
        let pool = try model(set.accounts)
        XCTAssertThrowsError(try pool.quote(amountIn: 0, inputMint: pool.mintA, context: ctx)) { XCTAssertEqual($0 as? QuoteError, .zeroAmount) }
        XCTAssertThrowsError(try pool.quote(amountIn: 5, inputMint: KnownMints.usdt, context: ctx))
        var disabled = set.accounts[Self.poolKey]!
        disabled.data[389] |= 1 << 4
        var accounts = set.accounts
        accounts[Self.poolKey] = disabled
        XCTAssertThrowsError(try model(accounts).quote(amountIn: 1_000, inputMint: pool.mintA, context: ctx)) {
            guard case QuoteError.swapDisabled = $0 else { return XCTFail("\($0)") }
        }
        // Missing config → missingAccount naming it.
        var noConfig = set.accounts
        noConfig[Pubkey("3h2e43PunVA5K34vwKCLHWhZF4aZpyaC9RmxvshGAQpL")] = nil
        XCTAssertThrowsError(try model(noConfig).quote(amountIn: 1_000, inputMint: pool.mintA, context: ctx)) {
            guard case QuoteError.missingAccount(_, let a) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(a, Pubkey("3h2e43PunVA5K34vwKCLHWhZF4aZpyaC9RmxvshGAQpL"))
        }
    }

    // Fee on output (fee_on 1/2): the fee is charged on the output token and the user gets less than
    // the fee-on-input path for the same gross input (swap_math.rs compute_swap).
    func testFeeOnOutputModes() throws {
        let set = try fixtureSet()
        let base = try model(set.accounts)
        for (feeOn, zeroForOne) in [(UInt8(2), true), (UInt8(1), false)] {
            var accounts = set.accounts
            var p = accounts[Self.poolKey]!
            p.data[390] = feeOn
            accounts[Self.poolKey] = p
            let pool = try model(accounts)
            let input = zeroForOne ? pool.mintA : pool.mintB
            let amount: UInt64 = zeroForOne ? 10_000_000_000 : 8_200_000_000
            let q = try pool.quote(amountIn: amount, inputMint: input, context: ctx)
            let classic = try base.quote(amountIn: amount, inputMint: input, context: ctx)
            XCTAssertEqual(q.feeMint, zeroForOne ? pool.mintB : pool.mintA)
            XCTAssertLessThan(q.amountOut, classic.amountOut + classic.amountOut / 1000)
            XCTAssertGreaterThan(q.amountOut, classic.amountOut - classic.amountOut / 1000)
            // fee ≈ 0.04 % of the gross output
            let gross = q.amountOut + q.feeAmount
            XCTAssertLessThanOrEqual(max(q.feeAmount * 2500, gross) - min(q.feeAmount * 2500, gross), gross / 100)
        }
    }

    // swap_v2: a Token-2022 transfer fee is excluded from the input before the swap and from the output after.
    func testToken2022TransferFee() throws {
        let set = try fixtureSet()
        let base = try model(set.accounts)
        var accounts = set.accounts
        let vault1Key = Pubkey("5it83u57VRrVgc51oNV19TTmAJuffPx5GtGwQr7gQNUo")
        var vault1 = accounts[vault1Key]!
        vault1.owner = ProgramIds.token2022
        accounts[vault1Key] = vault1
        // Token-2022 mint for token 1: base mint bytes, account_type 1 @165, TransferFeeConfig TLV (type 1, 108 bytes).
        var mint = ByteWriter([UInt8](repeating: 0, count: 166 + 4 + 108))
        mint.bytes[44] = 6; mint.bytes[45] = 1; mint.bytes[165] = 1
        mint.put(1, at: 166, width: 2); mint.put(108, at: 168, width: 2)
        let v = 170
        mint.put(0, at: v + 72); mint.put(1_000_000_000_000, at: v + 80); mint.put(50, at: v + 88, width: 2)  // older: 0.5 %
        mint.put(500, at: v + 90); mint.put(1_000_000_000_000, at: v + 98); mint.put(100, at: v + 106, width: 2)  // newer (epoch ≥ 500): 1 %
        let mintKey = KnownMints.usdc
        accounts[mintKey] = AccountData(address: mintKey, owner: ProgramIds.token2022, data: mint.bytes)
        let pool = try model(accounts)
        XCTAssertTrue(pool.accountsToWatch().contains(mintKey))
        XCTAssertFalse(pool.accountsToWatch().contains(KnownMints.wsol))
        // TransferFee::calculate_fee: ceil(amount · bps / 10_000), capped at maximum_fee.
        func fee(_ amount: UInt64, bps: UInt64) -> UInt64 { (amount * bps + 9_999) / 10_000 }
        let amountIn: UInt64 = 82_000_000
        let q = try pool.quote(amountIn: amountIn, inputMint: pool.mintB, context: ctx)
        let expected = try base.quote(amountIn: amountIn - fee(amountIn, bps: 100), inputMint: pool.mintB, context: ctx)
        XCTAssertEqual(q.amountOut, expected.amountOut)
        let old = try pool.quote(amountIn: amountIn, inputMint: pool.mintB, context: QuoteContext(now: ctx.now, epoch: 499))
        XCTAssertEqual(old.amountOut, try base.quote(amountIn: amountIn - fee(amountIn, bps: 50), inputMint: pool.mintB, context: ctx).amountOut)
        let out = try base.quote(amountIn: 1_000_000_000, inputMint: pool.mintA, context: ctx).amountOut
        XCTAssertEqual(try pool.quote(amountIn: 1_000_000_000, inputMint: pool.mintA, context: ctx).amountOut, out - fee(out, bps: 100))
        // Without the mint the fee is unknown: missingAccount naming it.
        accounts[mintKey] = nil
        XCTAssertThrowsError(try model(accounts).quote(amountIn: amountIn, inputMint: pool.mintB, context: ctx)) {
            guard case QuoteError.missingAccount(_, let a) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(a, mintKey)
        }
    }

    // 5c. truncation at every length and random bit flips never trap
    func testTruncationAndBitFlipsNeverTrap() throws {
        let set = try fixtureSet()
        let poolAccount = set.accounts[Self.poolKey]!
        let base = try model(set.accounts)
        func exercise(_ a: AccountData) {
            _ = try? AccountRegistry.decode(a)
            if a.address == Self.poolKey, var m = try? AccountRegistry.poolModel(for: a) as? RaydiumClmmPool {
                for k in m.accountsToWatch() { if let d = set.accounts[k] { _ = try? m.apply(d) } }
                for (_, d) in set.accounts { _ = try? m.apply(d) }
                _ = try? m.price(context: ctx)
                for amt: UInt64 in [1, 1_000_000_000, UInt64.max] {
                    _ = try? m.quote(amountIn: amt, inputMint: m.mintA, context: ctx)
                    _ = try? m.quote(amountIn: amt, inputMint: m.mintB, context: ctx)
                }
            } else {
                var m = base
                _ = try? m.apply(a)
                _ = try? m.quote(amountIn: 10_000_000_000, inputMint: m.mintA, context: ctx)
                _ = try? m.quote(amountIn: 8_200_000_000, inputMint: m.mintB, context: ctx)
            }
        }
        for n in 0..<poolAccount.data.count {
            var t = poolAccount
            t.data = Array(t.data.prefix(n))
            XCTAssertThrowsError(try AccountRegistry.decode(t))
            exercise(t)
        }
        var rng = SystemRandomNumberGenerator()
        for (_, a) in set.accounts where a.owner == ProgramIds.raydiumClmm {
            let size = a.data.count
            for n in stride(from: 0, to: size, by: max(1, size / 40)) {
                var t = a
                t.data = Array(t.data.prefix(n))
                exercise(t)
            }
            let flips = a.address == Self.poolKey ? 400 : 40
            for _ in 0..<flips {
                var t = a
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let i = Int.random(in: 0..<size, using: &rng)
                    t.data[i] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
                }
                exercise(t)
            }
        }
        // Targeted corruptions of the fields the math reads.
        for (offset, width) in [(235, 2), (237, 16), (253, 16), (269, 4), (390, 1), (1096, 30), (904, 128)] {
            for pattern: UInt8 in [0x00, 0xFF, 0x80, 0x7F] {
                var t = poolAccount
                for i in offset..<(offset + width) { t.data[i] = pattern }
                exercise(t)
            }
        }
    }
}
