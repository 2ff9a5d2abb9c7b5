import PoolMath
import SolanaCore

/// The `AmmInfo` account of a Raydium AMM v4 pool.
///
/// ```swift
/// let info = try RaydiumAmmV4Info(account)   // checks owner + size + status range
/// info.coinVault, info.swapFeeNumerator
/// ```
public struct RaydiumAmmV4Info: AccountLayout, Equatable {
    public static let program = "raydium-amm-v4"
    public static let kind = "AmmInfo"
    public static let size = 752

    public var status: UInt64
    public var nonce: UInt64
    public var coinDecimals: UInt64
    public var pcDecimals: UInt64
    public var tradeFeeNumerator: UInt64, tradeFeeDenominator: UInt64
    public var swapFeeNumerator: UInt64, swapFeeDenominator: UInt64
    public var needTakePnlCoin: UInt64, needTakePnlPc: UInt64
    public var poolOpenTime: UInt64
    public var coinVault: Pubkey, pcVault: Pubkey
    public var coinMint: Pubkey, pcMint: Pubkey
    public var lpMint: Pubkey, openOrders: Pubkey, market: Pubkey, marketProgram: Pubkey, targetOrders: Pubkey
    public var ammOwner: Pubkey
    public var lpAmount: UInt64
    public var recentEpoch: UInt64

    public static func matches(_ a: AccountData) -> Bool {
        a.owner == ProgramIds.raydiumAmmV4 && a.data.count == size
    }

    public init(_ a: AccountData) throws {
        // No Anchor discriminator: owner + exact size, then `status` must be a known AmmStatus (0…7).
        try LayoutCheck.owner(a, ProgramIds.raydiumAmmV4, kind: Self.kind)
        try LayoutCheck.size(a, exactly: Self.size, kind: Self.kind)
        let r = ByteReader(a.data)
        status = try r.u64(0)
        guard status <= 7 else {
            throw DecodeError.wrongDiscriminator(kind: Self.kind, expected: "status 0…7", got: "status \(status)")
        }
        nonce = try r.u64(8)
        coinDecimals = try r.u64(32)
        pcDecimals = try r.u64(40)
        guard coinDecimals <= 30, pcDecimals <= 30 else {
            throw DecodeError.invalidField(kind: Self.kind, field: "decimals", reason: "\(coinDecimals)/\(pcDecimals) out of range")
        }
        tradeFeeNumerator = try r.u64(144); tradeFeeDenominator = try r.u64(152)
        swapFeeNumerator = try r.u64(176); swapFeeDenominator = try r.u64(184)
        needTakePnlCoin = try r.u64(192); needTakePnlPc = try r.u64(200)
        poolOpenTime = try r.u64(224)
        coinVault = try r.pubkey(336); pcVault = try r.pubkey(368)
        coinMint = try r.pubkey(400); pcMint = try r.pubkey(432)
        lpMint = try r.pubkey(464); openOrders = try r.pubkey(496); market = try r.pubkey(528)
        marketProgram = try r.pubkey(560); targetOrders = try r.pubkey(592)
        ammOwner = try r.pubkey(688)
        lpAmount = try r.u64(720)
        recentEpoch = try r.u64(736)
    }

    /// `AmmStatus::swap_permission`: Initialized, SwapOnly, WaitingTrade.
    public var swapPermitted: Bool { status == 1 || status == 6 || status == 7 }

    public var fields: Fields {
        [
            ("status", .u(status)), ("nonce", .u(nonce)), ("coin_decimals", .u(coinDecimals)), ("pc_decimals", .u(pcDecimals)),
            ("trade_fee_num", .u(tradeFeeNumerator)), ("trade_fee_den", .u(tradeFeeDenominator)),
            ("swap_fee_num", .u(swapFeeNumerator)), ("swap_fee_den", .u(swapFeeDenominator)),
            ("need_take_pnl_coin", .u(needTakePnlCoin)), ("need_take_pnl_pc", .u(needTakePnlPc)),
            ("pool_open_time", .u(poolOpenTime)), ("coin_vault", .pubkey(coinVault)), ("pc_vault", .pubkey(pcVault)),
            ("coin_mint", .pubkey(coinMint)), ("pc_mint", .pubkey(pcMint)), ("lp_mint", .pubkey(lpMint)),
            ("open_orders", .pubkey(openOrders)), ("market", .pubkey(market)), ("market_program", .pubkey(marketProgram)),
            ("target_orders", .pubkey(targetOrders)), ("amm_owner", .pubkey(ammOwner)), ("lp_amount", .u(lpAmount)),
            ("recent_epoch", .u(recentEpoch)),
        ]
    }
}
