import Dex
import PoolMath
import SolanaCore
import XCTest

/// Meteora DLMM: decoders, quotes and prices against `expected.json`, PDAs, properties on the
/// real fixtures, partial fills and robustness against hostile bytes.
final class MeteoraDlmmTests: XCTestCase {
    static let solUsdc = "meteora-dlmm SOL/USDC bin_step=4 5rCf1"
    static let limitOrderSet = "meteora-dlmm 9t3EyC9F"
    static let solUsdcPool = Pubkey("5rCf1DM8LjKTw4YqhnoLcngyZYeNnQqztScTogYHAS6")

    // MARK: 1. decoders

    func testLbPairFilesDecode() throws { try assertFixtureFilesDecode(kind: "meteora-dlmm/LbPair") }
    func testBinArrayFilesDecode() throws { try assertFixtureFilesDecode(kind: "meteora-dlmm/BinArray") }
    func testBitmapExtensionFilesDecode() throws { try assertFixtureFilesDecode(kind: "meteora-dlmm/BinArrayBitmapExtension") }
    func testOracleFilesDecode() throws {
        try assertFixtureFilesDecode(kind: "meteora-dlmm/Oracle")
        for entry in Fixtures.files(kind: "meteora-dlmm/Oracle") {
            let a = try Fixtures.account(entry["file"] as! String)
            XCTAssertEqual(try AccountRegistry.decode(a).kind, "Oracle")
        }
    }

    func testDecoderChecksOwnerSizeDiscriminator() throws {
        let pair = try Fixtures.account("accounts/meteora-dlmm/5rCf1DM8LjKTw4YqhnoLcngyZYeNnQqztScTogYHAS6.json")
        var wrongOwner = pair; wrongOwner.owner = ProgramIds.orcaWhirlpool
        XCTAssertThrowsError(try MeteoraDlmmLbPair(wrongOwner)) { XCTAssertTrue("\($0)".contains("owner")) }
        var short = pair; short.data.removeLast()
        XCTAssertThrowsError(try MeteoraDlmmLbPair(short)) { XCTAssertTrue("\($0)".contains("size")) }
        var disc = pair; disc.data[0] ^= 1
        XCTAssertThrowsError(try MeteoraDlmmLbPair(disc)) { XCTAssertTrue("\($0)".contains("discriminator")) }
    }

    // MARK: 2. quotes and prices

    func testSolUsdcQuotesReproduceToTheUnit() throws {
        let (values, quotes, accounts) = try Fixtures.set(Self.solUsdc)
        let pool = try SnapshotQuoter.pool(address: Self.solUsdcPool, accounts: accounts)
        XCTAssertEqual(quotes.count, 4)
        for q in quotes {
            let amount = (q["in_"] as! NSNumber).uint64Value
            let swapForY = q["swap_for_y"] as! Bool
            let ctx = QuoteContext(now: (q["now"] as! NSNumber).int64Value)
            let quote = try pool.quote(amountIn: amount, inputMint: swapForY ? pool.mintA : pool.mintB, context: ctx)
            XCTAssertNil(quote.partial, "\(amount) \(swapForY)")
            XCTAssertEqual(quote.amountOut, (q["out"] as! NSNumber).uint64Value, "in \(amount) swap_for_y \(swapForY)")
            XCTAssertGreaterThan(quote.feeAmount, 0)
            XCTAssertEqual(quote.feeMint, swapForY ? pool.mintA : pool.mintB)  // collect_fee_mode 0: input
        }
        // Spot price from the active bin's stored Q64.64 price, 10^(9-6).
        let price = try pool.price(context: QuoteContext())
        let expected = values["spot_price_y_per_x_from_active_bin"] as! String
        XCTAssertEqual(price.priceBPerA.decimalString(), expected)
        XCTAssertEqual(price.decimalsA, 9); XCTAssertEqual(price.decimalsB, 6)
        XCTAssertEqual(price.reserveA, (values["reserve_x_amount"] as! NSNumber).uint64Value)
        XCTAssertEqual(price.reserveB, (values["reserve_y_amount"] as! NSNumber).uint64Value)
        // The stored price is what get_price_from_id (u64x64 pow) computes for the active bin.
        let active = values["active_bin"] as! [String: Any]
        let stored = UInt128((active["price_q64"] as! NSNumber).uint64Value)
        XCTAssertEqual(DlmmMath.priceFromId(Int32((values["active_id"] as! NSNumber).intValue), binStep: 4), stored)
    }

    /// Every stored bin price of every fixture array equals `get_price_from_id` (u64x64 pow),
    /// which pins the pow port bit for bit over 5 arrays × 70 bins and two bin steps.
    func testStoredBinPricesMatchPow() throws {
        for (setName, binStep) in [(Self.solUsdc, UInt16(4)), (Self.limitOrderSet, UInt16(10))] {
            let (_, _, accounts) = try Fixtures.set(setName)
            var checked = 0
            for a in accounts.values where MeteoraDlmmBinArray.matches(a) {
                let array = try MeteoraDlmmBinArray(a)
                let range = try XCTUnwrap(array.binRange)
                for (i, bin) in array.bins.enumerated() where bin.price != 0 {
                    XCTAssertEqual(DlmmMath.priceFromId(range.lowerBound + Int32(i), binStep: binStep), bin.price)
                    checked += 1
                }
            }
            XCTAssertGreaterThan(checked, 50, setName)
        }
    }

    /// The SDK fixture pool is CustomizablePermissionless (pair_type 2) with activation_type 0
    /// (slot) and activation_point 448432755. dlmm-sdk `quote.rs::validate_swap_activation`
    /// rejects the quote ("Pair is disabled") while `clock.slot < activation_point` for pair
    /// types 1 and 2, and the SDK's own test (`test_swap_quote_with_limit_order.rs`) warps to
    /// `activation_point + 1` before quoting. So: slot 0 → notOpenYet; at/after the activation
    /// slot the quotes (now = 0 = last_update_timestamp, references unchanged) reproduce.
    func testLimitOrderPoolQuotesReproduceAfterActivation() throws {
        let (values, quotes, accounts) = try Fixtures.set(Self.limitOrderSet)
        let address = try XCTUnwrap(accounts.values.first(where: MeteoraDlmmLbPair.matches)).address
        let pool = try SnapshotQuoter.pool(address: address, accounts: accounts)
        let activation = (values["activation_point"] as! NSNumber).uint64Value
        XCTAssertThrowsError(try pool.quote(amountIn: 1_000_000, inputMint: pool.mintA, context: QuoteContext(now: 0, slot: 0))) {
            guard case QuoteError.notOpenYet = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(quotes.count, 4)
        for q in quotes {
            let amount = (q["in_"] as! NSNumber).uint64Value
            let swapForY = q["swap_for_y"] as! Bool
            for slot in [activation, activation + 1] {
                let ctx = QuoteContext(now: (q["now"] as! NSNumber).int64Value, slot: slot)
                let quote = try pool.quote(amountIn: amount, inputMint: swapForY ? pool.mintA : pool.mintB, context: ctx)
                XCTAssertNil(quote.partial)
                XCTAssertEqual(quote.amountOut, (q["out"] as! NSNumber).uint64Value, "in \(amount) swap_for_y \(swapForY)")
                XCTAssertEqual(quote.feeAmount, (q["fee"] as! NSNumber).uint64Value, "fee, in \(amount) swap_for_y \(swapForY)")
                // collect_fee_mode 1 (OnlyY): the fee is always in Y.
                XCTAssertEqual(quote.feeMint, pool.mintB)
            }
        }
    }

    func testZeroAmountAndDisabledPair() throws {
        var (_, _, accounts) = try Fixtures.set(Self.solUsdc)
        let pool = try SnapshotQuoter.pool(address: Self.solUsdcPool, accounts: accounts)
        XCTAssertThrowsError(try pool.quote(amountIn: 0, inputMint: pool.mintA, context: QuoteContext())) {
            XCTAssertEqual($0 as? QuoteError, .zeroAmount)
        }
        XCTAssertThrowsError(try pool.quote(amountIn: 1, inputMint: ProgramIds.splToken, context: QuoteContext())) {
            XCTAssertEqual($0 as? QuoteError, .mintNotInPool(ProgramIds.splToken))
        }
        accounts[Self.solUsdcPool]!.data[82] = 1  // status @82 = Disabled
        let disabled = try SnapshotQuoter.pool(address: Self.solUsdcPool, accounts: accounts)
        XCTAssertThrowsError(try disabled.quote(amountIn: 1_000_000, inputMint: pool.mintA, context: QuoteContext(now: 1783355400))) {
            guard case QuoteError.swapDisabled = $0 else { return XCTFail("\($0)") }
        }
    }

    // MARK: 3. PDAs

    func testBinArrayAndBitmapExtensionAddressesDerive() throws {
        var checked = 0
        for entry in Fixtures.files(kind: "meteora-dlmm/BinArray") {
            guard let address = entry["address"] as? String else { continue }
            let array = try MeteoraDlmmBinArray(try Fixtures.account(entry["file"] as! String))
            XCTAssertEqual(MeteoraDlmm.binArrayAddress(pool: array.lbPair, index: array.index).base58, address)
            checked += 1
        }
        XCTAssertEqual(checked, 7)
        for entry in Fixtures.files(kind: "meteora-dlmm/BinArrayBitmapExtension") {
            let ext = try MeteoraDlmmBitmapExtension(try Fixtures.account(entry["file"] as! String))
            XCTAssertEqual(MeteoraDlmm.bitmapExtensionAddress(pool: ext.lbPair).base58, entry["address"] as? String)
        }
        // The model watches exactly those addresses around the active bin.
        let (values, _, accounts) = try Fixtures.set(Self.solUsdc)
        let pool = try XCTUnwrap(try SnapshotQuoter.pool(address: Self.solUsdcPool, accounts: accounts) as? MeteoraDlmmPool)
        let watched = Set(pool.accountsToWatch())
        for index in values["bin_array_indexes"] as! [NSNumber] {
            let a = try XCTUnwrap(
                try accounts.values.first { try MeteoraDlmmBinArray.matches($0) && MeteoraDlmmBinArray($0).index == index.int64Value })
            XCTAssertTrue(watched.contains(a.address), "array \(index)")
        }
        XCTAssertTrue(watched.contains(Pubkey("DArpuuqJxNLRGQ8xq5ebZbobyjxSWWsPq8MqSZ2fUZLE")))
        XCTAssertEqual(pool.binArrays.count, 5)
        XCTAssertEqual(pool.watchedArrayIndexes.count, 7)
    }

    // MARK: 4. properties on the real fixtures

    func testOutputMonotoneAndBoundedByLiquidity() throws {
        let (_, _, accounts) = try Fixtures.set(Self.solUsdc)
        let pool = try XCTUnwrap(try SnapshotQuoter.pool(address: Self.solUsdcPool, accounts: accounts) as? MeteoraDlmmPool)
        let ctx = QuoteContext(now: 1783355400)
        // Everything the applied arrays can pay out: MM amounts plus the limit orders a swap in
        // that direction can fill (this pool supports limit orders: function_type 0, no rewards).
        XCTAssertTrue(pool.supportsLimitOrders)
        func held(_ swapForY: Bool) -> UInt64 {
            pool.binArrays.values.reduce(0) { $0 + $1.bins.reduce(0) { $0 + $1.maxAmountOut(swapForY: swapForY, supportLimitOrder: true) } }
        }
        let sumX = held(false), sumY = held(true)
        for swapForY in [true, false] {
            var amounts: [UInt64] = []
            var a: UInt64 = 1
            while a < 100_000_000_000_000 { amounts.append(a); a = a * 3 + 7 }
            amounts += stride(from: UInt64(1_000_000_000), through: 20_000_000_000, by: 997_000_001).map { $0 }
            amounts.sort()
            var prev: UInt64 = 0
            var sawMultiArray = false, sawPartial = false
            for amount in amounts {
                let q = try pool.quote(amountIn: amount, inputMint: swapForY ? pool.mintA : pool.mintB, context: ctx)
                XCTAssertGreaterThanOrEqual(q.amountOut, prev, "amount \(amount) swapForY \(swapForY)")
                prev = q.amountOut
                XCTAssertLessThanOrEqual(q.amountOut, swapForY ? sumY : sumX)
                if q.partial != nil { sawPartial = true }
                if q.amountOut > (swapForY ? 808_663_889_116 : 8_071_288_508_855) { sawMultiArray = true }
            }
            XCTAssertTrue(sawMultiArray, "sweep crosses into another bin array")
            XCTAssertTrue(sawPartial, "sweep runs past the applied arrays")
        }
    }

    func testRoundTripNeverGains() throws {
        for setName in [Self.solUsdc, Self.limitOrderSet] {
            let (_, _, accounts) = try Fixtures.set(setName)
            let address = try XCTUnwrap(accounts.values.first(where: MeteoraDlmmLbPair.matches)).address
            let pool = try SnapshotQuoter.pool(address: address, accounts: accounts)
            let ctx = QuoteContext(now: setName == Self.solUsdc ? 1783355400 : 0, slot: 448432755)
            for amount: UInt64 in [1, 999, 1_000_000, 123_456_789, 5_000_000_000, 77_000_000_000] {
                for aToB in [true, false] {
                    let there = try pool.quote(amountIn: amount, inputMint: aToB ? pool.mintA : pool.mintB, context: ctx)
                    guard there.amountOut > 0, there.partial == nil else { continue }
                    let back = try pool.quote(amountIn: there.amountOut, inputMint: there.outputMint, context: ctx)
                    XCTAssertLessThanOrEqual(back.amountOut, amount, "\(setName) \(amount) aToB \(aToB)")
                }
            }
        }
    }

    /// Token-2022 transfer fees (quote.rs `calculate_transfer_fee_excluded_amount`): the SOL
    /// mint swapped for a Token-2022 mint with a 1% TransferFeeConfig. X in: the pool quotes
    /// `amount − fee(amount)`; X out: the user gets `out − fee(out)`.
    func testToken2022TransferFeeExcludedOnInputAndOutput() throws {
        let (_, _, accounts) = try Fixtures.set(Self.solUsdc)
        let ctx = QuoteContext(now: 1783355400, epoch: 800)
        let plain = try SnapshotQuoter.pool(address: Self.solUsdcPool, accounts: accounts)
        var mint = accounts[KnownMints.wsol]!
        // Base mint (82 B), zero padding to 165, account_type 1 (Mint), TLV type 1 length 108.
        var data = Array(mint.data.prefix(82)) + [UInt8](repeating: 0, count: 165 - 82) + [1]
        data += [1, 0, 108, 0]
        var ext = [UInt8](repeating: 0, count: 108)
        var w = ByteWriter(ext)
        w.put(0, at: 72); w.put(UInt64.max, at: 80); w.put(100, at: 88, width: 2)  // older: epoch 0, 1%
        w.put(0, at: 90); w.put(UInt64.max, at: 98); w.put(100, at: 106, width: 2)  // newer: epoch 0, 1%
        ext = w.bytes
        data += ext
        mint.owner = ProgramIds.token2022; mint.data = data
        let feeMint = try TokenMint(mint)
        XCTAssertEqual(feeMint.transferFee(on: 10_000, epoch: 800), 100)
        var changed = accounts; changed[KnownMints.wsol] = mint
        let taxed = try SnapshotQuoter.pool(address: Self.solUsdcPool, accounts: changed)

        let amount: UInt64 = 1_000_000_000
        let inFee = feeMint.transferFee(on: amount, epoch: ctx.epoch)
        XCTAssertEqual(
            try taxed.quote(amountIn: amount, inputMint: KnownMints.wsol, context: ctx).amountOut,
            try plain.quote(amountIn: amount - inFee, inputMint: KnownMints.wsol, context: ctx).amountOut)
        let usdcIn: UInt64 = 100_000_000
        let rawOut = try plain.quote(amountIn: usdcIn, inputMint: KnownMints.usdc, context: ctx).amountOut
        XCTAssertEqual(
            try taxed.quote(amountIn: usdcIn, inputMint: KnownMints.usdc, context: ctx).amountOut,
            rawOut - feeMint.transferFee(on: rawOut, epoch: ctx.epoch))
    }

    /// When the active bin moves into another array, the watch set follows it.
    func testWatchSetFollowsActiveBin() throws {
        let (_, _, accounts) = try Fixtures.set(Self.solUsdc)
        var pool = try XCTUnwrap(try SnapshotQuoter.pool(address: Self.solUsdcPool, accounts: accounts) as? MeteoraDlmmPool)
        XCTAssertTrue(pool.watchedArrayIndexes.contains(-90))
        var moved = accounts[Self.solUsdcPool]!
        var w = ByteWriter(moved.data); w.put(UInt64(UInt32(bitPattern: -88 * 70 + 5)), at: 76, width: 4); moved.data = w.bytes
        XCTAssertTrue(try pool.apply(moved))
        XCTAssertEqual(pool.pair.activeId, -88 * 70 + 5)
        XCTAssertTrue(pool.watchedArrayIndexes.contains(-88))
        XCTAssertTrue(pool.accountsToWatch().contains(MeteoraDlmm.binArrayAddress(pool: Self.solUsdcPool, index: -85)))
        XCTAssertFalse(pool.watchedArrayIndexes.contains(-92))
    }

    // MARK: 5. partial fills, foreign arrays, hostile bytes

    func testMissingArrayGivesPartialNamingIt() throws {
        var (_, _, accounts) = try Fixtures.set(Self.solUsdc)
        let missing = Pubkey("BQfCpu2aNw3CXe4SQbDHY6goR6kZgSGakDs9yMqh6Bhv")  // index −91, from the fixture
        accounts.removeValue(forKey: missing)
        let pool = try SnapshotQuoter.pool(address: Self.solUsdcPool, accounts: accounts)
        let ctx = QuoteContext(now: 1783355400)
        let q = try pool.quote(amountIn: 20_000_000_000_000, inputMint: pool.mintA, context: ctx)
        let partial = try XCTUnwrap(q.partial)
        XCTAssertEqual(partial.nextMissingAccount, missing)
        XCTAssertLessThan(partial.filledIn, 20_000_000_000_000)
        XCTAssertGreaterThan(partial.filledIn, 0)
        XCTAssertGreaterThan(q.amountOut, 0)
        // Small quotes inside the present array are unaffected.
        XCTAssertNil(try pool.quote(amountIn: 1_000_000_000, inputMint: pool.mintA, context: ctx).partial)

        // With every fixture array, a huge swap runs out past −92 and names array −93.
        let (_, _, all) = try Fixtures.set(Self.solUsdc)
        let full = try SnapshotQuoter.pool(address: Self.solUsdcPool, accounts: all)
        let big = try full.quote(amountIn: 100_000_000_000_000, inputMint: full.mintA, context: ctx)
        XCTAssertEqual(big.partial?.nextMissingAccount, MeteoraDlmm.binArrayAddress(pool: Self.solUsdcPool, index: -93))
    }

    func testForeignOrMisplacedBinArrayIsRejected() throws {
        let (_, _, accounts) = try Fixtures.set(Self.solUsdc)
        var pool = try XCTUnwrap(try SnapshotQuoter.pool(address: Self.solUsdcPool, accounts: accounts) as? MeteoraDlmmPool)
        let foreign = try Fixtures.account("accounts/meteora-dlmm/dlmm-sdk-9t3EyC9F/28BX6QycwTKx3CqswpJQs7hJCmoUs469Qt4maKMdhgmQ.json")
        XCTAssertThrowsError(try pool.apply(foreign)) {
            guard case QuoteError.invalidAccount(_, let address, _) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(address, foreign.address)
        }
        // Array −90 with its index rewritten to −95: the address is not the PDA of −95.
        var misplaced = accounts[Pubkey("EsMdTh8Ce3fdpQoLGhbuqrXKQnZTUQfVpKAbokm6QjYC")]!
        var w = ByteWriter(misplaced.data); w.put(UInt64(bitPattern: -95), at: 8); misplaced.data = w.bytes
        XCTAssertThrowsError(try pool.apply(misplaced)) {
            guard case QuoteError.invalidAccount(_, let address, _) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(address, misplaced.address)
        }
        XCTAssertNil(pool.binArrays[-95])
        XCTAssertEqual(pool.binArrays.count, 5)
        // A bitmap extension of another pool is rejected too.
        var ext = accounts[Pubkey("DArpuuqJxNLRGQ8xq5ebZbobyjxSWWsPq8MqSZ2fUZLE")]!
        ext.data[8] ^= 0xFF
        XCTAssertThrowsError(try pool.apply(ext))
    }

    func testTruncatedAccountsNeverTrap() throws {
        let (_, _, accounts) = try Fixtures.set(Self.solUsdc)
        let pairAccount = accounts[Self.solUsdcPool]!
        var pool = try SnapshotQuoter.pool(address: Self.solUsdcPool, accounts: accounts)
        for n in 0..<pairAccount.data.count {
            var a = pairAccount; a.data = Array(a.data.prefix(n))
            XCTAssertThrowsError(try AccountRegistry.decode(a), "pool truncated to \(n)")
            XCTAssertThrowsError(try pool.apply(a))
        }
        for (_, a) in accounts where a.owner == ProgramIds.meteoraDlmm && a.address != Self.solUsdcPool {
            for n in Array(stride(from: 0, to: a.data.count, by: 97)) + [7, 8, 9, 55, 56, a.data.count - 1] {
                var t = a; t.data = Array(t.data.prefix(n))
                XCTAssertThrowsError(try AccountRegistry.decode(t), "\(a.address) truncated to \(n)")
                _ = try? pool.apply(t)
            }
        }
        // The model is unchanged and still quotes the pinned value.
        XCTAssertEqual(try pool.quote(amountIn: 1_000_000_000, inputMint: pool.mintA, context: QuoteContext(now: 1783355400)).amountOut, 81_732_707)
    }

    func testRandomBitFlipsNeverTrap() throws {
        var rng = DlmmSplitMix64(seed: 0xD1_44)
        for setName in [Self.solUsdc, Self.limitOrderSet] {
            let (_, _, accounts) = try Fixtures.set(setName)
            let pairAddress = try XCTUnwrap(accounts.values.first(where: MeteoraDlmmLbPair.matches)).address
            let dlmmAccounts = accounts.values.filter { $0.owner == ProgramIds.meteoraDlmm }.sorted { $0.address.base58 < $1.address.base58 }
            let ctx = QuoteContext(now: setName == Self.solUsdc ? 1783355400 : 0, slot: 448432755)
            for round in 0..<60 {
                let target = dlmmAccounts[Int(rng.next() % UInt64(dlmmAccounts.count))]
                var flipped = target
                // Flip in the field area (past the discriminator) so the decoders get to read.
                for _ in 0..<(1 + Int(rng.next() % 6)) {
                    let i = 8 + Int(rng.next() % UInt64(flipped.data.count - 8))
                    flipped.data[i] ^= UInt8(1 << (rng.next() % 8))
                }
                _ = try? AccountRegistry.decode(flipped)
                var changed = accounts; changed[target.address] = flipped
                guard let pool = try? SnapshotQuoter.pool(address: pairAddress, accounts: changed) else { continue }
                for amount: UInt64 in [1, 1_000_000, 5_000_000_000, 50_000_000_000_000, .max] {
                    _ = try? pool.quote(amountIn: amount, inputMint: pool.mintA, context: ctx)
                    _ = try? pool.quote(amountIn: amount, inputMint: pool.mintB, context: ctx)
                }
                _ = try? pool.price(context: ctx)
                if round % 10 == 0 { _ = try? pool.quote(amountIn: 1, inputMint: pool.mintA, context: QuoteContext()) }
            }
        }
    }

    /// Hostile values in the fields the swap reads (active id, bin step, fee parameters,
    /// bin prices/amounts) at their extremes: throw or return, never trap.
    func testExtremeFieldValuesNeverTrap() throws {
        let (_, _, accounts) = try Fixtures.set(Self.solUsdc)
        let ctx = QuoteContext(now: 1783355400)
        let pairFields: [(Int, Int)] = [(8, 2), (16, 4), (20, 4), (34, 1), (40, 4), (44, 4), (48, 4), (56, 8), (76, 4), (80, 2)]
        for (offset, width) in pairFields {
            for value: UInt64 in [0, 1, .max, UInt64(bitPattern: Int64(Int32.min)), 0x7FFF_FFFF] {
                var a = accounts[Self.solUsdcPool]!
                var w = ByteWriter(a.data); w.put(value, at: offset, width: width); a.data = w.bytes
                var changed = accounts; changed[a.address] = a
                guard let pool = try? SnapshotQuoter.pool(address: Self.solUsdcPool, accounts: changed) else { continue }
                for amount: UInt64 in [1, 1_000_000_000, .max] {
                    _ = try? pool.quote(amountIn: amount, inputMint: pool.mintA, context: ctx)
                    _ = try? pool.quote(amountIn: amount, inputMint: pool.mintB, context: ctx)
                }
            }
        }
        // Bins of the active array with maximal amounts and prices 1 / max.
        let activeArray = Pubkey("EsMdTh8Ce3fdpQoLGhbuqrXKQnZTUQfVpKAbokm6QjYC")
        for price: UInt128 in [1, .max] {
            var a = accounts[activeArray]!
            var w = ByteWriter(a.data)
            for i in 0..<70 {
                let o = 56 + i * 144
                w.put(.max, at: o); w.put(.max, at: o + 8); w.put128(price, at: o + 16)
            }
            a.data = w.bytes
            var changed = accounts; changed[activeArray] = a
            let pool = try SnapshotQuoter.pool(address: Self.solUsdcPool, accounts: changed)
            for amount: UInt64 in [1, 1_000_000_000, .max] {
                _ = try? pool.quote(amountIn: amount, inputMint: pool.mintA, context: ctx)
                _ = try? pool.quote(amountIn: amount, inputMint: pool.mintB, context: ctx)
            }
        }
    }
}

/// Deterministic generator so failures reproduce.
fileprivate struct DlmmSplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
