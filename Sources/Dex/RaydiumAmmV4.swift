import PoolMath
import SolanaCore

// Raydium AMM v4 (`675kPX9M…`), dex-layouts.md §3.
// Source: raydium-io/raydium-amm @27f461dd program/src/state.rs (`AmmInfo`, `Fees`, `StateData`,
// #[repr(C, packed)], 752 bytes, no discriminator), math.rs (`Calculator`), processor.rs (`process_swap_base_in`).

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
        [("status", .u(status)), ("nonce", .u(nonce)), ("coin_decimals", .u(coinDecimals)), ("pc_decimals", .u(pcDecimals)),
         ("trade_fee_num", .u(tradeFeeNumerator)), ("trade_fee_den", .u(tradeFeeDenominator)),
         ("swap_fee_num", .u(swapFeeNumerator)), ("swap_fee_den", .u(swapFeeDenominator)),
         ("need_take_pnl_coin", .u(needTakePnlCoin)), ("need_take_pnl_pc", .u(needTakePnlPc)),
         ("pool_open_time", .u(poolOpenTime)), ("coin_vault", .pubkey(coinVault)), ("pc_vault", .pubkey(pcVault)),
         ("coin_mint", .pubkey(coinMint)), ("pc_mint", .pubkey(pcMint)), ("lp_mint", .pubkey(lpMint)),
         ("open_orders", .pubkey(openOrders)), ("market", .pubkey(market)), ("market_program", .pubkey(marketProgram)),
         ("target_orders", .pubkey(targetOrders)), ("amm_owner", .pubkey(ammOwner)), ("lp_amount", .u(lpAmount)),
         ("recent_epoch", .u(recentEpoch))]
    }
}

/// A Raydium AMM v4 pool: AmmInfo + its two vaults. Reserves are vault amounts minus the
/// PnL not yet taken (`Calculator::calc_total_without_take_pnl_no_orderbook`).
public struct RaydiumAmmV4Pool: PoolModel {
    public static let dex = DexKind.raydiumAmmV4
    public let address: Pubkey
    public private(set) var info: RaydiumAmmV4Info
    var coinVault: Dependent<TokenAccount>
    var pcVault: Dependent<TokenAccount>

    public var mintA: Pubkey { info.coinMint }
    public var mintB: Pubkey { info.pcMint }

    public static func isPool(_ a: AccountData) -> Bool { RaydiumAmmV4Info.matches(a) }

    public init(pool: AccountData) throws {
        address = pool.address
        info = try RaydiumAmmV4Info(pool)
        coinVault = Dependent(address: info.coinVault, role: "coin vault")
        pcVault = Dependent(address: info.pcVault, role: "pc vault")
    }

    public func accountsToWatch() -> [Pubkey] { [info.coinVault, info.pcVault] }

    public mutating func apply(_ a: AccountData) throws -> Bool {
        if a.address == address {
            let next = try RaydiumAmmV4Info(a)
            // Vault addresses are fixed at pool creation; a change means foreign bytes.
            guard next.coinVault == info.coinVault, next.pcVault == info.pcVault else {
                throw QuoteError.invalidAccount(role: "pool", address: address, reason: "vault addresses changed")
            }
            info = next
            return true
        }
        return try coinVault.apply(a) || pcVault.apply(a)
    }

    /// (reserve_coin, reserve_pc) = vault − need_take_pnl.
    public func reserves() throws -> (coin: UInt64, pc: UInt64) {
        let coin = try coinVault.get().amount, pc = try pcVault.get().amount
        guard coin >= info.needTakePnlCoin, pc >= info.needTakePnlPc else {
            throw QuoteError.mathOverflow("reserves: vault amount below need_take_pnl")
        }
        return (coin - info.needTakePnlCoin, pc - info.needTakePnlPc)
    }

    public func price(context: QuoteContext) throws -> PoolPrice {
        let (coin, pc) = try reserves()
        return PoolPrice(mintA: info.coinMint, mintB: info.pcMint, decimalsA: UInt8(info.coinDecimals), decimalsB: UInt8(info.pcDecimals),
                         reserveA: coin, reserveB: pc,
                         priceBPerA: ConstantProduct.spot(reserveIn: coin, reserveOut: pc, decimalsIn: UInt8(info.coinDecimals),
                                                           decimalsOut: UInt8(info.pcDecimals)))
    }

    /// `process_swap_base_in`: fee = ceil(in·num/den) on input, then constant product with floor.
    public func quote(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> Quote {
        let coinToPc = try isAToB(inputMint)
        guard amountIn > 0 else { throw QuoteError.zeroAmount }
        guard info.swapPermitted else { throw QuoteError.swapDisabled("AmmInfo.status \(info.status)") }
        if info.status == 7, context.now >= 0, UInt64(context.now) < info.poolOpenTime {
            throw QuoteError.notOpenYet("pool_open_time \(info.poolOpenTime)")
        }
        let (coin, pc) = try reserves()
        let (rIn, rOut) = coinToPc ? (coin, pc) : (pc, coin)
        guard info.swapFeeDenominator > 0 else { throw QuoteError.mathOverflow("swap_fee_denominator is 0") }
        // math.rs `checked_ceil_div` (current form: q = a/b, +1 if remainder).
        let fee = ceilDiv(UInt128(amountIn) * UInt128(info.swapFeeNumerator), UInt128(info.swapFeeDenominator))
        guard fee <= UInt128(amountIn) else { throw QuoteError.mathOverflow("swap fee exceeds amount") }
        let net = UInt128(amountIn) - fee
        let out = try ConstantProduct.outFloor(reserveIn: rIn, reserveOut: rOut, netIn: net)
        guard out > 0 else { throw QuoteError.zeroOutput }
        guard out < UInt128(rOut) else { throw QuoteError.insufficientLiquidity("output would empty the vault") }
        let decIn = UInt8(coinToPc ? info.coinDecimals : info.pcDecimals), decOut = UInt8(coinToPc ? info.pcDecimals : info.coinDecimals)
        return Quote(pool: address, dex: Self.dex, inputMint: inputMint, outputMint: coinToPc ? info.pcMint : info.coinMint,
                     amountIn: amountIn, amountOut: UInt64(out), feeAmount: UInt64(fee), feeMint: inputMint,
                     priceBefore: ConstantProduct.spot(reserveIn: rIn, reserveOut: rOut, decimalsIn: decIn, decimalsOut: decOut),
                     // The whole amount_in (fee included) lands in the vault and need_take_pnl only moves at the
                     // next take-pnl, so the pool's next spot price reads rIn + amount_in.
                     priceAfter: ConstantProduct.spot(reserveIn: UInt64(clamping: UInt128(rIn) + UInt128(amountIn)), reserveOut: UInt64(UInt128(rOut) - out),
                                                      decimalsIn: decIn, decimalsOut: decOut))
    }
}

func ceilDiv(_ a: UInt128, _ b: UInt128) -> UInt128 {
    let (q, r) = a.quotientAndRemainder(dividingBy: b)
    return r == 0 ? q : q + 1
}

/// Helpers shared by the x·y=k pools (each program keeps its own fee rounding).
public enum ConstantProduct {
    /// floor(r_out · net / (r_in + net)) in U128 (fits: u64 × u64 < 2^128); throws if the result can't be u64.
    public static func outFloor(reserveIn: UInt64, reserveOut: UInt64, netIn: UInt128) throws -> UInt128 {
        guard netIn <= UInt128(UInt64.max) else { throw QuoteError.mathOverflow("net input") }
        let num = UInt128(reserveOut) * netIn
        let den = UInt128(reserveIn) + netIn
        guard den > 0 else { throw QuoteError.insufficientLiquidity("empty pool") }
        return num / den
    }

    /// Spot price out per in, human units: (r_out / 10^d_out) / (r_in / 10^d_in).
    public static func spot(reserveIn: UInt64, reserveOut: UInt64, decimalsIn: UInt8, decimalsOut: UInt8) -> Ratio {
        Ratio(reserveOut, reserveIn).scaled(byPow10: Int(decimalsIn) - Int(decimalsOut))
    }
}
