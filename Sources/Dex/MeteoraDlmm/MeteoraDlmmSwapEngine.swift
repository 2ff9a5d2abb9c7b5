import PoolMath
import SolanaCore

// Meteora DLMM bin walk for exact input, from MeteoraAg/dlmm-sdk (v0.12.0, fb02e51a)
// commons/src/quote.rs `quote_exact_in`: find the next bin array with liquidity, walk its bins in
// the swap direction (`advance_active_bin`), swap at each bin with the fee at its volatility
// accumulator (extensions/lb_pair.rs, PoolMath `BinVolatility` / `DlmmFeeRate`), and record what
// `Bin::swap` writes back.

/// One exact-input walk over a DLMM pool's applied bin arrays, after `update_references`.
///
/// ```swift
/// var walk = MeteoraDlmmSwapEngine(pool: pool, swapForY: true, amountIn: 1_000_000, references: refs)
/// var after: PoolStateAfter? = nil
/// let partial = try walk.run(pool, after: &after)
/// walk.totalOut
/// ```
struct MeteoraDlmmSwapEngine {
    let swapForY: Bool
    let supportLimitOrder: Bool
    let feeOnInput: Bool
    let indexReference: Int32
    let volatilityReference: UInt32
    let maxVolatilityAccumulator: UInt32
    let baseFactor: UInt16, binStep: UInt16, baseFeePowerFactor: UInt8, variableFeeControl: UInt32, protocolShare: UInt16
    var activeId: Int32
    var amountLeft: UInt64
    var totalOut: UInt64 = 0
    var totalFee: UInt64 = 0
    var lastVolatility: UInt32
    var protocolFee: UInt64 = 0
    /// quote.rs `quote_exact_out`: `amountLeft` is the output still owed and `totalIn` collects
    /// the fee-inclusive input of each bin (`swap_exact_out_quote_at_bin`); nothing is recorded.
    var exactOut = false
    var totalIn: UInt64 = 0

    init(
        pool: MeteoraDlmmPool, swapForY: Bool, amountIn: UInt64,
        references: (indexReference: Int32, volatilityReference: UInt32)
    ) {
        self.swapForY = swapForY
        supportLimitOrder = pool.supportsLimitOrders
        feeOnInput = pool.feeOnInput(swapForY: swapForY)
        indexReference = references.indexReference
        volatilityReference = references.volatilityReference
        activeId = pool.pair.activeId
        amountLeft = amountIn
        lastVolatility = pool.pair.volatilityAccumulator
        maxVolatilityAccumulator = pool.pair.maxVolatilityAccumulator
        baseFactor = pool.pair.baseFactor
        binStep = pool.pair.binStep
        baseFeePowerFactor = pool.pair.baseFeePowerFactor
        variableFeeControl = pool.pair.variableFeeControl
        protocolShare = pool.pair.protocolShare
    }

    /// quote.rs `quote_exact_in` main loop: until the input is used or liquidity (or the applied
    /// arrays) run out; returns where it stopped early (`filledIn` still 0), nil when all input was
    /// used. `after` collects what the swap writes back (bin amounts); it becomes nil once a fill is
    /// one we cannot write exactly (limit-order layers, fee taken from the output). The pool and
    /// `after` are parameters and the walk's own state is plain integers: copying a model or a
    /// non-trivial struct per quote costs more than a bin.
    mutating func run(_ pool: MeteoraDlmmPool, after: inout PoolStateAfter?) throws -> PartialFill? {
        while amountLeft > 0 {
            let start = MeteoraDlmm.arrayIndex(ofBin: activeId)
            let next: Int32
            switch pool.nextArrayWithLiquidity(from: start, swapForY: swapForY) {
            case .found(let i): next = i
            case .none:
                return PartialFill(filledIn: 0, nextMissingAccount: nil, reason: "pool out of liquidity")
            case .needsExtension:
                return PartialFill(
                    filledIn: 0, nextMissingAccount: pool.bitmapExtensionAddress,
                    reason: "bin array bitmap extension not provided: liquidity beyond array ±512 unknown")
            }
            guard let array = pool.binArrays[Int64(next)], let range = array.binRange else {
                return PartialFill(
                    filledIn: 0, nextMissingAccount: pool.binArrayAddress(Int64(next)),
                    reason: "bin array \(next) not provided")
            }
            // shift_active_bin_if_empty_gap: jump to the edge of the array found.
            if start != next { activeId = swapForY ? range.upperBound : range.lowerBound }
            while range.contains(activeId) && amountLeft > 0 {
                let bin = array.bins[Int(activeId - range.lowerBound)]
                if bin.maxAmountOut(swapForY: swapForY, supportLimitOrder: supportLimitOrder) > 0 {
                    try swap(at: bin, after: &after)
                }
                if amountLeft > 0 {
                    // advance_active_bin: the program errors past MIN/MAX_BIN_ID.
                    let nextId = swapForY ? activeId - 1 : activeId + 1
                    guard nextId >= MeteoraDlmm.minBinId && nextId <= MeteoraDlmm.maxBinId else {
                        return PartialFill(filledIn: 0, nextMissingAccount: nil, reason: "insufficient liquidity: bin id limit reached")
                    }
                    activeId = nextId
                }
            }
        }
        return nil
    }

    /// The active bin's swap: fee rate at the updated accumulator, `swap_exact_in_quote_at_bin`,
    /// the bin's write-back, and the running totals.
    private mutating func swap(at bin: MeteoraDlmmBin, after: inout PoolStateAfter?) throws {
        let va = BinVolatility.accumulator(
            volatilityReference: volatilityReference, indexReference: indexReference, activeId: activeId,
            max: maxVolatilityAccumulator)
        guard
            let rate = DlmmFeeRate(
                baseFactor: baseFactor, binStep: binStep, baseFeePowerFactor: baseFeePowerFactor,
                variableFeeControl: variableFeeControl,
                volatilityAccumulator: va)
        else {
            throw QuoteError.mathOverflow("fee rate")
        }
        let price: UInt128
        if bin.price != 0 {
            price = bin.price
        } else {
            guard let p = DlmmMath.priceFromId(activeId, binStep: binStep) else {
                throw QuoteError.mathOverflow("get_price_from_id(\(activeId))")
            }
            price = p
        }
        lastVolatility = va
        if exactOut {
            let r = try MeteoraDlmmPool.swapExactOutAtBin(
                bin, price: price, rate: rate, amountOut: amountLeft, swapForY: swapForY,
                supportLimitOrder: supportLimitOrder, feeOnInput: feeOnInput)
            guard r.amountOut > 0 else { return }
            guard r.amountOut <= amountLeft else { throw QuoteError.mathOverflow("bin amount out") }
            amountLeft -= r.amountOut
            let (i, o1) = totalIn.addingReportingOverflow(r.amountIn)
            let (f, o2) = totalFee.addingReportingOverflow(r.fee)
            guard !o1, !o2 else { throw QuoteError.mathOverflow("swap totals") }
            totalIn = i; totalFee = f
            after = nil
            return
        }
        let r = try MeteoraDlmmPool.swapAtBin(
            bin, price: price, rate: rate, amountIn: amountLeft, swapForY: swapForY,
            supportLimitOrder: supportLimitOrder, feeOnInput: feeOnInput)
        guard r.amountIn > 0 else { return }
        if after != nil { record(r, bin: bin, price: price, after: &after) }
        guard r.amountIn <= amountLeft else { throw QuoteError.mathOverflow("bin amount in") }
        amountLeft -= r.amountIn
        let (o, o1) = totalOut.addingReportingOverflow(r.amountOut)
        let (f, o2) = totalFee.addingReportingOverflow(r.fee)
        guard !o1, !o2 else { throw QuoteError.mathOverflow("swap totals") }
        totalOut = o; totalFee = f
    }

    /// `Bin::swap`: the input net of the whole fee goes into the bin (the LP share accrues in the bin's
    /// fee_amount_*_per_token_stored, claimed by positions; the protocol share in the pair's
    /// protocol_fee) and the MM output leaves: what the mainnet binary writes
    /// (Tests/DexTests/Vectors/program-writes.json). Fills through limit-order layers or with the
    /// fee on the output cannot be written exactly.
    private mutating func record(_ r: MeteoraDlmmPool.BinFill, bin: MeteoraDlmmBin, price: UInt128, after: inout PoolStateAfter?) {
        if r.usedLimitOrders || !feeOnInput {
            after = nil
            return
        }
        let share = UInt64(UInt128(r.fee) * UInt128(protocolShare) / 10_000)
        protocolFee &+= share
        let into = r.amountIn - min(r.fee, r.amountIn)
        var amounts = DlmmBinAmounts(amountX: bin.amountX, amountY: bin.amountY, price: price)
        if swapForY {
            amounts.amountX = amounts.amountX.addingReportingOverflow(into).partialValue
            amounts.amountY -= min(r.mmOut, amounts.amountY)
        } else {
            amounts.amountY = amounts.amountY.addingReportingOverflow(into).partialValue
            amounts.amountX -= min(r.mmOut, amounts.amountX)
        }
        after?.binAmounts[activeId] = amounts
    }
}
