import PoolMath
import SolanaCore

/// The DAMM v1 `Pool` account (Borsh, allocated 1387 bytes).
///
/// ```swift
/// let pool = try MeteoraDammV1PoolState(account)
/// if case .stable(let amp, _, _, _, _) = pool.curve { print(amp) }
/// ```
public struct MeteoraDammV1PoolState: AnchorLayout, Equatable {
    public static let program = "meteora-damm-v1"
    public static let kind = "Pool"
    public static let programId = ProgramIds.meteoraDammV1
    public static let size = 1387
    public static let discriminator = "f19a6d0411b16dbc"

    /// `CurveType` (Borsh enum tag @874).
    public enum Curve: Sendable, Equatable {
        case constantProduct
        case stable(amp: UInt64, tokenAMultiplier: UInt64, tokenBMultiplier: UInt64, precisionFactor: UInt8, depeg: Depeg)
    }
    /// `Depeg`: virtual price of the LST side (token B), refreshed from the stake pool every 10 minutes.
    public struct Depeg: Sendable, Equatable {
        public var baseVirtualPrice: UInt64
        public var baseCacheUpdated: UInt64
        /// 0 None, 1 Marinade, 2 Lido, 3 SplStake.
        public var depegType: UInt8
    }

    public var address: Pubkey
    public var lpMint: Pubkey
    public var tokenAMint: Pubkey
    public var tokenBMint: Pubkey
    public var aVault: Pubkey
    public var bVault: Pubkey
    public var aVaultLp: Pubkey
    public var bVaultLp: Pubkey
    public var aVaultLpBump: UInt8
    public var enabled: Bool
    /// Admin token accounts the protocol share of the trade fee is sent to.
    public var protocolTokenAFee: Pubkey
    public var protocolTokenBFee: Pubkey
    public var tradeFeeNumerator: UInt64
    public var tradeFeeDenominator: UInt64
    public var protocolTradeFeeNumerator: UInt64
    public var protocolTradeFeeDenominator: UInt64
    public var poolType: UInt8
    public var stake: Pubkey
    public var totalLockedLp: UInt64
    public var activationPoint: UInt64
    public var activationType: UInt8
    public var curveTag: UInt8
    public var curve: Curve
    public var lastAmpUpdatedTimestamp: UInt64

    public init(_ a: AccountData) throws {
        try Self.check(a)
        let r = ByteReader(a.data)
        address = a.address
        lpMint = try r.pubkey(8)
        tokenAMint = try r.pubkey(40)
        tokenBMint = try r.pubkey(72)
        aVault = try r.pubkey(104)
        bVault = try r.pubkey(136)
        aVaultLp = try r.pubkey(168)
        bVaultLp = try r.pubkey(200)
        aVaultLpBump = try r.u8(232)
        enabled = try r.bool(233)
        protocolTokenAFee = try r.pubkey(234)
        protocolTokenBFee = try r.pubkey(266)
        tradeFeeNumerator = try r.u64(330)
        tradeFeeDenominator = try r.u64(338)
        protocolTradeFeeNumerator = try r.u64(346)
        protocolTradeFeeDenominator = try r.u64(354)
        poolType = try r.u8(362)
        stake = try r.pubkey(363)
        totalLockedLp = try r.u64(395)
        activationPoint = try r.u64(403)
        activationType = try r.u8(475)
        curveTag = try r.u8(874)
        switch curveTag {
        case 0:
            curve = .constantProduct
            lastAmpUpdatedTimestamp = 0
        case 1:
            curve = .stable(
                amp: try r.u64(875), tokenAMultiplier: try r.u64(883), tokenBMultiplier: try r.u64(891),
                precisionFactor: try r.u8(899),
                depeg: Depeg(
                    baseVirtualPrice: try r.u64(900), baseCacheUpdated: try r.u64(908),
                    depegType: try r.u8(916)))
            lastAmpUpdatedTimestamp = try r.u64(917)
        default:
            throw DecodeError.invalidField(kind: Self.kind, field: "curve_type", reason: "tag \(curveTag) is not 0 or 1")
        }
    }

    public var fields: Fields {
        var f: Fields = [
            ("lp_mint", .pubkey(lpMint)), ("token_a_mint", .pubkey(tokenAMint)), ("token_b_mint", .pubkey(tokenBMint)),
            ("a_vault", .pubkey(aVault)), ("b_vault", .pubkey(bVault)), ("a_vault_lp", .pubkey(aVaultLp)),
            ("b_vault_lp", .pubkey(bVaultLp)), ("a_vault_lp_bump", .u(aVaultLpBump)), ("enabled", .u(enabled ? 1 : 0)),
            ("trade_fee_num", .u(tradeFeeNumerator)), ("trade_fee_den", .u(tradeFeeDenominator)),
            ("protocol_trade_fee_num", .u(protocolTradeFeeNumerator)),
            ("protocol_trade_fee_den", .u(protocolTradeFeeDenominator)), ("pool_type", .u(poolType)),
            ("stake", .pubkey(stake)), ("total_locked_lp", .u(totalLockedLp)),
            ("activation_point", .u(activationPoint)), ("activation_type", .u(activationType)),
            ("curve_tag", .u(curveTag)),
        ]
        if case let .stable(amp, ma, mb, pf, depeg) = curve {
            f += [
                ("amp", .u(amp)), ("token_a_multiplier", .u(ma)), ("token_b_multiplier", .u(mb)),
                ("precision_factor", .u(pf)), ("depeg_base_virtual_price", .u(depeg.baseVirtualPrice)),
                ("depeg_base_cache_updated", .u(depeg.baseCacheUpdated)), ("depeg_type", .u(depeg.depegType)),
                ("last_amp_updated_timestamp", .u(lastAmpUpdatedTimestamp)),
            ]
        }
        return f
    }
}
