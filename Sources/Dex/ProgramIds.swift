import SolanaCore

/// Program ids of every program whose accounts we decode (dex-layouts.md §1; each appears as
/// the owner of committed fixture accounts or in the program's `declare_id!`).
public enum ProgramIds {
    public static let raydiumAmmV4 = Pubkey("675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8")
    public static let raydiumCpmm = Pubkey("CPMMoo8L3F4NbTegBCKVNunggL7H1ZpdTHKxQB5qKP1C")
    public static let raydiumClmm = Pubkey("CAMMCzo5YL8w4VFF8KVHrK22GGUsp5VTaW7grrKgrWqK")
    public static let orcaWhirlpool = Pubkey("whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc")
    public static let meteoraDlmm = Pubkey("LBUZKhRxPF3XUpBCjp4YzTKgLccjZhTSDM9YuVaPwxo")
    public static let meteoraDammV2 = Pubkey("cpamdpZCGKUy5JxQXB4dcpGPiikHawvSWAd6mEn1sGG")
    public static let meteoraDammV1 = Pubkey("Eo7WjKq67rjJQSZxS6z3YkapzY3eMj6Xy8X5EQVn5UaB")
    public static let meteoraVault = Pubkey("24Uqj9JCLxUeoC3hGfh5W3s9FM9uCHDS2SG3LYwBpyTi")
    public static let orcaTokenSwapV2 = Pubkey("9W959DqEETiGZocYWCQPaJ6sBmUzgfxXfqGeTEdp3aQP")
    public static let lifinityV2 = Pubkey("2wT8Yq49kHgDzXuPxZSaeLaH1qbmGXtEyPy64bL7aD3c")
    public static let pumpSwap = Pubkey("pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA")
    public static let pumpFees = Pubkey("pfeeUxB6jkeY1Hxd7CsFCAjcbHA9rWtchMGdZ6VojVZ")
    public static let splToken = Pubkey("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
    public static let token2022 = Pubkey("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb")
    public static let marinade = Pubkey("MarBmsSgKXdrN1egZf5sqe1TMai9K1rChYNDJgjq7aD")
}

/// Well-known mints (dex-layouts.md §14), used for display symbols only; decimals always
/// come from the mint accounts.
public enum KnownMints {
    public static let wsol = Pubkey("So11111111111111111111111111111111111111112")
    public static let usdc = Pubkey("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v")
    public static let usdt = Pubkey("Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB")
    public static let symbols: [Pubkey: String] = [
        wsol: "SOL", usdc: "USDC", usdt: "USDT",
        Pubkey("mSoLzYCxHdYgdzU16g5QSh3i5K3z3KZK7ytfqcJm7So"): "mSOL",
        Pubkey("J1toso1uCk3RLmjorhTtrVwY9HJ7X8V9yYac6Y7kGCPn"): "JitoSOL",
        Pubkey("JUPyiwrYJFskUPiHa7hkeR8VUtAeFoSYbKedZNsDvCN"): "JUP",
        Pubkey("4k3Dyjzvzp8eMZWUXbBCjEvwSkkk59S5iCNLY3QrkX6R"): "RAY",
        Pubkey("DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263"): "BONK",
        Pubkey("orcaEKTdK7LKz57vaAYr9QeNsVEPfiu6QeMU1kektZE"): "ORCA",
        Pubkey("7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU"): "SAMO",
        Pubkey("EKpQGSJtjMFqKZ9KQanSqYXRcF8fBopzLHYxdM65zcjm"): "WIF",
        Pubkey("pumpCmXqMfrsAkQ5r49WcJnRayYRqmXz6ae8H7H9Dfn"): "PUMP",
    ]
    public static func symbol(_ mint: Pubkey) -> String { symbols[mint] ?? String(mint.base58.prefix(6)) }

    /// Decimals of mints whose mint accounts are in the fixtures (dex-layouts.md §14, "fixture mint
    /// data"); used only when a pool does not store decimals and its mint account was not provided.
    public static let verifiedDecimals: [Pubkey: UInt8] = [
        wsol: 9, usdc: 6, usdt: 6, Pubkey("mSoLzYCxHdYgdzU16g5QSh3i5K3z3KZK7ytfqcJm7So"): 9,
    ]

    /// Decimals from the applied mint account, else the verified table, else "mint … not provided".
    public static func decimals(of mint: Dependent<TokenMint>) throws -> UInt8 {
        if let m = mint.value { return m.decimals }
        if let d = verifiedDecimals[mint.address] { return d }
        return try mint.get().decimals
    }
}
