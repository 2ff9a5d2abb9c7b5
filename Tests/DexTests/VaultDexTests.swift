@testable import Dex
import PoolMath
import SolanaCore
import XCTest

/// Decoders and exact quotes of the vault-reserve DEXes against the fixtures' expected.json
/// (values pinned by third parties where `external_pin` is set).
final class VaultDexTests: XCTestCase {
    let sol = KnownMints.wsol, usdc = KnownMints.usdc

    func testEveryFixtureFileOfTheseProgramsDecodes() throws {
        for kind in [
            "spl-token-account", "spl-mint", "raydium-amm-v4/AmmInfo", "raydium-cpmm/PoolState", "raydium-cpmm/AmmConfig",
            "raydium-cpmm/ObservationState", "orca-token-swap-v2/SwapV1", "pumpswap/Pool", "pumpswap/GlobalConfig",
            "pump-fees/FeeConfig",
        ] {
            try assertFixtureFilesDecode(kind: kind)
        }
    }

    func quote(_ accounts: [Pubkey: AccountData], pool: String, input: Pubkey, amount: UInt64, now: Int64 = 1_783_355_400) throws -> Quote {
        let model = try SnapshotQuoter.pool(address: try Pubkey(base58: pool), accounts: accounts)
        return try model.quote(amountIn: amount, inputMint: input, context: QuoteContext(now: now))
    }

    func testRaydiumAmmV4SetReservesPriceAndQuotes() throws {
        let set = try Fixtures.set("raydium-amm-v4")
        let pool = try SnapshotQuoter.pool(address: try Pubkey(base58: "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2"), accounts: set.accounts)
        let p = try pool.price(context: QuoteContext())
        XCTAssertEqual(p.reserveA.map { String($0) }, Fixtures.text(set.values["reserve_coin"]!))
        XCTAssertEqual(p.reserveB.map { String($0) }, Fixtures.text(set.values["reserve_pc"]!))
        XCTAssertEqual(p.priceBPerA.decimalString(), set.values["spot_price_pc_per_coin"] as? String)
        // Quotes: "1 SOL (1e9) coin->pc", "1 USDC (1e6) pc->coin", "1000 SOL coin->pc".
        let cases: [(Pubkey, UInt64)] = [(sol, 1_000_000_000), (usdc, 1_000_000), (sol, 1_000_000_000_000)]
        XCTAssertEqual(set.quotes.count, cases.count)
        for (q, (input, amount)) in zip(set.quotes, cases) {
            XCTAssertEqual(
                String(try quote(set.accounts, pool: "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2", input: input, amount: amount).amountOut),
                Fixtures.text(q["out"]!), "\(q["in_"]!)")
        }
    }

    func testRaydiumCpmmSetReservesPriceAndQuotes() throws {
        let set = try Fixtures.set("raydium-cpmm")
        let address = "7JuwJuNU88gurFnyWeiyGKbFmExMWcmRZntn9imEzdny"
        let pool = try SnapshotQuoter.pool(address: try Pubkey(base58: address), accounts: set.accounts)
        let p = try pool.price(context: QuoteContext())
        XCTAssertEqual(p.reserveA.map { String($0) }, Fixtures.text(set.values["reserve_0"]!))
        XCTAssertEqual(p.reserveB.map { String($0) }, Fixtures.text(set.values["reserve_1"]!))
        XCTAssertEqual(p.priceBPerA.decimalString(), set.values["spot_price_1_per_0"] as? String)
        let cases: [(Pubkey, UInt64)] = [(sol, 1_000_000), (usdc, 1_000_000), (sol, 1_000_000_000)]
        for (q, (input, amount)) in zip(set.quotes, cases) {
            XCTAssertEqual(
                String(try quote(set.accounts, pool: address, input: input, amount: amount).amountOut), Fixtures.text(q["out"]!), "\(q["in_"]!)")
        }
    }

    func testCpmmRejectsSwapsBeforeOpenTime() throws {
        let set = try Fixtures.set("raydium-cpmm")
        XCTAssertThrowsError(
            try quote(set.accounts, pool: "7JuwJuNU88gurFnyWeiyGKbFmExMWcmRZntn9imEzdny", input: sol, amount: 1_000_000, now: 1_715_746_442)
        ) {
            guard case QuoteError.notOpenYet = $0 else { return XCTFail("\($0)") }
        }
    }

    func testOrcaTokenSwapSetQuotes() throws {
        let set = try Fixtures.set("orca-token-swap-v2")
        let address = "EGZ7tiLeH62TPV1gL8WwbXGzEPa9zmcpVnnkPKKnrE2U"
        let pool = try SnapshotQuoter.pool(address: try Pubkey(base58: address), accounts: set.accounts)
        let p = try pool.price(context: QuoteContext())
        XCTAssertEqual(p.reserveA.map { String($0) }, Fixtures.text(set.values["reserve_a"]!))
        XCTAssertEqual(p.reserveB.map { String($0) }, Fixtures.text(set.values["reserve_b"]!))
        XCTAssertEqual(p.priceBPerA.decimalString(), set.values["spot_price_b_per_a"] as? String)
        for q in set.quotes {
            let amount = UInt64(Fixtures.text(q["in_"]!))!
            XCTAssertEqual(String(try quote(set.accounts, pool: address, input: sol, amount: amount).amountOut), Fixtures.text(q["out"]!))
        }
    }

    func testPumpSwapSetsReserves() throws {
        for (name, address) in [
            ("pumpswap pool 2uF4Xh61", "2uF4Xh61rDwxnG9woyxsVQP7zuA6kLFpb3NvnRQeoiSd"),
            ("pumpswap pool GseMAnND", "GseMAnNDvntR5uFePZ51yZBXzNSn7GdFPkfHwfr6d77J"),
        ] {
            let set = try Fixtures.set(name)
            var accounts = set.accounts
            // Mints live beside the set in the same folder.
            for m in [
                "pumpCmXqMfrsAkQ5r49WcJnRayYRqmXz6ae8H7H9Dfn", "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
                "7LSsEoJGhLeZzGvDofTdNg7M3JttxQqGWNLo6vWMpump", "So11111111111111111111111111111111111111112",
                "ADyA8hdefvWN2dbGGWFotbzWxrAvLW83WG6QCVXvJKqw", "5PHirr8joyTMp9JMm6nW7hNDVyEYdkzDqazxPD7RaTjx",
            ] {
                let a = try Fixtures.account("accounts/pumpswap/\(m).json"); accounts[a.address] = a
            }
            let pool = try SnapshotQuoter.pool(address: try Pubkey(base58: address), accounts: accounts)
            let p = try pool.price(context: QuoteContext())
            XCTAssertEqual(p.mintA.base58, set.values["base_mint"] as? String)
            XCTAssertEqual(p.mintB.base58, set.values["quote_mint"] as? String)
            XCTAssertEqual(p.reserveA.map { String($0) }, Fixtures.text(set.values["base_reserve"]!))
            XCTAssertEqual(p.reserveB.map { String($0) }, Fixtures.text(set.values["quote_reserve"]!))
            // Both directions quote, and a round trip never returns more than was put in.
            let q1 = try pool.quote(amountIn: 1_000_000_000, inputMint: p.mintB, context: QuoteContext())
            let q2 = try pool.quote(amountIn: q1.amountOut, inputMint: p.mintA, context: QuoteContext())
            XCTAssertLessThan(q2.amountOut, 1_000_000_000)
        }
    }

    func testPumpFeeConfigIsThePdaOfTheFeeProgram() {
        XCTAssertEqual(PumpFeeConfig.pdaAddress?.base58, "5PHirr8joyTMp9JMm6nW7hNDVyEYdkzDqazxPD7RaTjx")
    }

    func testMissingVaultIsNamed() throws {
        var set = try Fixtures.set("raydium-amm-v4")
        set.accounts.removeValue(forKey: try Pubkey(base58: "HLmqeL62xR1QoZ1HKKbXRrdN1p3phKpxRMb2VVopvBBz"))
        XCTAssertThrowsError(try quote(set.accounts, pool: "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2", input: sol, amount: 1_000_000_000)) {
            XCTAssertEqual("\($0)", "pc vault HLmqeL62xR1QoZ1HKKbXRrdN1p3phKpxRMb2VVopvBBz not provided")
        }
    }

    /// Round trips and monotonicity on every vault-reserve pool.
    func testPropertiesOnRealPools() throws {
        let pools: [(String, String, Pubkey)] = [
            ("raydium-amm-v4", "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2", sol),
            ("raydium-cpmm", "7JuwJuNU88gurFnyWeiyGKbFmExMWcmRZntn9imEzdny", sol),
            ("orca-token-swap-v2", "EGZ7tiLeH62TPV1gL8WwbXGzEPa9zmcpVnnkPKKnrE2U", sol),
        ]
        for (setName, address, input) in pools {
            let set = try Fixtures.set(setName)
            let pool = try SnapshotQuoter.pool(address: try Pubkey(base58: address), accounts: set.accounts)
            let other = pool.mintA == input ? pool.mintB : pool.mintA
            var last: UInt64 = 0
            var amount: UInt64 = 1_000
            while amount < 1_000_000_000_000 {
                let q = try pool.quote(amountIn: amount, inputMint: input, context: QuoteContext(now: 1_783_355_400))
                XCTAssertGreaterThanOrEqual(q.amountOut, last, "\(setName) monotone at \(amount)")
                last = q.amountOut
                let back = try? pool.quote(amountIn: q.amountOut, inputMint: other, context: QuoteContext(now: 1_783_355_400))
                if let back { XCTAssertLessThan(back.amountOut, amount, "\(setName) round trip at \(amount)") }
                amount = amount * 7 / 2
            }
        }
    }

    // MARK: Token-2022 transfer fee

    /// A Token-2022 mint with a TransferFeeConfig extension, built from the layout
    /// (token-2022 extension/transfer_fee/mod.rs): base mint, padding to 165, account_type 1, TLV.
    static func feeMint(address: Pubkey, decimals: UInt8, bps: UInt16, maxFee: UInt64, newerEpoch: UInt64 = 0, olderBps: UInt16 = 0) -> AccountData {
        var w = ByteWriter([UInt8](repeating: 0, count: 166 + 4 + 108))
        w.put(1_000_000_000, at: 36)  // supply
        w.bytes[44] = decimals
        w.bytes[45] = 1  // initialized
        w.bytes[165] = 1  // AccountType::Mint
        w.put(1, at: 166, width: 2)  // ExtensionType::TransferFeeConfig
        w.put(108, at: 168, width: 2)
        let v = 170
        w.put(5, at: v + 64)  // withheld
        w.put(0, at: v + 72); w.put(maxFee, at: v + 80); w.put(UInt64(olderBps), at: v + 88, width: 2)  // older
        w.put(newerEpoch, at: v + 90); w.put(maxFee, at: v + 98); w.put(UInt64(bps), at: v + 106, width: 2)  // newer
        return AccountData(address: address, owner: ProgramIds.token2022, data: w.bytes)
    }

    func testTransferFeeMintDecodes() throws {
        let mint = try TokenMint(Self.feeMint(address: usdc, decimals: 6, bps: 150, maxFee: 5_000, newerEpoch: 900, olderBps: 20))
        XCTAssertEqual(mint.decimals, 6)
        XCTAssertEqual(mint.transferFeeConfig?.newerTransferFee.basisPoints, 150)
        XCTAssertEqual(mint.transferFee(on: 100_000, epoch: 900), 1_500)  // ceil(100000·150/10000)
        XCTAssertEqual(mint.transferFee(on: 1_000_000, epoch: 900), 5_000)  // capped at maximum_fee
        XCTAssertEqual(mint.transferFee(on: 100_000, epoch: 899), 200)  // older fee before the newer epoch
        XCTAssertEqual(mint.transferFee(on: 1, epoch: 900), 1)  // ceil
    }

    /// A CPMM pool whose token 1 is Token-2022 with a 1 % transfer fee: the input is reduced by the
    /// fee before the curve, and the output is reduced by the fee after (swap_base_input.rs).
    func testTransferFeeChangesCpmmQuoteAsTheProgramWould() throws {
        var set = try Fixtures.set("raydium-cpmm")
        let address = try Pubkey(base58: "7JuwJuNU88gurFnyWeiyGKbFmExMWcmRZntn9imEzdny")
        let baseline = try SnapshotQuoter.pool(address: address, accounts: set.accounts)
        var poolBytes = ByteWriter(set.accounts[address]!.data)
        poolBytes.put(ProgramIds.token2022, at: 264)  // token_1_program
        set.accounts[address]!.data = poolBytes.bytes
        let ctx = QuoteContext(now: 1_783_355_400, epoch: 1_000)
        // Without the mint account the quote must say it is needed.
        XCTAssertThrowsError(
            try SnapshotQuoter.pool(address: address, accounts: set.accounts).quote(amountIn: 1_000_000, inputMint: usdc, context: ctx)
        ) {
            XCTAssertEqual("\($0)", "mint \(self.usdc) not provided")
        }
        set.accounts[usdc] = Self.feeMint(address: usdc, decimals: 6, bps: 100, maxFee: 1_000_000_000)
        let withFee = try SnapshotQuoter.pool(address: address, accounts: set.accounts)
        // Input side: 1e6 in → 10,000 withheld → the curve sees 990,000.
        XCTAssertEqual(
            try withFee.quote(amountIn: 1_000_000, inputMint: usdc, context: ctx).amountOut,
            try baseline.quote(amountIn: 990_000, inputMint: usdc, context: ctx).amountOut)
        // Output side: the user receives out − ceil(out·1%).
        let gross = try baseline.quote(amountIn: 1_000_000, inputMint: sol, context: ctx).amountOut
        XCTAssertEqual(try withFee.quote(amountIn: 1_000_000, inputMint: sol, context: ctx).amountOut, gross - (gross * 100 + 9_999) / 10_000)
    }
}

extension VaultDexTests {
    /// Every tiny amount both ways on both PumpSwap pools: a result or a typed error, never a trap
    /// (found by the arbitrage size search: fee ceilings larger than a 2-unit input).
    func testPumpSwapTinyAmountsNeverTrap() throws {
        for name in ["pumpswap pool 2uF4Xh61", "pumpswap pool GseMAnND"] {
            let set = try Fixtures.set(name)
            var accounts = set.accounts
            for m in ["ADyA8hdefvWN2dbGGWFotbzWxrAvLW83WG6QCVXvJKqw", "5PHirr8joyTMp9JMm6nW7hNDVyEYdkzDqazxPD7RaTjx"] {
                let a = try Fixtures.account("accounts/pumpswap/\(m).json"); accounts[a.address] = a
            }
            let pool = try SnapshotQuoter.pool(
                address: set.accounts.keys.first { set.accounts[$0]!.owner == ProgramIds.pumpSwap }!, accounts: accounts)
            for amount in UInt64(1)...200 {
                for mint in [pool.mintA, pool.mintB] {
                    do { _ = try pool.quote(amountIn: amount, inputMint: mint, context: QuoteContext()) } catch is QuoteError {}
                }
            }
        }
    }
}
