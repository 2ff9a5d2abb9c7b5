import Dex
import Foundation
import SolanaCore
import XCTest

/// Real-byte twins of the hand-written Token-2022 transfer-fee tests: the two mainnet mints of the
/// fixtures' pass 2 (p2p-org/solana-swift tests; 300 bps, maximum fees 8,888,888,888,888,889,344 and
/// 50,000,000,000,000) take the place of WSOL in every Token-2022-capable DEX's SOL pool. Each
/// program swaps the input net of the transfer fee and the trader receives the output net of it
/// (spl-token-2022 `TransferFee::calculate_fee`, computed here independently of the code under test).
final class Token2022RealMintTests: XCTestCase {
    static let mintFiles = [
        "accounts/spl-token/solana-swift-t22fee/FZYEgCWzzedxcmxYvGXSkMrj7TaA3bXoaEv6XMnwtLKh.json",
        "accounts/spl-token/solana-swift-t22fee/solana-swift-mint-LPF354.json",
    ]
    /// What the pool account itself says about a Token-2022 side, WSOL being token A (0) here:
    /// CPMM names each side's token program (pool.rs `token_0_program` @232), DAMM v2 keeps a
    /// flag (`token_a_flag` @482, 1 = Token-2022); the others learn it from the vault's owner.
    enum PoolMark { case none, programId(at: Int), flag(at: Int) }

    /// Pools whose programs take Token-2022 mints, each with WSOL as token A.
    static let pools: [(set: String, pool: String, mark: PoolMark)] = [
        ("orca-whirlpool SOL/USDC ts=4 (0.04%) Czfq", "Czfq3xZZDmsdGdUyrNLtRhGc47cXcZtLG4crryfu44zE", .none),
        ("raydium-clmm SOL/USDC 0.04% ts=1 3ucNos4", "3ucNos4NbumPLZNWztqGHNFFgkHeRMBQAVemeeomsUxv", .none),
        ("meteora-dlmm SOL/USDC bin_step=4 5rCf1", "5rCf1DM8LjKTw4YqhnoLcngyZYeNnQqztScTogYHAS6", .none),
        ("meteora-damm-v2 WSOL/USDC 8Pm2", "8Pm2kZpnxD3hoMmt4bjStX2Pw2Z9abpbHzZxMPqxPmie", .flag(at: 482)),
        ("raydium-cpmm WSOL/USDC 7Juw", "7JuwJuNU88gurFnyWeiyGKbFmExMWcmRZntn9imEzdny", .programId(at: 232)),
    ]
    static let wsol = Pubkey("So11111111111111111111111111111111111111112")

    /// SOL and USDC mint accounts (the Whirlpool set's dumps) for sets that do not carry them.
    static func plainMints() throws -> [Pubkey: AccountData] {
        var out: [Pubkey: AccountData] = [:]
        for name in ["So11111111111111111111111111111111111111112", "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"] {
            let a = try Fixtures.account("accounts/orca-whirlpool/\(name).json")
            out[a.address] = a
        }
        return out
    }

    /// spl-token-2022 extension/transfer_fee: the epoch's TransferFee (newer from its epoch on),
    /// fee = min(ceil(amount × bps / 10_000), maximum_fee), 0 for bps 0 or amount 0.
    static func transferFee(_ amount: UInt64, mint: [String: Any], epoch: UInt64) -> UInt64 {
        let config = mint["transfer_fee_config"] as! [String: Any]
        let newer = config["newer_transfer_fee"] as! [String: Any]
        let older = config["older_transfer_fee"] as! [String: Any]
        let fee = epoch >= (newer["epoch"] as! NSNumber).uint64Value ? newer : older
        let bps = (fee["transfer_fee_basis_points"] as! NSNumber).uint64Value
        let maximum = (fee["maximum_fee"] as! NSNumber).uint64Value
        if bps == 0 || amount == 0 { return 0 }
        let raw = (UInt128(amount) * UInt128(bps) + 9_999) / 10_000
        return UInt64(min(raw, UInt128(maximum)))
    }

    /// expected.json's decoded values of the two mints (Python struct decode, not this project's).
    static func expectedMintValues() throws -> [String: [String: Any]] {
        let set = try XCTUnwrap(Fixtures.sets.first { ($0["set"] as! String).hasPrefix("token-2022 transfer-fee mints") })
        return set["values"] as! [String: [String: Any]]
    }

    func testRealTransferFeeMintsTaxBothSidesOfEveryToken2022Dex() throws {
        let expected = try Self.expectedMintValues()
        let ctx = QuoteContext(now: 1_783_175_236, epoch: 997, slot: 431_094_837)
        var checked = 0
        for mintFile in Self.mintFiles {
            let realMint = try Fixtures.account(mintFile)
            let values = try XCTUnwrap(expected[String(mintFile.split(separator: "/").last!)])
            XCTAssertEqual(realMint.owner, ProgramIds.token2022, mintFile)
            for (setName, poolText, mark) in Self.pools {
                var (_, _, plainAccounts) = try Fixtures.set(setName)
                for (key, mint) in try Self.plainMints() where plainAccounts[key] == nil { plainAccounts[key] = mint }
                let poolKey = try Pubkey(base58: poolText)
                let plain = try SnapshotQuoter.pool(address: poolKey, accounts: plainAccounts)
                var taxedAccounts = plainAccounts
                // The real mint's bytes (decimals, extensions) under WSOL's address, as the pool names it.
                taxedAccounts[Self.wsol] = AccountData(address: Self.wsol, owner: realMint.owner, data: realMint.data)
                XCTAssertEqual(plain.mintA, Self.wsol, setName)
                switch mark {
                case .none: break
                case .programId(let at): taxedAccounts[poolKey]?.data.replaceSubrange(at..<at + 32, with: ProgramIds.token2022.bytes)
                case .flag(let at): taxedAccounts[poolKey]?.data[at] = 1
                }
                // On chain a Token-2022 mint's vaults are Token-2022 accounts (same base layout).
                var vaults = 0
                for (key, account) in plainAccounts where account.owner == ProgramIds.splToken && account.data.count == 165 {
                    if Array(account.data[0..<32]) == Self.wsol.bytes {
                        taxedAccounts[key]?.owner = ProgramIds.token2022
                        vaults += 1
                    }
                }
                XCTAssertGreaterThan(vaults, 0, "\(setName): no WSOL vault in the set")
                let taxed = try SnapshotQuoter.pool(address: poolKey, accounts: taxedAccounts)
                XCTAssertTrue(taxed.accountsToWatch().contains(Self.wsol), "\(setName): the Token-2022 mint is watched")
                let other = plain.mintA == Self.wsol ? plain.mintB : plain.mintA
                let label = "\(setName) with \(mintFile.split(separator: "/").last!)"

                // Input side: the pool receives amount − fee(amount).
                for amount: UInt64 in [1_000_000, 1_000_000_000, 25_000_000_000] {
                    let netIn = amount - Self.transferFee(amount, mint: values, epoch: ctx.epoch)
                    let q = try taxed.quote(amountIn: amount, inputMint: Self.wsol, context: ctx)
                    let reference = try plain.quote(amountIn: netIn, inputMint: Self.wsol, context: ctx)
                    XCTAssertEqual(q.amountOut, reference.amountOut, "\(label): \(amount) in")
                    XCTAssertLessThan(netIn, amount, label)
                    checked += 1
                }
                // Output side: the trader receives gross − fee(gross).
                for amount: UInt64 in [1_000_000, 150_000_000] {
                    let gross = try plain.quote(amountIn: amount, inputMint: other, context: ctx).amountOut
                    let q = try taxed.quote(amountIn: amount, inputMint: other, context: ctx)
                    XCTAssertEqual(q.amountOut, gross - Self.transferFee(gross, mint: values, epoch: ctx.epoch), "\(label): \(amount) out")
                    XCTAssertGreaterThan(gross, 0, label)
                    checked += 1
                }
            }
        }
        XCTAssertEqual(checked, Self.mintFiles.count * Self.pools.count * 5)
    }
}
