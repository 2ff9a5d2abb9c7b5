import PoolMath
import SolanaCore

/// A CPMM `AmmConfig` (fee rates per 1,000,000).
public struct RaydiumCpmmAmmConfig: AnchorLayout, Equatable {
    public static let program = "raydium-cpmm"
    public static let kind = "AmmConfig"
    public static let programId = ProgramIds.raydiumCpmm
    public static let size = 236
    public static let discriminator = "daf42168cbcb2b6f"

    public var bump: UInt8, disableCreatePool: Bool, index: UInt16
    public var tradeFeeRate: UInt64, protocolFeeRate: UInt64, fundFeeRate: UInt64, createPoolFee: UInt64
    public var protocolOwner: Pubkey, fundOwner: Pubkey
    public var creatorFeeRate: UInt64

    public init(_ a: AccountData) throws {
        try Self.check(a)
        let r = ByteReader(a.data)
        bump = try r.u8(8); disableCreatePool = try r.bool(9); index = try r.u16(10)
        tradeFeeRate = try r.u64(12); protocolFeeRate = try r.u64(20); fundFeeRate = try r.u64(28); createPoolFee = try r.u64(36)
        protocolOwner = try r.pubkey(44); fundOwner = try r.pubkey(76)
        creatorFeeRate = try r.u64(108)
        // config.rs: rates are validated < FEE_RATE_DENOMINATOR_VALUE on update.
        guard tradeFeeRate < RaydiumCpmmPool.feeDenominator, creatorFeeRate < RaydiumCpmmPool.feeDenominator else {
            throw DecodeError.invalidField(kind: Self.kind, field: "fee rate", reason: "trade \(tradeFeeRate) / creator \(creatorFeeRate) ≥ 1e6")
        }
    }

    public var fields: Fields {
        [
            ("bump", .u(bump)), ("disable_create_pool", .u(disableCreatePool ? 1 : 0)), ("index", .u(index)),
            ("trade_fee_rate", .u(tradeFeeRate)), ("protocol_fee_rate", .u(protocolFeeRate)), ("fund_fee_rate", .u(fundFeeRate)),
            ("create_pool_fee", .u(createPoolFee)), ("protocol_owner", .pubkey(protocolOwner)), ("fund_owner", .pubkey(fundOwner)),
            ("creator_fee_rate", .u(creatorFeeRate)),
        ]
    }
}
