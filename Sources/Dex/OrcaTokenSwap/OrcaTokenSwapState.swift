import PoolMath
import SolanaCore

/// The `SwapV1` account of an Orca token-swap v2 pool (324 bytes, version byte 1, no discriminator).
public struct OrcaTokenSwapState: AccountLayout, Equatable {
    public static let program = "orca-token-swap-v2"
    public static let kind = "SwapV1"
    public static let size = 324

    public var version: UInt8, isInitialized: Bool, bumpSeed: UInt8
    public var tokenProgramId: Pubkey, tokenA: Pubkey, tokenB: Pubkey, poolMint: Pubkey
    public var tokenAMint: Pubkey, tokenBMint: Pubkey, poolFeeAccount: Pubkey
    public var tradeFeeNumerator: UInt64, tradeFeeDenominator: UInt64
    public var ownerTradeFeeNumerator: UInt64, ownerTradeFeeDenominator: UInt64
    public var ownerWithdrawFeeNumerator: UInt64, ownerWithdrawFeeDenominator: UInt64
    public var hostFeeNumerator: UInt64, hostFeeDenominator: UInt64
    public var curveType: UInt8

    public static func matches(_ a: AccountData) -> Bool {
        a.owner == ProgramIds.orcaTokenSwapV2 && a.data.count == size && a.data[0] == 1
    }

    public init(_ a: AccountData) throws {
        try LayoutCheck.owner(a, ProgramIds.orcaTokenSwapV2, kind: Self.kind)
        try LayoutCheck.size(a, exactly: Self.size, kind: Self.kind)
        let r = ByteReader(a.data)
        version = try r.u8(0)
        guard version == 1 else { throw DecodeError.wrongDiscriminator(kind: Self.kind, expected: "version 1", got: "version \(version)") }
        isInitialized = try r.bool(1)
        guard isInitialized else { throw DecodeError.invalidField(kind: Self.kind, field: "is_initialized", reason: "pool not initialized") }
        bumpSeed = try r.u8(2)
        tokenProgramId = try r.pubkey(3); tokenA = try r.pubkey(35); tokenB = try r.pubkey(67); poolMint = try r.pubkey(99)
        tokenAMint = try r.pubkey(131); tokenBMint = try r.pubkey(163); poolFeeAccount = try r.pubkey(195)
        tradeFeeNumerator = try r.u64(227); tradeFeeDenominator = try r.u64(235)
        ownerTradeFeeNumerator = try r.u64(243); ownerTradeFeeDenominator = try r.u64(251)
        ownerWithdrawFeeNumerator = try r.u64(259); ownerWithdrawFeeDenominator = try r.u64(267)
        hostFeeNumerator = try r.u64(275); hostFeeDenominator = try r.u64(283)
        curveType = try r.u8(291)
    }

    public var fields: Fields {
        [
            ("version", .u(version)), ("is_initialized", .u(isInitialized ? 1 : 0)), ("bump_seed", .u(bumpSeed)),
            ("token_program_id", .pubkey(tokenProgramId)), ("token_a", .pubkey(tokenA)), ("token_b", .pubkey(tokenB)),
            ("pool_mint", .pubkey(poolMint)), ("token_a_mint", .pubkey(tokenAMint)), ("token_b_mint", .pubkey(tokenBMint)),
            ("pool_fee_account", .pubkey(poolFeeAccount)), ("trade_fee_num", .u(tradeFeeNumerator)), ("trade_fee_den", .u(tradeFeeDenominator)),
            ("owner_trade_fee_num", .u(ownerTradeFeeNumerator)), ("owner_trade_fee_den", .u(ownerTradeFeeDenominator)),
            ("owner_withdraw_fee_num", .u(ownerWithdrawFeeNumerator)), ("owner_withdraw_fee_den", .u(ownerWithdrawFeeDenominator)),
            ("host_fee_num", .u(hostFeeNumerator)), ("host_fee_den", .u(hostFeeDenominator)), ("curve_type", .u(curveType)),
        ]
    }
}
