import Dex
import Foundation
import PoolMath
import SolanaCore
import XCTest

/// Meteora DAMM v2 (cp-amm): decoding, pinned quotes (expected.json), properties, robustness.
final class MeteoraDammV2Tests: XCTestCase {
    static let setName = "meteora-damm-v2 WSOL/USDC 8Pm2"
    static let concentrated = Pubkey("8Pm2kZpnxD3hoMmt4bjStX2Pw2Z9abpbHzZxMPqxPmie")
    static let compounding = Pubkey("HybT1fLHfZDjQVnfBdFh9qT8kjPfb6wJCkKkoLZKqunm")
    /// 2026-07-04 (the dumps' date), after both pools' activation points.
    static let context = QuoteContext(now: 1_783_200_000, epoch: 900, slot: 431_000_000)

    /// The set's accounts plus the two mints (DAMM v2 pools carry no decimals; the WSOL/USDC mint
    /// dumps from another fixture folder have the same, immutable, decimals).
    static func accounts() throws -> [Pubkey: AccountData] {
        var accounts = try Fixtures.set(setName).accounts
        for f in [
            "accounts/orca-whirlpool/So11111111111111111111111111111111111111112.json",
            "accounts/orca-whirlpool/EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v.json",
            "accounts/meteora-damm-v2/HybT1fLHfZDjQVnfBdFh9qT8kjPfb6wJCkKkoLZKqunm.json",
        ] {
            let a = try Fixtures.account(f)
            accounts[a.address] = a
        }
        return accounts
    }

    func testEveryPoolFixtureDecodesToExpectedValues() throws {
        try assertFixtureFilesDecode(kind: "meteora-damm-v2/Pool")
    }

    func testPinnedQuotesReproduceToTheUnit() throws {
        let (_, quotes, _) = try Fixtures.set(Self.setName)
        let pool = try SnapshotQuoter.pool(address: Self.concentrated, accounts: try Self.accounts())
        XCTAssertEqual(quotes.count, 2)
        for q in quotes {
            // "1 SOL aToB" / "100 USDC bToA": human amount, symbol, direction.
            let parts = (q["in_"] as! String).split(separator: " ")
            let human = UInt64(parts[0])!, aToB = parts[2] == "aToB"
            let decimals: UInt64 = parts[1] == "SOL" ? 9 : 6
            var amount = human
            for _ in 0..<decimals { amount *= 10 }
            let quote = try pool.quote(amountIn: amount, inputMint: aToB ? pool.mintA : pool.mintB, context: Self.context)
            XCTAssertEqual(quote.amountOut, (q["out"] as! NSNumber).uint64Value, "\(q["in_"]!)")
            XCTAssertNil(quote.partial)
            XCTAssertGreaterThan(quote.feeAmount, 0)
            XCTAssertEqual(quote.feeMint, aToB ? pool.mintB : pool.mintA)  // BothToken: fee on the output
        }
    }

    func testSpotPriceMatchesExpected() throws {
        let (values, _, _) = try Fixtures.set(Self.setName)
        let pool = try SnapshotQuoter.pool(address: Self.concentrated, accounts: try Self.accounts())
        let price = try pool.price(context: Self.context)
        let expected = values["spot_price_b_per_a"] as! String
        XCTAssertEqual(String(price.priceBPerA.decimalString().prefix(32)), String(expected.prefix(32)))
        XCTAssertEqual(price.reserveA, (values["vault_a_amount"] as! NSNumber).uint64Value)
        XCTAssertEqual(price.reserveB, (values["vault_b_amount"] as! NSNumber).uint64Value)
        XCTAssertEqual(price.decimalsA, 9)
        XCTAssertEqual(price.decimalsB, 6)
    }

    /// Vaults are PDAs ["token_vault", mint, pool] of the program (constants.rs seeds, ix_initialize_pool.rs).
    func testVaultPdasReproduce() throws {
        for key in [Self.concentrated, Self.compounding] {
            let s = try MeteoraDammV2PoolState(try Self.accounts()[key]!)
            for (mint, vault) in [(s.tokenAMint, s.tokenAVault), (s.tokenBMint, s.tokenBVault)] {
                let pda = ProgramAddress.find(
                    seeds: [Array("token_vault".utf8), mint.bytes, key.bytes],
                    programId: ProgramIds.meteoraDammV2)
                XCTAssertEqual(pda?.0, vault)
            }
        }
    }

    func testCompoundingPoolQuotesWithDynamicFeeOnTokenB() throws {
        let accounts = try Self.accounts()
        let pool = try SnapshotQuoter.pool(address: Self.compounding, accounts: accounts)
        let s = try MeteoraDammV2PoolState(accounts[Self.compounding]!)
        XCTAssertEqual(s.collectFeeMode, 2)
        // b→a: fee on the input (token B); a→b: fee on the output (token B).
        let bToA = try pool.quote(amountIn: 10_000, inputMint: pool.mintB, context: Self.context)
        XCTAssertEqual(bToA.feeMint, pool.mintB)
        let aToB = try pool.quote(amountIn: 100_000, inputMint: pool.mintA, context: Self.context)
        XCTAssertEqual(aToB.feeMint, pool.mintB)
        // Constant product on the tracked reserves: out < reserve_out, and fee > cliff fee alone (dynamic part).
        XCTAssertLessThan(aToB.amountOut, s.tokenBAmount)
        XCTAssertLessThan(bToA.amountOut, s.tokenAAmount)
        let gross = UInt128(s.tokenBAmount) * 100_000 / UInt128(UInt64(s.tokenAAmount) + 100_000)
        XCTAssertEqual(UInt128(aToB.amountOut + aToB.feeAmount), gross)
        XCTAssertGreaterThan(UInt128(aToB.feeAmount) * 1_000_000_000, gross * UInt128(s.cliffFeeNumerator))
        XCTAssertNil(aToB.partial)
        // Its vaults are not in the fixtures: price still works (reserves unknown).
        let p = try pool.price(context: Self.context)
        XCTAssertNil(p.reserveA)
        XCTAssertEqual(p.priceBPerA, Ratio(s.tokenBAmount, s.tokenAAmount).scaled(byPow10: 3))
    }

    // MARK: Properties

    func testOutputMonotoneAndBoundedAndRoundTripLoses() throws {
        let accounts = try Self.accounts()
        for key in [Self.concentrated, Self.compounding] {
            let pool = try SnapshotQuoter.pool(address: key, accounts: accounts)
            let s = try MeteoraDammV2PoolState(accounts[key]!)
            for aToB in [true, false] {
                let input = aToB ? pool.mintA : pool.mintB
                var last: UInt64 = 0
                var amount: UInt64 = 1
                while amount < 1 << 44 {
                    let q = try pool.quote(amountIn: amount, inputMint: input, context: Self.context)
                    XCTAssertGreaterThanOrEqual(q.amountOut, last, "monotone \(key) \(aToB) \(amount)")
                    last = q.amountOut
                    // Never more than the pool holds on the output side.
                    let bound =
                        key == Self.compounding
                        ? (aToB ? s.tokenBAmount : s.tokenAAmount)
                        : try XCTUnwrap(aToB ? pool.price(context: Self.context).reserveB : pool.price(context: Self.context).reserveA)
                    XCTAssertLessThan(q.amountOut, bound)
                    if q.partial == nil, q.amountOut > 0 {
                        let back = try pool.quote(amountIn: q.amountOut, inputMint: q.outputMint, context: Self.context)
                        XCTAssertLessThanOrEqual(back.amountOut, amount, "round trip \(key) \(amount)")
                    }
                    amount = amount * 3 + 7
                }
            }
        }
    }

    func testPriceRangeExhaustedGivesPartialWithoutMissingAccount() throws {
        let pool = try SnapshotQuoter.pool(address: Self.concentrated, accounts: try Self.accounts())
        let q = try pool.quote(amountIn: 10_000_000_000_000, inputMint: pool.mintA, context: Self.context)
        let partial = try XCTUnwrap(q.partial)
        XCTAssertNil(partial.nextMissingAccount)
        XCTAssertLessThan(partial.filledIn, 10_000_000_000_000)
        XCTAssertGreaterThan(q.amountOut, 0)
        // A bigger order cannot get more than the whole range.
        let q2 = try pool.quote(amountIn: 20_000_000_000_000, inputMint: pool.mintA, context: Self.context)
        XCTAssertEqual(q2.amountOut, q.amountOut)
    }

    func testErrors() throws {
        var accounts = try Self.accounts()
        let pool = try SnapshotQuoter.pool(address: Self.concentrated, accounts: accounts)
        XCTAssertThrowsError(try pool.quote(amountIn: 0, inputMint: pool.mintA, context: Self.context)) {
            XCTAssertEqual($0 as? QuoteError, .zeroAmount)
        }
        XCTAssertThrowsError(try pool.quote(amountIn: 1, inputMint: ProgramIds.splToken, context: Self.context))
        // Before activation (activation_type 1 = timestamp).
        XCTAssertThrowsError(try pool.quote(amountIn: 1_000, inputMint: pool.mintA, context: QuoteContext(now: 1_700_000_000))) {
            guard case .notOpenYet = $0 as? QuoteError else { return XCTFail("\($0)") }
        }
        // Missing mint → missingAccount naming it.
        let mintB = pool.mintB
        accounts[mintB] = nil
        let noMint = try SnapshotQuoter.pool(address: Self.concentrated, accounts: accounts)
        XCTAssertThrowsError(try noMint.quote(amountIn: 1_000, inputMint: noMint.mintA, context: Self.context)) {
            XCTAssertEqual($0 as? QuoteError, .missingAccount(role: "token B mint", address: mintB))
        }
        // Disabled pool (pool_status @481 = 1).
        var data = accounts[Self.concentrated]!
        data.data[481] = 1
        var m = try MeteoraDammV2Pool(pool: data)
        for k in m.accountsToWatch() { if let a = try Self.accounts()[k] { _ = try m.apply(a) } }
        XCTAssertThrowsError(try m.quote(amountIn: 1_000, inputMint: m.mintA, context: Self.context)) {
            guard case .swapDisabled = $0 as? QuoteError else { return XCTFail("\($0)") }
        }
        // A vault account whose mint is not the pool's → invalidAccount, model unchanged.
        var wrong = try Self.accounts()[try MeteoraDammV2PoolState(data).tokenBVault]!
        wrong.address = try MeteoraDammV2PoolState(data).tokenAVault
        XCTAssertThrowsError(try m.apply(wrong)) {
            guard case .invalidAccount = $0 as? QuoteError else { return XCTFail("\($0)") }
        }
    }

    func testTruncatedAndBitFlippedAccountsNeverTrap() throws {
        let accounts = try Self.accounts()
        for key in [Self.concentrated, Self.compounding] {
            let full = accounts[key]!
            for n in 0..<full.data.count {
                var a = full
                a.data = Array(full.data.prefix(n))
                XCTAssertThrowsError(try AccountRegistry.decode(a))
                XCTAssertThrowsError(try MeteoraDammV2Pool(pool: a))
            }
            var rng = SplitMix64(seed: 0xDA33)  // seeded: a failure reproduces
            for _ in 0..<400 {
                var a = full
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let i = Int.random(in: 8..<a.data.count, using: &rng)
                    a.data[i] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
                }
                var acc = accounts
                acc[key] = a
                _ = try? AccountRegistry.decode(a)
                guard let pool = try? SnapshotQuoter.pool(address: key, accounts: acc) else { continue }
                for amount: UInt64 in [1, 1_000_000, 1_000_000_000_000, UInt64.max] {
                    _ = try? pool.quote(amountIn: amount, inputMint: pool.mintA, context: Self.context)
                    _ = try? pool.quote(amountIn: amount, inputMint: pool.mintB, context: Self.context)
                }
                _ = try? pool.price(context: Self.context)
            }
        }
    }
}
