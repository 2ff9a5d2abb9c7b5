import Dex
import Foundation
import PoolMath
import SolanaCore
import XCTest

/// Meteora DAMM v1 (dynamic AMM + dynamic vaults): decoding, reserves (expected.json), quotes and properties.
final class MeteoraDammV1Tests: XCTestCase {
    static let setName = "meteora-damm-v1 stable pool 32D4z"
    static let stablePool = Pubkey("32D4zRxNc1EssbJieVHfPhZM3rH6CzfUPrWUuWxD9prG")
    static let depegPool = Pubkey("HcjZvfeSNJbNkfLD4eEcRBr96AD3w1GpmMppaeRZf7ur")

    /// The dynamic-amm-sdk quote-test accounts (SOL/mSOL Marinade depeg pool) + the WSOL mint.
    static func depegAccounts() throws -> [Pubkey: AccountData] {
        let dir = Fixtures.root.appendingPathComponent("accounts/meteora-damm-v1/sdk-quote-fixtures")
        var out: [Pubkey: AccountData] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where name.hasSuffix(".json") {
            let a = try Fixtures.account("accounts/meteora-damm-v1/sdk-quote-fixtures/" + name)
            out[a.address] = a
        }
        let sol = try Fixtures.account("accounts/orca-whirlpool/So11111111111111111111111111111111111111112.json")
        out[sol.address] = sol
        return out
    }

    /// A clock far (31 days) after both vaults' last_report: all locked profit released.
    static func unlockedContext(_ accounts: [Pubkey: AccountData], pool: Pubkey) throws -> QuoteContext {
        let s = try MeteoraDammV1PoolState(accounts[pool]!)
        let last = max(try MeteoraVault(accounts[s.aVault]!).lastReport, try MeteoraVault(accounts[s.bVault]!).lastReport)
        return QuoteContext(now: Int64(last) + 31 * 86_400)
    }

    func testEveryFixtureOfOurKindsDecodes() throws {
        try assertFixtureFilesDecode(kind: "meteora-damm-v1/Pool")
        try assertFixtureFilesDecode(kind: "meteora-vault/Vault")
        for entry in Fixtures.files(kind: "marinade/State") {
            let a = try Fixtures.account(entry["file"] as! String)
            let d = try AccountRegistry.decode(a)
            XCTAssertEqual(d.kind, "State")
            // msol_price / 2^32 × 1e6 is the depeg virtual price the pool cached (depeg_base_virtual_price).
            XCTAssertEqual(
                try MarinadeState(a).virtualPrice,
                try MeteoraDammV1PoolState(try Self.depegAccounts()[Self.depegPool]!).depegVirtualPrice)
        }
    }

    func testReservesFullyUnlockedMatchExpected() throws {
        let (values, _, accounts) = try Fixtures.set(Self.setName)
        let pool = try SnapshotQuoter.pool(address: Self.stablePool, accounts: accounts) as! MeteoraDammV1Pool
        let ctx = try Self.unlockedContext(accounts, pool: Self.stablePool)
        let (a, b) = try pool.reserves(now: UInt64(ctx.now))
        XCTAssertEqual(a, (values["token_a_amount_fully_unlocked"] as! NSNumber).uint64Value)
        XCTAssertEqual(b, (values["token_b_amount_fully_unlocked"] as! NSNumber).uint64Value)
        let price = try pool.price(context: ctx)
        XCTAssertEqual(price.reserveA, a)
        XCTAssertEqual(price.decimalsA, 6)  // from precision_factor − log10(multiplier): no USDT mint dump
        // A 1:1 stable pool with more B than A: B per A slightly above 1.
        XCTAssertGreaterThan(price.priceBPerA.num, price.priceBPerA.den)
        // Before full unlock, vault A still holds locked profit: less for the pool.
        let vaultA = try MeteoraVault(accounts[try MeteoraDammV1PoolState(accounts[Self.stablePool]!).aVault]!)
        let (early, _) = try pool.reserves(now: vaultA.lastReport)
        XCTAssertLessThan(early, a)
    }

    func testStableAndDepegQuotesAndProperties() throws {
        let stable = try Fixtures.set(Self.setName).accounts
        let depeg = try Self.depegAccounts()
        for (key, accounts) in [(Self.stablePool, stable), (Self.depegPool, depeg)] {
            let pool = try SnapshotQuoter.pool(address: key, accounts: accounts) as! MeteoraDammV1Pool
            let ctx = try Self.unlockedContext(accounts, pool: key)
            let (ra, rb) = try pool.reserves(now: UInt64(ctx.now))
            for aToB in [true, false] {
                let input = aToB ? pool.mintA : pool.mintB
                var last: UInt64 = 0
                var amount: UInt64 = 10
                while amount < (aToB ? ra : rb) / 2 {
                    let q = try pool.quote(amountIn: amount, inputMint: input, context: ctx)
                    XCTAssertGreaterThanOrEqual(q.amountOut, last, "monotone \(key) \(aToB) \(amount)")
                    XCTAssertLessThan(q.amountOut, aToB ? rb : ra, "bounded by reserve")
                    last = q.amountOut
                    if q.amountOut > 10 {
                        let back = try pool.quote(amountIn: q.amountOut, inputMint: q.outputMint, context: ctx)
                        XCTAssertLessThanOrEqual(back.amountOut, amount, "round trip \(key) \(amount)")
                    }
                    amount = amount * 5 + 3
                }
            }
            // Near 1:1 (stable) / near the virtual price (depeg) for a small trade.
            let q = try pool.quote(amountIn: 100_000_000, inputMint: pool.mintA, context: ctx)
            XCTAssertGreaterThan(q.amountOut, key == Self.depegPool ? 80_000_000 : 99_000_000)
            XCTAssertLessThan(q.amountOut, key == Self.depegPool ? 86_000_000 : 101_000_000)
            XCTAssertEqual(q.feeAmount, 10_000)  // 100 / 1_000_000 of the input, in the input mint
        }
    }

    /// The depeg cache expires 10 minutes after base_cache_updated: then the Marinade state is required.
    func testMarinadeStateNeededAfterCacheExpiry() throws {
        var accounts = try Self.depegAccounts()
        let ctx = try Self.unlockedContext(accounts, pool: Self.depegPool)
        accounts[MarinadeState.stateAddress] = nil
        let pool = try SnapshotQuoter.pool(address: Self.depegPool, accounts: accounts)
        XCTAssertThrowsError(try pool.quote(amountIn: 1_000_000, inputMint: pool.mintA, context: ctx)) {
            XCTAssertEqual($0 as? QuoteError, .missingAccount(role: "Marinade state", address: MarinadeState.stateAddress))
        }
    }

    func testErrorsAndMissingAccounts() throws {
        var accounts = try Fixtures.set(Self.setName).accounts
        let ctx = try Self.unlockedContext(accounts, pool: Self.stablePool)
        let pool = try SnapshotQuoter.pool(address: Self.stablePool, accounts: accounts)
        XCTAssertThrowsError(try pool.quote(amountIn: 0, inputMint: pool.mintA, context: ctx)) {
            XCTAssertEqual($0 as? QuoteError, .zeroAmount)
        }
        // Clock before a vault's last_report: the vault math fails, so must we.
        XCTAssertThrowsError(try pool.quote(amountIn: 1_000, inputMint: pool.mintA, context: QuoteContext(now: 1_000)))
        // Missing pool vault-LP token account → missingAccount.
        let s = try MeteoraDammV1PoolState(accounts[Self.stablePool]!)
        accounts[s.bVaultLp] = nil
        let partial = try SnapshotQuoter.pool(address: Self.stablePool, accounts: accounts)
        XCTAssertThrowsError(try partial.quote(amountIn: 1_000, inputMint: partial.mintA, context: ctx)) {
            XCTAssertEqual($0 as? QuoteError, .missingAccount(role: "pool vault-B LP account", address: s.bVaultLp))
        }
        // A vault of another token applied as vault A → invalidAccount.
        var m = try MeteoraDammV1Pool(pool: accounts[Self.stablePool]!)
        var wrong = accounts[s.bVault]!
        wrong.address = s.aVault
        XCTAssertThrowsError(try m.apply(wrong)) {
            guard case .invalidAccount = $0 as? QuoteError else { return XCTFail("\($0)") }
        }
    }

    func testTruncatedAndBitFlippedAccountsNeverTrap() throws {
        var all = try Fixtures.set(Self.setName).accounts
        for (k, v) in try Self.depegAccounts() { all[k] = v }
        for key in [Self.stablePool, Self.depegPool] {
            let full = all[key]!
            for n in 0..<full.data.count {
                var a = full
                a.data = Array(full.data.prefix(n))
                XCTAssertThrowsError(try AccountRegistry.decode(a))
                XCTAssertThrowsError(try MeteoraDammV1Pool(pool: a))
            }
        }
        // Vaults (10 KB) and the Marinade state: a sample of lengths.
        for a in all.values where MeteoraVault.matches(a) || MarinadeState.matches(a) {
            for n in stride(from: 0, to: a.data.count, by: 97) {
                var t = a
                t.data = Array(a.data.prefix(n))
                XCTAssertThrowsError(try AccountRegistry.decode(t))
            }
        }
        var rng = SystemRandomNumberGenerator()
        for key in [Self.stablePool, Self.depegPool] {
            let s = try MeteoraDammV1PoolState(all[key]!)
            let ctx = try Self.unlockedContext(all, pool: key)
            for _ in 0..<300 {
                var acc = all
                // Flip bits in the pool or in one of its vaults.
                let target = [key, s.aVault, s.bVault].randomElement(using: &rng)!
                var a = acc[target]!
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let i = Int.random(in: 8..<min(a.data.count, 1400), using: &rng)
                    a.data[i] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
                }
                acc[target] = a
                _ = try? AccountRegistry.decode(a)
                guard let pool = try? SnapshotQuoter.pool(address: key, accounts: acc) else { continue }
                for amount: UInt64 in [1, 1_000_000, 1_000_000_000_000, UInt64.max] {
                    _ = try? pool.quote(amountIn: amount, inputMint: pool.mintA, context: ctx)
                    _ = try? pool.quote(amountIn: amount, inputMint: pool.mintB, context: ctx)
                }
                _ = try? pool.price(context: ctx)
            }
        }
    }
}

extension MeteoraDammV1PoolState {
    var depegVirtualPrice: UInt64? {
        if case let .stable(_, _, _, _, depeg) = curve { return depeg.baseVirtualPrice }
        return nil
    }
}

/// PDA derivations of the DAMM v1 accounts present in the fixtures.
final class MeteoraDammV1PdaTests: XCTestCase {
    func testVaultAndPoolLpPdasReproduce() throws {
        var all = try Fixtures.set(MeteoraDammV1Tests.setName).accounts
        for (k, v) in try MeteoraDammV1Tests.depegAccounts() { all[k] = v }
        for key in [MeteoraDammV1Tests.stablePool, MeteoraDammV1Tests.depegPool] {
            let s = try MeteoraDammV1PoolState(all[key]!)
            // dynamic-amm: the pool's vault-LP token account is the PDA [vault, pool]; bump stored for A.
            let aLp = ProgramAddress.find(seeds: [s.aVault.bytes, key.bytes], programId: ProgramIds.meteoraDammV1)
            XCTAssertEqual(aLp?.0, s.aVaultLp)
            XCTAssertEqual(aLp?.1, s.aVaultLpBump)
            XCTAssertEqual(
                ProgramAddress.find(seeds: [s.bVault.bytes, key.bytes], programId: ProgramIds.meteoraDammV1)?.0,
                s.bVaultLp)
            for vaultKey in [s.aVault, s.bVault] {
                let v = try MeteoraVault(all[vaultKey]!)
                // dynamic-vault seed.rs: vault = ["vault", token_mint, base], token_vault = ["token_vault", vault].
                XCTAssertEqual(
                    ProgramAddress.find(
                        seeds: [Array("vault".utf8), v.tokenMint.bytes, v.base.bytes],
                        programId: ProgramIds.meteoraVault)?.0, vaultKey)
                XCTAssertEqual(
                    ProgramAddress.find(
                        seeds: [Array("token_vault".utf8), vaultKey.bytes],
                        programId: ProgramIds.meteoraVault)?.0, v.tokenVault)
            }
        }
    }
}
