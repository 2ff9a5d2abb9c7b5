import Dex
import Foundation
import SolanaCore

/// Entry points shared by the libFuzzer harnesses (`scripts/fuzz.sh`) and the regression tests
/// that replay the saved corpus (`Tests/FuzzTests`). Each takes raw bytes and must never trap.
public enum FuzzTargets {
    static let owners: [Pubkey] = [
        ProgramIds.raydiumAmmV4, ProgramIds.raydiumCpmm, ProgramIds.raydiumClmm, ProgramIds.orcaWhirlpool, ProgramIds.meteoraDlmm,
        ProgramIds.meteoraDammV2, ProgramIds.meteoraDammV1, ProgramIds.meteoraVault, ProgramIds.orcaTokenSwapV2, ProgramIds.pumpSwap,
        ProgramIds.pumpFees, ProgramIds.splToken, ProgramIds.token2022, ProgramIds.marinade,
    ]

    /// Byte 0 picks the owner program, the rest is account data: decode, build a pool model,
    /// apply it, quote both ways and price.
    public static func accountDecoders(_ input: [UInt8]) {
        guard let first = input.first else { return }
        let owner = owners[Int(first) % owners.count]
        let account = AccountData(address: Pubkey(w0: 1, w1: 2, w2: 3, w3: 4), owner: owner, data: Array(input.dropFirst()), slot: 1)
        _ = try? AccountRegistry.decode(account)
        guard var model = try? AccountRegistry.poolModel(for: account) else { return }
        _ = try? model.apply(account)
        for mint in [model.mintA, model.mintB] {
            _ = try? model.quote(amountIn: 1_000_000, inputMint: mint, context: QuoteContext(now: 1_783_355_400))
        }
        _ = try? model.price(context: QuoteContext())
        _ = model.accountsToWatch()
    }

    /// Account files / saved JSON-RPC answers (the `decode` command's input).
    public static func accountFileJSON(_ input: [UInt8]) {
        guard let loaded = try? AccountFile.parse(Data(input), file: "fuzz") else { return }
        for l in loaded { _ = try? AccountRegistry.decode(l.account) }
    }

    /// Registered targets by name (the harness picks one with FUZZ_TARGET).
    public static let all: [String: ([UInt8]) -> Void] = [
        "account-decoders": accountDecoders,
        "account-file-json": accountFileJSON,
    ]
}
