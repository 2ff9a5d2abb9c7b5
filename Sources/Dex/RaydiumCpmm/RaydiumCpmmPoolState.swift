import PoolMath
import SolanaCore

/// A CPMM `PoolState`.
public struct RaydiumCpmmPoolState: AnchorLayout, Equatable {
    public static let program = "raydium-cpmm"
    public static let kind = "PoolState"
    public static let programId = ProgramIds.raydiumCpmm
    public static let size = 637
    public static let discriminator = "f7ede3f5d7c3de46"

    public var ammConfig: Pubkey, poolCreator: Pubkey
    public var token0Vault: Pubkey, token1Vault: Pubkey, lpMint: Pubkey
    public var token0Mint: Pubkey, token1Mint: Pubkey
    public var token0Program: Pubkey, token1Program: Pubkey
    public var observationKey: Pubkey
    public var authBump: UInt8, status: UInt8, lpMintDecimals: UInt8, mint0Decimals: UInt8, mint1Decimals: UInt8
    public var lpSupply: UInt64
    public var protocolFeesToken0: UInt64, protocolFeesToken1: UInt64
    public var fundFeesToken0: UInt64, fundFeesToken1: UInt64
    public var openTime: UInt64, recentEpoch: UInt64
    public var creatorFeeOn: UInt8, enableCreatorFee: Bool
    public var creatorFeesToken0: UInt64, creatorFeesToken1: UInt64

    public init(_ a: AccountData) throws {
        try Self.check(a)
        let r = ByteReader(a.data)
        ammConfig = try r.pubkey(8); poolCreator = try r.pubkey(40)
        token0Vault = try r.pubkey(72); token1Vault = try r.pubkey(104); lpMint = try r.pubkey(136)
        token0Mint = try r.pubkey(168); token1Mint = try r.pubkey(200)
        token0Program = try r.pubkey(232); token1Program = try r.pubkey(264)
        observationKey = try r.pubkey(296)
        authBump = try r.u8(328); status = try r.u8(329); lpMintDecimals = try r.u8(330)
        mint0Decimals = try r.u8(331); mint1Decimals = try r.u8(332)
        lpSupply = try r.u64(333)
        protocolFeesToken0 = try r.u64(341); protocolFeesToken1 = try r.u64(349)
        fundFeesToken0 = try r.u64(357); fundFeesToken1 = try r.u64(365)
        openTime = try r.u64(373); recentEpoch = try r.u64(381)
        creatorFeeOn = try r.u8(389); enableCreatorFee = try r.bool(390)
        creatorFeesToken0 = try r.u64(397); creatorFeesToken1 = try r.u64(405)
        guard mint0Decimals <= 30, mint1Decimals <= 30 else {
            throw DecodeError.invalidField(kind: Self.kind, field: "mint decimals", reason: "\(mint0Decimals)/\(mint1Decimals) out of range")
        }
    }

    /// Status bit 2 (value 4) disables swaps (`PoolStatusBitIndex::Swap`).
    public var swapDisabled: Bool { status & 4 != 0 }

    public var fields: Fields {
        [
            ("amm_config", .pubkey(ammConfig)), ("pool_creator", .pubkey(poolCreator)), ("token_0_vault", .pubkey(token0Vault)),
            ("token_1_vault", .pubkey(token1Vault)), ("lp_mint", .pubkey(lpMint)), ("token_0_mint", .pubkey(token0Mint)),
            ("token_1_mint", .pubkey(token1Mint)), ("token_0_program", .pubkey(token0Program)), ("token_1_program", .pubkey(token1Program)),
            ("observation_key", .pubkey(observationKey)), ("auth_bump", .u(authBump)), ("status", .u(status)),
            ("lp_mint_decimals", .u(lpMintDecimals)), ("mint_0_decimals", .u(mint0Decimals)), ("mint_1_decimals", .u(mint1Decimals)),
            ("lp_supply", .u(lpSupply)), ("protocol_fees_token_0", .u(protocolFeesToken0)), ("protocol_fees_token_1", .u(protocolFeesToken1)),
            ("fund_fees_token_0", .u(fundFeesToken0)), ("fund_fees_token_1", .u(fundFeesToken1)), ("open_time", .u(openTime)),
            ("recent_epoch", .u(recentEpoch)), ("creator_fee_on", .u(creatorFeeOn)), ("enable_creator_fee", .u(enableCreatorFee ? 1 : 0)),
            ("creator_fees_token_0", .u(creatorFeesToken0)), ("creator_fees_token_1", .u(creatorFeesToken1)),
        ]
    }
}
