import PoolMath
import SolanaCore

// Raydium AMM v4 (`675kPX9M…`), dex-layouts.md §3.
// Source: raydium-io/raydium-amm @27f461dd program/src/state.rs (`AmmInfo`, `Fees`, `StateData`,
// #[repr(C, packed)], 752 bytes, no discriminator), math.rs (`Calculator`), processor.rs (`process_swap_base_in`).

/// A Raydium AMM v4 pool: AmmInfo + its two vaults. Reserves are vault amounts minus the
/// PnL not yet taken (`Calculator::calc_total_without_take_pnl_no_orderbook`).
public struct RaydiumAmmV4Pool: PoolModel {
    /// Fixed fee rates in its accounts (no time-based fee): rate bounds may discount the fee.
    public var tradeFeeIsConstantOverTime: Bool { true }
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
        return PoolPrice(
            mintA: info.coinMint, mintB: info.pcMint, decimalsA: UInt8(info.coinDecimals), decimalsB: UInt8(info.pcDecimals),
            reserveA: coin, reserveB: pc,
            priceBPerA: ConstantProductCurve.spot(
                reserveIn: coin, reserveOut: pc, decimalsIn: UInt8(info.coinDecimals),
                decimalsOut: UInt8(info.pcDecimals)))
    }

    /// The (input, output) reserves, once the status and open time allow a swap.
    func sides(_ coinToPc: Bool, _ context: QuoteContext) throws -> (rIn: UInt64, rOut: UInt64) {
        guard info.swapPermitted else { throw QuoteError.swapDisabled("AmmInfo.status \(info.status)") }
        if info.status == 7, context.now >= 0, UInt64(context.now) < info.poolOpenTime {
            throw QuoteError.notOpenYet("pool_open_time \(info.poolOpenTime)")
        }
        let (coin, pc) = try reserves()
        return coinToPc ? (coin, pc) : (pc, coin)
    }

    /// `process_swap_base_in`: fee = ceil(in·num/den) on input, then constant product with floor.
    public func quote(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> Quote {
        let coinToPc = try isAToB(inputMint)
        guard amountIn > 0 else { throw QuoteError.zeroAmount }
        let (rIn, rOut) = try sides(coinToPc, context)
        guard info.swapFeeDenominator > 0 else { throw QuoteError.mathOverflow("swap_fee_denominator is 0") }
        // math.rs `checked_ceil_div` (current form: q = a/b, +1 if remainder).
        let fee = ConstantProductCurve.ceilDiv(UInt128(amountIn) * UInt128(info.swapFeeNumerator), UInt128(info.swapFeeDenominator))
        guard fee <= UInt128(amountIn) else { throw QuoteError.mathOverflow("swap fee exceeds amount") }
        let net = UInt128(amountIn) - fee
        guard let out = ConstantProductCurve.outFloor(reserveIn: rIn, reserveOut: rOut, netIn: net) else {
            throw QuoteError.insufficientLiquidity("empty pool")
        }
        guard out > 0 else { throw QuoteError.zeroOutput }
        guard out < UInt128(rOut) else { throw QuoteError.insufficientLiquidity("output would empty the vault") }
        let decIn = UInt8(coinToPc ? info.coinDecimals : info.pcDecimals), decOut = UInt8(coinToPc ? info.pcDecimals : info.coinDecimals)
        return Quote(
            pool: address, dex: Self.dex, inputMint: inputMint, outputMint: coinToPc ? info.pcMint : info.coinMint,
            amountIn: amountIn, amountOut: UInt64(out), feeAmount: UInt64(fee), feeMint: inputMint,
            priceBefore: ConstantProductCurve.spot(reserveIn: rIn, reserveOut: rOut, decimalsIn: decIn, decimalsOut: decOut),
            // The whole amount_in (fee included) lands in the vault and need_take_pnl only moves at the
            // next take-pnl, so the pool's next spot price reads rIn + amount_in.
            priceAfter: ConstantProductCurve.spot(
                reserveIn: UInt64(clamping: UInt128(rIn) + UInt128(amountIn)), reserveOut: UInt64(UInt128(rOut) - out),
                decimalsIn: decIn, decimalsOut: decOut))
    }

    /// `process_swap_base_out` (raydium-amm @27f461dd processor.rs): the pre-fee input
    /// `swap_token_amount_base_out` = ceil(r_in · out / (r_out − out)), grossed up by the fee as
    /// ceil(before · den / (den − num)); out ≥ r_out is refused (`InsufficientFunds`), a 0 input
    /// (`InvalidInput`) too. The fee is what the gross-up added.
    public func quoteExactOut(amountOut: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> Quote {
        let coinToPc = try isAToB(inputMint)
        guard amountOut > 0 else { throw QuoteError.zeroAmount }
        let (rIn, rOut) = try sides(coinToPc, context)
        guard let before = ConstantProductCurve.inCeil(reserveIn: rIn, reserveOut: rOut, amountOut: UInt128(amountOut)) else {
            throw QuoteError.insufficientLiquidity("amount_out \(amountOut) is not below the output reserve \(rOut)")
        }
        guard
            let after = ConstantProductCurve.grossUp(
                net: before, feeNumerator: info.swapFeeNumerator, feeDenominator: info.swapFeeDenominator),
            after <= UInt128(UInt64.max)
        else { throw QuoteError.mathOverflow("swap_base_out input") }
        guard after > 0 else { throw QuoteError.zeroOutput }
        let decIn = UInt8(coinToPc ? info.coinDecimals : info.pcDecimals), decOut = UInt8(coinToPc ? info.pcDecimals : info.coinDecimals)
        return Quote(
            pool: address, dex: Self.dex, inputMint: inputMint, outputMint: coinToPc ? info.pcMint : info.coinMint,
            amountIn: UInt64(after), amountOut: amountOut, feeAmount: UInt64(after - before), feeMint: inputMint,
            priceBefore: ConstantProductCurve.spot(reserveIn: rIn, reserveOut: rOut, decimalsIn: decIn, decimalsOut: decOut),
            priceAfter: ConstantProductCurve.spot(
                reserveIn: UInt64(clamping: UInt128(rIn) + after), reserveOut: rOut - amountOut,
                decimalsIn: decIn, decimalsOut: decOut))
    }
}
