import Dex
import Foundation
import SolanaCore
import XCTest

/// Builders without a program binary to run them (PumpSwap, Orca token-swap), checked against what is
/// known independently: the account flags of the pump_amm IDL (wngasinur/pumpdotfun-sdk@630840cc
/// src/IDL/pumpswap.json), addresses third parties hard-code (switbit-9/arb_sol pump_amm/constants.rs:
/// event authority GS4CU59F…, global volume accumulator C2aFPdEN…), the fixture accounts themselves
/// (a token-swap pool's vaults are owned by the authority the builder derives; the fee config
/// 5PHirr8j… is a dumped account), and the SPL token-swap `Swap` data layout (tag 1, two u64 LE).
final class SwapInstructionLayoutTests: XCTestCase {
    let user = Pubkey("9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM")

    func loadFolder(_ name: String) throws -> [Pubkey: AccountData] {
        SnapshotQuoter.index(try AccountFile.loadAll(paths: [Fixtures.root.appendingPathComponent("accounts/\(name)").path]))
    }

    func plan(_ pool: any PoolModel, input: Pubkey, _ amount: SwapAmount, _ accounts: [Pubkey: AccountData]) throws -> SwapInstructionPlan {
        try SwapInstructionPlan.build(
            hops: [.init(model: pool, inputMint: input, amount: amount)], user: user, wrapAndUnwrapSol: false, accounts: accounts,
            context: QuoteContext(now: 1_783_355_400))
    }

    /// (signer, writable) per account, as the IDL lists them.
    func flags(_ ix: Instruction) -> [String] { ix.accounts.map { "\($0.isSigner ? "s" : "-")\($0.isWritable ? "w" : "-")" } }

    func testOrcaTokenSwap() throws {
        let accounts = try loadFolder("orca-token-swap-v2")
        let poolAccount = try XCTUnwrap(accounts.values.first { DexRegistry.descriptor(forPool: $0) != nil })
        let pool = try SnapshotQuoter.pool(address: poolAccount.address, accounts: accounts)
        for input in [pool.mintA, pool.mintB] {
            let ix = try XCTUnwrap(try plan(pool, input: input, .exactIn(amountIn: 1_000_000, minimumAmountOut: 7), accounts).swaps.first)
            XCTAssertEqual(ix.programId, Pubkey("9W959DqEETiGZocYWCQPaJ6sBmUzgfxXfqGeTEdp3aQP"))
            XCTAssertEqual(flags(ix), ["--", "--", "s-", "-w", "-w", "-w", "-w", "-w", "-w", "--"])
            XCTAssertEqual(ix.data, [1, 0x40, 0x42, 0x0f, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0])
            XCTAssertEqual(ix.accounts[0].pubkey, pool.address)
            XCTAssertEqual(ix.accounts[2].pubkey, user)
            // The pool's vaults (the fixture dumps) are owned by the authority the builder derived.
            for vault in [ix.accounts[4].pubkey, ix.accounts[5].pubkey] {
                let v = try XCTUnwrap(accounts[vault], "vault \(vault) not in the fixture")
                XCTAssertEqual(Pubkey(bytes: v.data[32..<64]), ix.accounts[1].pubkey)
                XCTAssertEqual(
                    Pubkey(bytes: v.data[0..<32]), vault == ix.accounts[4].pubkey ? input : (input == pool.mintA ? pool.mintB : pool.mintA))
            }
        }
        XCTAssertThrowsError(try plan(pool, input: pool.mintA, .exactOut(amountOut: 1, maximumAmountIn: 2), accounts)) {
            XCTAssertTrue($0 is SwapInstructionError, "\($0)")
        }
    }

    func testPumpSwapSellAndBuy() throws {
        let accounts = try loadFolder("pumpswap")
        let pools = accounts.values.filter { DexRegistry.descriptor(forPool: $0)?.kind.rawValue == "pumpswap" }.sorted { $0.address < $1.address }
        XCTAssertFalse(pools.isEmpty)
        var checked = 0
        for poolAccount in pools {
            let pool = try SnapshotQuoter.pool(address: poolAccount.address, accounts: accounts)
            // mintA = base: base in → sell (21 accounts), quote in → buy_exact_quote_in, exact base out → buy (23).
            let sell = try XCTUnwrap(try plan(pool, input: pool.mintA, .exactIn(amountIn: 5, minimumAmountOut: 3), accounts).swaps.first)
            let common = ["--", "sw", "--", "--", "--", "-w", "-w", "-w", "-w", "--", "-w", "--", "--", "--", "--", "--", "--", "-w", "--"]
            XCTAssertEqual(flags(sell), common + ["--", "--"])
            XCTAssertEqual(Array(sell.data.prefix(8)), Array(SHA256.hash(Array("global:sell".utf8)).prefix(8)))
            XCTAssertEqual(Array(sell.data.dropFirst(8)), [5, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0])
            XCTAssertEqual(sell.accounts[15].pubkey, Pubkey("GS4CU59F31iL7aR2Q8zVS8DRrcRnXX1yjQ66TqNVQnaR"))
            XCTAssertEqual(sell.accounts[19].pubkey, Pubkey("5PHirr8joyTMp9JMm6nW7hNDVyEYdkzDqazxPD7RaTjx"))
            XCTAssertNotNil(accounts[sell.accounts[19].pubkey], "the fee config is a dumped mainnet account")
            XCTAssertEqual(sell.accounts[20].pubkey, Pubkey("pfeeUxB6jkeY1Hxd7CsFCAjcbHA9rWtchMGdZ6VojVZ"))
            XCTAssertEqual(sell.accounts[7].pubkey, Pubkey(bytes: poolAccount.data[139..<171]))  // pool_base_token_account
            let buy = try XCTUnwrap(try plan(pool, input: pool.mintB, .exactOut(amountOut: 9, maximumAmountIn: 11), accounts).swaps.first)
            XCTAssertEqual(flags(buy), common + ["-w", "-w", "--", "--"])
            XCTAssertEqual(Array(buy.data.prefix(8)), [102, 6, 61, 18, 1, 218, 235, 234])  // the IDL's `buy` discriminator
            XCTAssertEqual(Array(buy.data.dropFirst(8)), [9, 0, 0, 0, 0, 0, 0, 0, 11, 0, 0, 0, 0, 0, 0, 0, 0])
            XCTAssertEqual(buy.accounts[19].pubkey, Pubkey("C2aFPdENg4A2HQsmrd5rTw5TaYBX5Ku887cWjbFKtZpw"))
            // The user's base account is the destination of a buy, the source of a sell.
            XCTAssertEqual(buy.accounts[5].pubkey, sell.accounts[5].pubkey)
            XCTAssertThrowsError(try plan(pool, input: pool.mintA, .exactOut(amountOut: 1, maximumAmountIn: 2), accounts))
            checked += 1
        }
        XCTAssertGreaterThan(checked, 0)
    }

    func testRaydiumAmmV4CompactVariant() throws {
        // raydium-amm @27f461d program/src/instruction.rs `SwapBaseInV2` / `SwapBaseOutV2` (tags 16, 17):
        // [] token program, [w] amm, [] authority, [w] coin vault, [w] pc vault, [w] source, [w] destination, [s] user.
        let accounts = try loadFolder("raydium-amm-v4")
        let poolAccount = try XCTUnwrap(accounts.values.first { DexRegistry.descriptor(forPool: $0)?.kind.rawValue == "raydium-amm-v4" })
        let pool = try SnapshotQuoter.pool(address: poolAccount.address, accounts: accounts)
        func build(_ amount: SwapAmount) throws -> Instruction {
            try XCTUnwrap(
                try SwapInstructionPlan.build(
                    hops: [.init(model: pool, inputMint: pool.mintA, amount: amount)], user: user, wrapAndUnwrapSol: false,
                    accounts: accounts, context: QuoteContext(now: 1_783_175_236), compactVariants: true
                ).swaps.first)
        }
        let exactIn = try build(.exactIn(amountIn: 1_000, minimumAmountOut: 2))
        XCTAssertEqual(flags(exactIn), ["--", "-w", "--", "-w", "-w", "-w", "-w", "s-"])
        XCTAssertEqual(exactIn.data, [16, 0xe8, 3, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0])
        // authority = create_program_address(["amm authority", [nonce]]); nonce is AmmInfo u64 @8.
        let nonce = poolAccount.data[8]
        XCTAssertEqual(
            exactIn.accounts[2].pubkey, ProgramAddress.create(seeds: [Array("amm authority".utf8), [nonce]], programId: ProgramIds.raydiumAmmV4))
        XCTAssertEqual(exactIn.accounts[3].pubkey, Pubkey(bytes: poolAccount.data[336..<368]))  // coin vault
        let exactOut = try build(.exactOut(amountOut: 5, maximumAmountIn: 9))
        XCTAssertEqual(exactOut.data, [17, 9, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0])  // max_amount_in, amount_out
    }

    func testTransferHookMintIsRefused() throws {
        // A Token-2022 mint with a TransferHook extension (type 14: authority, program id) → typed error.
        var data = [UInt8](repeating: 0, count: 166)
        data[45] = 1  // is_initialized
        data[165] = 1  // account type: mint
        let hookProgram = try XCTUnwrap(Pubkey(bytes: [UInt8](repeating: 7, count: 32)))
        data += [14, 0, 64, 0] + [UInt8](repeating: 0, count: 32) + hookProgram.bytes
        let mint = AccountData(address: try XCTUnwrap(Pubkey(bytes: [UInt8](repeating: 9, count: 32))), owner: ProgramIds.token2022, data: data)
        XCTAssertThrowsError(try SwapInstructionPlan.tokenProgram(of: mint.address, accounts: [mint.address: mint])) {
            XCTAssertEqual($0 as? SwapInstructionError, .transferHook(mint: mint.address, program: hookProgram))
        }
        // Without a hook program (zero), the mint is fine and named Token-2022.
        var plain = mint
        plain.data = Array(data.prefix(166)) + [14, 0, 64, 0] + [UInt8](repeating: 0, count: 64)
        XCTAssertEqual(try SwapInstructionPlan.tokenProgram(of: plain.address, accounts: [plain.address: plain]), ProgramIds.token2022)
    }

    func testAssociatedTokenAddress() throws {
        let ata = AssociatedTokenAccount.address(wallet: user, mint: KnownMints.usdc, tokenProgram: ProgramIds.splToken)
        // solders 0.29 Pubkey.find_program_address([wallet, token program, mint], ATokenGP…)
        XCTAssertEqual(ata?.base58, "FGETo8T8wMcN2wCjav8VK6eh3dLk63evNDPxzLSJra8B")
    }
}
