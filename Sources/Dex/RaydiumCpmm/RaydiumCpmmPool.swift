import PoolMath
import SolanaCore

// Raydium CPMM (`CPMMoo8L…`), dex-layouts.md §4.
// Source: raydium-io/raydium-cp-swap @609780f1 programs/cp-swap/src/states/pool.rs (`PoolState`, zero_copy packed,
// 637 B), states/config.rs (`AmmConfig`, 236 B), curve/{calculator,fees,constant_product}.rs,
// instructions/swap_base_input.rs.

/// A CPMM pool: PoolState + AmmConfig + vaults (+ mints when a side is Token-2022, for transfer fees).
public struct RaydiumCpmmPool: PoolModel {
    /// Fixed fee rates in its accounts (no time-based fee): rate bounds may discount the fee.
    public var tradeFeeIsConstantOverTime: Bool { true }
    public static let dex = DexKind.raydiumCpmm
    static let feeDenominator: UInt64 = 1_000_000
    public let address: Pubkey
    public private(set) var state: RaydiumCpmmPoolState
    var config: Dependent<RaydiumCpmmAmmConfig>
    var vault0: Dependent<TokenAccount>
    var vault1: Dependent<TokenAccount>
    var mint0: Dependent<TokenMint>
    var mint1: Dependent<TokenMint>

    public var mintA: Pubkey { state.token0Mint }
    public var mintB: Pubkey { state.token1Mint }

    public static func isPool(_ a: AccountData) -> Bool { RaydiumCpmmPoolState.matches(a) }

    public init(pool: AccountData) throws {
        address = pool.address
        state = try RaydiumCpmmPoolState(pool)
        config = Dependent(address: state.ammConfig, role: "amm config")
        vault0 = Dependent(address: state.token0Vault, role: "vault")
        vault1 = Dependent(address: state.token1Vault, role: "vault")
        mint0 = Dependent(address: state.token0Mint, role: "mint")
        mint1 = Dependent(address: state.token1Mint, role: "mint")
    }

    var is2022: (Bool, Bool) { (state.token0Program == ProgramIds.token2022, state.token1Program == ProgramIds.token2022) }

    public func accountsToWatch() -> [Pubkey] {
        var keys = [state.ammConfig, state.token0Vault, state.token1Vault]
        if is2022.0 { keys.append(state.token0Mint) }
        if is2022.1 { keys.append(state.token1Mint) }
        return keys
    }

    public mutating func apply(_ a: AccountData) throws -> Bool {
        if a.address == address {
            let next = try RaydiumCpmmPoolState(a)
            guard next.token0Vault == state.token0Vault, next.token1Vault == state.token1Vault, next.ammConfig == state.ammConfig else {
                throw QuoteError.invalidAccount(role: "pool", address: address, reason: "vault or config address changed")
            }
            state = next
            return true
        }
        return try config.apply(a) || vault0.apply(a) || vault1.apply(a) || mint0.apply(a) || mint1.apply(a)
    }

    /// `vault_amount_without_fee`: vault − protocol − fund − creator fees.
    public func reserves() throws -> (UInt64, UInt64) {
        func net(_ vault: UInt64, _ fees: [UInt64]) throws -> UInt64 {
            var v = vault
            for f in fees {
                guard v >= f else { throw QuoteError.mathOverflow("reserves: vault below accrued fees") }
                v -= f
            }
            return v
        }
        return (
            try net(vault0.get().amount, [state.protocolFeesToken0, state.fundFeesToken0, state.creatorFeesToken0]),
            try net(vault1.get().amount, [state.protocolFeesToken1, state.fundFeesToken1, state.creatorFeesToken1])
        )
    }

    public func price(context: QuoteContext) throws -> PoolPrice {
        let (r0, r1) = try reserves()
        return PoolPrice(
            mintA: mintA, mintB: mintB, decimalsA: state.mint0Decimals, decimalsB: state.mint1Decimals,
            reserveA: r0, reserveB: r1,
            priceBPerA: ConstantProductCurve.spot(
                reserveIn: r0, reserveOut: r1, decimalsIn: state.mint0Decimals,
                decimalsOut: state.mint1Decimals))
    }

    /// Transfer fee of a side when its token program is Token-2022 (needs the mint account).
    func transferFee(zero: Bool, amount: UInt64, epoch: UInt64) throws -> UInt64 {
        try mint(zero)?.transferFee(on: amount, epoch: epoch) ?? 0
    }

    /// A side's mint when its token program is Token-2022 (transfer fees), nil for SPL Token.
    func mint(_ zero: Bool) throws -> TokenMint? {
        guard zero ? is2022.0 : is2022.1 else { return nil }
        return try (zero ? mint0 : mint1).get()
    }

    /// The config and (input, output) reserves, once the status and open time allow a swap.
    func sides(_ zeroForOne: Bool, _ context: QuoteContext) throws -> (RaydiumCpmmAmmConfig, rIn: UInt64, rOut: UInt64) {
        guard !state.swapDisabled else { throw QuoteError.swapDisabled("PoolState.status \(state.status)") }
        if context.now >= 0, UInt64(context.now) < state.openTime {
            throw QuoteError.notOpenYet("open_time \(state.openTime)")
        }
        let cfg = try config.get()
        let (r0, r1) = try reserves()
        return zeroForOne ? (cfg, r0, r1) : (cfg, r1, r0)
    }

    /// `swap_base_input`: input transfer fee, then `CurveCalculator::swap_base_input` with the trade
    /// fee (and creator fee when charged on input) ceil-rounded on input, constant product floor,
    /// creator fee on output when the pool says so, then the output transfer fee.
    public func quote(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> Quote {
        let zeroForOne = try isAToB(inputMint)
        guard amountIn > 0 else { throw QuoteError.zeroAmount }
        let (cfg, rIn, rOut) = try sides(zeroForOne, context)
        let inTransferFee = try transferFee(zero: zeroForOne, amount: amountIn, epoch: context.epoch)
        let actualIn = UInt128(amountIn - inTransferFee)
        let d = UInt128(Self.feeDenominator)
        let creatorRate = state.enableCreatorFee ? UInt128(cfg.creatorFeeRate) : 0
        // creator_fee_on: 0 BothToken (always on input), 1 OnlyToken0, 2 OnlyToken1 — charged on input iff the input is that token.
        let creatorOnInput = state.creatorFeeOn == 0 || (state.creatorFeeOn == 1 && zeroForOne) || (state.creatorFeeOn == 2 && !zeroForOne)
        var tradeFee: UInt128, creatorFee: UInt128 = 0, out: UInt128
        if creatorOnInput {
            let totalFee = (actualIn * (UInt128(cfg.tradeFeeRate) + creatorRate) + d - 1) / d
            // fees.rs splits the total proportionally; only the total matters for the output.
            let net = actualIn - totalFee
            guard let o = ConstantProductCurve.outFloor(reserveIn: rIn, reserveOut: rOut, netIn: net) else {
                throw QuoteError.insufficientLiquidity("empty pool")
            }
            out = o
            tradeFee = totalFee
        } else {
            tradeFee = (actualIn * UInt128(cfg.tradeFeeRate) + d - 1) / d
            guard let swapped = ConstantProductCurve.outFloor(reserveIn: rIn, reserveOut: rOut, netIn: actualIn - tradeFee) else {
                throw QuoteError.insufficientLiquidity("empty pool")
            }
            creatorFee = (swapped * creatorRate + d - 1) / d
            out = swapped - creatorFee
        }
        guard out > 0 else { throw QuoteError.zeroOutput }
        guard out < UInt128(rOut) else { throw QuoteError.insufficientLiquidity("output would empty the vault") }
        let outTransferFee = try transferFee(zero: !zeroForOne, amount: UInt64(out), epoch: context.epoch)
        let received = UInt64(out) - outTransferFee
        let (decIn, decOut) = zeroForOne ? (state.mint0Decimals, state.mint1Decimals) : (state.mint1Decimals, state.mint0Decimals)
        // Reserves after the swap: the trade fee stays in the vault except its protocol and fund
        // shares (fees.rs: floor(trade_fee · rate / 1e6)), which are set aside like the creator fee.
        let tradePart =
            creatorOnInput && creatorRate > 0
            ? tradeFee * UInt128(cfg.tradeFeeRate) / (UInt128(cfg.tradeFeeRate) + creatorRate) : tradeFee
        let setAside =
            tradePart * UInt128(cfg.protocolFeeRate) / d + tradePart * UInt128(cfg.fundFeeRate) / d
            + (creatorOnInput ? tradeFee - tradePart : 0)
        let newIn = UInt128(rIn) + actualIn - min(setAside, actualIn)
        let grossOut = out + creatorFee
        return Quote(
            pool: address, dex: Self.dex, inputMint: inputMint, outputMint: zeroForOne ? mintB : mintA,
            amountIn: amountIn, amountOut: received, feeAmount: UInt64(tradeFee), feeMint: inputMint,
            priceBefore: ConstantProductCurve.spot(reserveIn: rIn, reserveOut: rOut, decimalsIn: decIn, decimalsOut: decOut),
            priceAfter: ConstantProductCurve.spot(
                reserveIn: UInt64(clamping: newIn),
                reserveOut: UInt64(UInt128(rOut) - grossOut), decimalsIn: decIn, decimalsOut: decOut))
    }

    /// Token-2022 inverse transfer fee of a side (`get_transfer_inverse_fee`): what must move so `net` arrives.
    func transferInverseFee(zero: Bool, net: UInt64, epoch: UInt64) throws -> UInt64 {
        try mint(zero)?.transferInverseFee(forNet: net, epoch: epoch) ?? 0
    }

    /// `swap_base_output` (raydium-cp-swap @609780f1 instructions/swap_base_output.rs,
    /// curve/calculator.rs `swap_base_output`): the output plus its inverse transfer fee, grossed up
    /// by the creator fee when that is charged on output; the curve's ceil input for it; grossed up
    /// by the trade (+ creator) fee (fees.rs `calculate_pre_fee_amount`, ceil); plus the input's
    /// inverse transfer fee — the amount the user is debited.
    public func quoteExactOut(amountOut: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> Quote {
        let zeroForOne = try isAToB(inputMint)
        guard amountOut > 0 else { throw QuoteError.zeroAmount }
        let (cfg, rIn, rOut) = try sides(zeroForOne, context)
        let outTransferFee = try transferInverseFee(zero: !zeroForOne, net: amountOut, epoch: context.epoch)
        let (withTransferFee, o1) = amountOut.addingReportingOverflow(outTransferFee)
        guard !o1 else { throw QuoteError.mathOverflow("amount_out + transfer fee") }
        let creatorRate = state.enableCreatorFee ? cfg.creatorFeeRate : 0
        let creatorOnInput = state.creatorFeeOn == 0 || (state.creatorFeeOn == 1 && zeroForOne) || (state.creatorFeeOn == 2 && !zeroForOne)
        let d = Self.feeDenominator
        var actualOut = UInt128(withTransferFee)
        if !creatorOnInput {
            guard let gross = ConstantProductCurve.grossUp(net: actualOut, feeNumerator: creatorRate, feeDenominator: d) else {
                throw QuoteError.mathOverflow("creator fee gross-up")
            }
            actualOut = gross
        }
        guard let swapped = ConstantProductCurve.inCeil(reserveIn: rIn, reserveOut: rOut, amountOut: actualOut) else {
            throw QuoteError.insufficientLiquidity("amount_out \(actualOut) is not below the output reserve \(rOut)")
        }
        let feeRate = creatorOnInput ? cfg.tradeFeeRate + creatorRate : cfg.tradeFeeRate
        guard let input = ConstantProductCurve.grossUp(net: swapped, feeNumerator: feeRate, feeDenominator: d), input <= UInt128(UInt64.max)
        else { throw QuoteError.mathOverflow("swap_base_output input") }
        guard input > 0 else { throw QuoteError.zeroOutput }
        let inTransferFee = try transferInverseFee(zero: zeroForOne, net: UInt64(input), epoch: context.epoch)
        let (debit, o2) = UInt64(input).addingReportingOverflow(inTransferFee)
        guard !o2 else { throw QuoteError.mathOverflow("input + transfer fee") }
        let totalFee = input - swapped
        // calculator.rs: on input, the creator's share is floor(total · creator / (trade + creator)).
        let tradeFee = creatorOnInput && creatorRate > 0 ? totalFee - totalFee * UInt128(creatorRate) / UInt128(feeRate) : totalFee
        let (decIn, decOut) = zeroForOne ? (state.mint0Decimals, state.mint1Decimals) : (state.mint1Decimals, state.mint0Decimals)
        return Quote(
            pool: address, dex: Self.dex, inputMint: inputMint, outputMint: zeroForOne ? mintB : mintA,
            amountIn: debit, amountOut: amountOut, feeAmount: UInt64(tradeFee), feeMint: inputMint,
            priceBefore: ConstantProductCurve.spot(reserveIn: rIn, reserveOut: rOut, decimalsIn: decIn, decimalsOut: decOut),
            // SwapResult: new input vault = r_in + swapped, new output vault = r_out − actual output.
            priceAfter: ConstantProductCurve.spot(
                reserveIn: UInt64(clamping: UInt128(rIn) + swapped), reserveOut: UInt64(UInt128(rOut) - actualOut),
                decimalsIn: decIn, decimalsOut: decOut))
    }
}
