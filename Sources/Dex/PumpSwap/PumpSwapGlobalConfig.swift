import PoolMath
import SolanaCore

/// PumpSwap `GlobalConfig` (907 B, `ADyA8hde…`): the fees used when no FeeConfig applies.
public struct PumpSwapGlobalConfig: AnchorLayout, Equatable {
    public static let program = "pumpswap"
    public static let kind = "GlobalConfig"
    public static let programId = ProgramIds.pumpSwap
    public static let size = 907
    public static let discriminator = "95089ccaa0fcb0d9"
    public static let address = Pubkey("ADyA8hdefvWN2dbGGWFotbzWxrAvLW83WG6QCVXvJKqw")

    public var admin: Pubkey
    public var lpFeeBasisPoints: UInt64, protocolFeeBasisPoints: UInt64, coinCreatorFeeBasisPoints: UInt64
    public var disableFlags: UInt8
    /// `protocol_fee_recipients[0]` (8 × 32 B @57): the recipient a swap instruction names.
    public var protocolFeeRecipient: Pubkey

    public init(_ a: AccountData) throws {
        try Self.check(a)
        let r = ByteReader(a.data)
        admin = try r.pubkey(8)
        lpFeeBasisPoints = try r.u64(40); protocolFeeBasisPoints = try r.u64(48); disableFlags = try r.u8(56)
        coinCreatorFeeBasisPoints = try r.u64(313)
        protocolFeeRecipient = try r.pubkey(57)
    }

    public var fees: PumpSwapFees {
        PumpSwapFees(lpFeeBps: lpFeeBasisPoints, protocolFeeBps: protocolFeeBasisPoints, creatorFeeBps: coinCreatorFeeBasisPoints)
    }

    public var fields: Fields {
        [
            ("admin", .pubkey(admin)), ("lp_fee_basis_points", .u(lpFeeBasisPoints)), ("protocol_fee_basis_points", .u(protocolFeeBasisPoints)),
            ("disable_flags", .u(disableFlags)), ("coin_creator_fee_basis_points", .u(coinCreatorFeeBasisPoints)),
        ]
    }
}
