import PoolMath
import SolanaCore

/// A PumpSwap `Pool` (IDL 245 B; mainnet accounts are allocated 300 B; older pools end after lp_supply).
public struct PumpSwapPoolState: AccountLayout, Equatable {
    public static let program = "pumpswap"
    public static let kind = "Pool"
    public static let discriminator = "f19a6d0411b16dbc"
    public static let minimumSize = 211

    public var poolBump: UInt8, index: UInt16
    public var creator: Pubkey, baseMint: Pubkey, quoteMint: Pubkey, lpMint: Pubkey
    public var poolBaseTokenAccount: Pubkey, poolQuoteTokenAccount: Pubkey
    public var lpSupply: UInt64
    public var coinCreator: Pubkey
    public var isMayhemMode: Bool, isCashbackCoin: Bool

    public static func matches(_ a: AccountData) -> Bool {
        a.owner == ProgramIds.pumpSwap && a.data.count >= minimumSize && LayoutCheck.hasDiscriminator(a, discriminator)
    }

    public init(_ a: AccountData) throws {
        try LayoutCheck.anchor(a, owner: ProgramIds.pumpSwap, size: Self.minimumSize, atLeast: true, disc: Self.discriminator, kind: Self.kind)
        let r = ByteReader(a.data)
        poolBump = try r.u8(8); index = try r.u16(9)
        creator = try r.pubkey(11); baseMint = try r.pubkey(43); quoteMint = try r.pubkey(75); lpMint = try r.pubkey(107)
        poolBaseTokenAccount = try r.pubkey(139); poolQuoteTokenAccount = try r.pubkey(171)
        lpSupply = try r.u64(203)
        coinCreator = a.data.count >= 243 ? try r.pubkey(211) : .zero
        isMayhemMode = a.data.count >= 244 ? try r.bool(243) : false
        isCashbackCoin = a.data.count >= 245 ? try r.bool(244) : false
    }

    public var fields: Fields {
        [
            ("pool_bump", .u(poolBump)), ("index", .u(index)), ("creator", .pubkey(creator)), ("base_mint", .pubkey(baseMint)),
            ("quote_mint", .pubkey(quoteMint)), ("lp_mint", .pubkey(lpMint)), ("pool_base_token_account", .pubkey(poolBaseTokenAccount)),
            ("pool_quote_token_account", .pubkey(poolQuoteTokenAccount)), ("lp_supply", .u(lpSupply)), ("coin_creator", .pubkey(coinCreator)),
            ("is_mayhem_mode", .u(isMayhemMode ? 1 : 0)), ("is_cashback_coin", .u(isCashbackCoin ? 1 : 0)),
        ]
    }
}
