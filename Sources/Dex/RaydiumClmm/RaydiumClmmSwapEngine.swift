import PoolMath
import SolanaCore

// Raydium CLMM `swap_internal` for exact input, from raydium-io/raydium-clmm @03b44b7f
// programs/amm/src/instructions/swap.rs, split into the steps of its main loop; the per-step math is
// PoolMath (`ClmmMath.computeSwapExactIn`, `ClmmDynamicFee`), limit orders are tick_array.rs
// `TickState::match_limit_order_with_sqrt_price`.

/// One exact-input run of `swap_internal` over a pool's applied tick arrays: find the next
/// initialized tick, step towards it (bounded per tick-spacing group when the dynamic fee is on),
/// fill the boundary tick's limit orders and cross it, update the dynamic fee index.
///
/// ```swift
/// let run = try RaydiumClmmSwapEngine.run(pool: pool, amountSpecified: 1_000_000, zeroForOne: true,
///                                         config: config, now: 1_783_355_400)
/// ```
struct RaydiumClmmSwapEngine {
    /// What a run consumed and produced, and the state it leaves.
    struct Run {
        var remaining: UInt64
        var amountOut: UInt64
        var fee: UInt64
        var sqrtPrice: UInt128
        var partial: (account: Pubkey?, reason: String)?
        /// State the swap leaves (valid when the run completed): tick, active liquidity, dynamic fee,
        /// the protocol/fund shares split off each step's fee, ticks whose limit orders were filled.
        var tick: Int64 = 0
        var liquidity: UInt128 = 0
        var dynamicFee: RaydiumClmmDynamicFeeInfo?
        var protocolFee: UInt64 = 0
        var fundFee: UInt64 = 0
        var touchedTicks: [Int32: RaydiumClmmTick] = [:]
        /// Initialized ticks the price crossed (`TickState::cross` rewrites their fee growth outside).
        var crossedTicks: Set<Int32> = []

        /// This run, stopped early at `account` (nil: nothing to fetch) for `reason`.
        func stopped(_ account: Pubkey?, _ reason: String) -> Run {
            var r = self
            r.partial = (account, reason)
            return r
        }
    }

    let config: RaydiumClmmAmmConfig
    let zeroForOne: Bool
    /// `is_base_input`: false walks exact-out (`remaining` is output owed, `amountOut` collects the input charged).
    var exactIn = true
    let feeOnInput: Bool
    let ts: UInt16
    let limit: UInt128
    var run: Run
    var array: RaydiumClmmTickArray
    var validStart: Int64
    var containsPoolTick: Bool
    var sp: UInt128
    var tick: Int64
    var liquidity: UInt128
    var dyn: RaydiumClmmDynamicFeeInfo?
    var spacingIndex: Int64 = 0
    var steps = 0

    /// `swap_internal` with `sqrt_price_limit_x64 = 0` (MIN+1 / MAX−1), reading only applied arrays.
    /// With `exactIn` false (exact-out, fee on input only) `Run.remaining` is the output still owed
    /// and `Run.amountOut` the input charged so far, inputs plus fees (`amount_calculated`).
    static func run(
        pool: RaydiumClmmPool, amountSpecified: UInt64, zeroForOne: Bool, config: RaydiumClmmAmmConfig, now: UInt64,
        exactIn: Bool = true
    ) throws -> Run {
        let state = pool.state
        let ts = state.tickSpacing
        let limit = zeroForOne ? ClmmMath.minSqrtPrice + 1 : ClmmMath.maxSqrtPrice - 1
        let run = Run(remaining: amountSpecified, amountOut: 0, fee: 0, sqrtPrice: state.sqrtPriceX64, partial: nil)
        guard zeroForOne ? (limit < state.sqrtPriceX64) : (limit > state.sqrtPriceX64) else {
            return run.stopped(nil, "pool price is already at the price limit (SqrtPriceLimitOverflow)")
        }
        let tickCurrent = Int64(state.tickCurrent)
        guard tickCurrent >= Int64(ClmmMath.minTick) && tickCurrent <= Int64(ClmmMath.maxTick) else {
            throw QuoteError.mathOverflow("tick_current \(tickCurrent) out of range (InvalidTickIndex)")
        }

        // first_tick_array_index_with_extension_info
        let currentStart = ClmmGeometry.arrayStart(tickCurrent, ts)
        guard let currentInitialized = try pool.isArrayInitialized(currentStart) else { return needExtension(run, pool) }
        var validStart = currentStart
        if !currentInitialized {
            switch try pool.nextInitializedArray(after: currentStart, zeroForOne: zeroForOne) {
            case .found(let s): validStart = s
            case .exhausted: return exhausted(run)
            case .needsExtension: return needExtension(run, pool)
            }
        }
        guard let array = pool.tickArrays[Int32(truncatingIfNeeded: validStart)] else { return missing(run, pool, validStart) }

        var engine = RaydiumClmmSwapEngine(
            config: config, zeroForOne: zeroForOne, feeOnInput: state.isFeeOnInput(zeroForOne: zeroForOne),
            ts: ts, limit: limit, run: run, array: array, validStart: validStart, containsPoolTick: currentInitialized,
            sp: state.sqrtPriceX64, tick: tickCurrent, liquidity: state.liquidity, dyn: state.dynamicFeeInfo)
        engine.exactIn = exactIn
        if engine.dyn != nil {
            engine.spacingIndex = ClmmGeometry.spacingIndex(tickCurrent, ts)
            engine.dyn!.updateReference(spacingIndex: engine.spacingIndex, now: now)
        }
        return try engine.walk(pool)
    }

    private static func missing(_ run: Run, _ pool: RaydiumClmmPool, _ start: Int64) -> Run {
        let s = Int32(truncatingIfNeeded: start)
        return run.stopped(pool.arrayAddress(s), "tick array \(s) not provided")
    }

    private static func needExtension(_ run: Run, _ pool: RaydiumClmmPool) -> Run {
        run.stopped(pool.bitmapExtension.address, "tick array bitmap extension not provided")
    }

    private static func exhausted(_ run: Run) -> Run {
        run.stopped(nil, "no more liquidity in the swap direction (LiquidityInsufficient)")
    }

    /// swap.rs main loop: one pass per initialized tick until the input is used or the limit reached.
    /// The pool is a parameter, not a stored copy (copying the model per quote costs more than the step).
    private mutating func walk(_ pool: RaydiumClmmPool) throws -> Run {
        while run.remaining != 0 && sp != limit {
            guard var next = try nextInitializedTick(pool) else { return run }
            // get_target_price_based_on_next_tick
            let tickNext = min(max(Int64(next.tick), Int64(ClmmMath.minTick)), Int64(ClmmMath.maxTick))
            let sqrtNext = try Self.math { try ClmmMath.sqrtPriceAtTick(Int32(tickNext)) }
            let target = (zeroForOne && sqrtNext < limit) || (!zeroForOne && sqrtNext > limit) ? limit : sqrtNext
            if zeroForOne {
                guard tick >= tickNext, sp >= sqrtNext, sp >= target else { throw QuoteError.mathOverflow("swap direction check (0→1)") }
            } else {
                guard tickNext > tick, sqrtNext >= sp, target >= sp else { throw QuoteError.mathOverflow("swap direction check (1→0)") }
            }
            liquidity = try stepToward(&next, tickNext: tickNext, sqrtNext: sqrtNext, target: target)
        }
        run.sqrtPrice = sp
        run.tick = tick
        run.liquidity = liquidity
        run.dynamicFee = dyn
        if run.remaining != 0 && sp == limit {
            run.partial = (nil, "price limit reached before the input was used")
        }
        return run
    }

    /// The next initialized tick in the swap direction (swap.rs main loop), moving to the next
    /// initialized array when the current one has none left; nil when the run stops here
    /// (`run.partial` says why).
    private mutating func nextInitializedTick(_ pool: RaydiumClmmPool) throws -> RaydiumClmmTick? {
        if let t = array.nextInitializedTick(from: Int32(truncatingIfNeeded: tick), tickSpacing: ts, zeroForOne: zeroForOne) {
            return t
        }
        if !containsPoolTick {
            containsPoolTick = true
            return try array.firstInitializedTick(zeroForOne: zeroForOne)
        }
        switch try pool.nextInitializedArray(after: validStart, zeroForOne: zeroForOne) {
        case .found(let s):
            guard let a = pool.tickArrays[Int32(truncatingIfNeeded: s)] else {
                run.sqrtPrice = sp; run = Self.missing(run, pool, s); return nil
            }
            array = a; validStart = s
            return try array.firstInitializedTick(zeroForOne: zeroForOne)
        case .exhausted: run.sqrtPrice = sp; run = Self.exhausted(run); return nil
        case .needsExtension: run.sqrtPrice = sp; run = Self.needExtension(run, pool); return nil
        }
    }

    /// The inner loop of one tick: steps (one per tick-spacing group under the dynamic fee) until
    /// the price reaches `target` or the input is used; returns the liquidity after the tick.
    private mutating func stepToward(_ next: inout RaydiumClmmTick, tickNext: Int64, sqrtNext: UInt128, target: UInt128) throws -> UInt128 {
        var liquidityNext = liquidity
        while true {
            steps += 1
            guard steps < 200_000 else { throw QuoteError.unsupported("swap did not converge") }
            dyn?.updateVolatilityAccumulator(spacingIndex: spacingIndex)
            let feeRate = try totalFeeRate()
            let (bounded, boundedTick, skipped) = try spacingBoundedPrice(target)
            var step = ClmmMath.SwapStep(sqrtPriceNext: bounded, amountIn: 0, amountOut: 0, feeAmount: 0)
            if sp != bounded {
                step = try Self.math {
                    exactIn
                        ? try ClmmMath.computeSwapExactIn(
                            current: sp, target: bounded, liquidity: liquidity, amountRemaining: run.remaining,
                            feeRate: feeRate, zeroForOne: zeroForOne, feeOnInput: feeOnInput)
                        : try ClmmMath.computeSwapExactOut(
                            current: sp, target: bounded, liquidity: liquidity, amountRemaining: run.remaining,
                            feeRate: feeRate, zeroForOne: zeroForOne)
                }
                try applyAmounts(step.amountIn, step.amountOut, step.feeAmount)
            }
            let unfilledBefore = try next.unfilledAmount()
            if sqrtNext == step.sqrtPriceNext {
                if let l = try crossTick(&next, tickNext: tickNext, sqrtNext: sqrtNext, feeRate: feeRate, unfilledBefore: unfilledBefore) {
                    liquidityNext = l
                }
            } else if sp != step.sqrtPriceNext {
                if let bt = boundedTick, step.sqrtPriceNext == bounded {
                    tick = bt
                } else {
                    tick = Int64(try Self.math { try ClmmMath.tickAtSqrtPrice(step.sqrtPriceNext) })
                }
            }
            sp = step.sqrtPriceNext
            updateDynamicFeeIndex(skipped: skipped, sqrtNext: sqrtNext, tickNext: tickNext)
            if run.remaining == 0 || sp == target {
                let unfilledAfter = try next.unfilledAmount()
                if run.remaining != 0 && unfilledAfter != unfilledBefore && unfilledAfter != 0 {
                    throw QuoteError.mathOverflow("limit order left unfilled while input remains")
                }
                return liquidityNext
            }
        }
    }

    /// The step's fee rate: the config's trade fee plus the dynamic rate, capped (swap.rs).
    private func totalFeeRate() throws -> UInt32 {
        guard let d = dyn else { return config.tradeFeeRate }
        guard let total = ClmmDynamicFee.totalRate(tradeFeeRate: config.tradeFeeRate, dynamicRate: try d.dynamicFeeRate(tickSpacing: ts))
        else { throw QuoteError.mathOverflow("total fee rate") }
        return total
    }

    /// get_spacing_bounded_price: with dynamic fee each step stays inside one tick-spacing group.
    /// Returns the step's target, its tick when bounded by a group edge, and whether bounding was skipped.
    private func spacingBoundedPrice(_ target: UInt128) throws -> (UInt128, Int64?, Bool) {
        guard let d = dyn, liquidity != 0, d.volatilityAccumulator != d.maxVolatilityAccumulator else { return (target, nil, true) }
        let bt = zeroForOne ? spacingIndex * Int64(ts) : (spacingIndex + 1) * Int64(ts)
        let clamped = min(max(bt, Int64(ClmmMath.minTick)), Int64(ClmmMath.maxTick))
        let bsp = try Self.math { try ClmmMath.sqrtPriceAtTick(Int32(clamped)) }
        if zeroForOne ? !(target > bsp) : !(target < bsp) { return (bsp, clamped, false) }
        return (target, nil, false)
    }

    /// The price reached the boundary tick: its limit orders fill before its liquidity is crossed,
    /// then `update_tick_state`. Returns the liquidity after crossing (nil when it does not change).
    private mutating func crossTick(
        _ next: inout RaydiumClmmTick, tickNext: Int64, sqrtNext: UInt128, feeRate: UInt32, unfilledBefore: UInt64
    ) throws -> UInt128? {
        // tick_array.rs matches limit orders exact-out with its own rounding; not modelled here.
        if !exactIn && unfilledBefore > 0 {
            throw QuoteError.unsupported("exact-out through tick \(next.tick)'s limit orders is not modelled")
        }
        let lo = try Self.matchLimitOrder(
            &next, swapAmount: run.remaining, zeroForOne: zeroForOne, feeRate: feeRate,
            feeOnInput: feeOnInput, sqrtPrice: sqrtNext)
        if lo.amountIn != 0 || lo.amountOut != 0 || lo.fee != 0 { try applyAmounts(lo.amountIn, lo.amountOut, lo.fee) }
        if try next.unfilledAmount() != unfilledBefore { run.touchedTicks[next.tick] = next }
        var liquidityNext: UInt128?
        if next.hasLiquidity { run.crossedTicks.insert(next.tick) }
        if next.hasLiquidity && !next.hasLimitOrders {
            var net = next.liquidityNet
            if zeroForOne {
                guard net != .min else { throw QuoteError.mathOverflow("liquidity_net negation") }
                net = -net
            }
            liquidityNext = try Self.math { try ClmmMath.addDelta(liquidity, net) }
        }
        // update_tick_state: the tick must belong to the current array (get_tick_offset_in_array).
        guard ClmmGeometry.arrayStart(Int64(next.tick), ts) == Int64(array.startTickIndex) else {
            throw QuoteError.invalidAccount(
                role: "tick array", address: array.address,
                reason: "tick \(next.tick) is not in array \(array.startTickIndex)")
        }
        tick = (zeroForOne && !next.hasLimitOrders) || (!zeroForOne && next.hasLimitOrders) ? tickNext - 1 : tickNext
        return liquidityNext
    }

    /// update_dynamic_fee_index: the spacing group the price is in after the step, then one group on.
    private mutating func updateDynamicFeeIndex(skipped: Bool, sqrtNext: UInt128, tickNext: Int64) {
        guard dyn != nil else { return }
        if skipped {
            let tickIndex = sp == sqrtNext ? tickNext : tick
            var idx = ClmmGeometry.spacingIndex(tickIndex, ts)
            if !zeroForOne && tickIndex % Int64(ts) == 0 { idx -= 1 }
            spacingIndex = idx
            if dyn!.volatilityAccumulator != dyn!.maxVolatilityAccumulator {
                dyn!.updateVolatilityAccumulator(spacingIndex: spacingIndex)
            }
        }
        spacingIndex += zeroForOne ? -1 : 1
    }

    /// Books one step (or limit-order fill): remaining input, output, fee and its protocol/fund shares.
    private mutating func applyAmounts(_ amountIn: UInt64, _ amountOut: UInt64, _ fee: UInt64) throws {
        let consumed = feeOnInput ? try Self.checkedAdd(amountIn, fee, "amount_in + fee") : amountIn
        // apply_swap_amounts: exact-in spends input and collects output, exact-out the reverse.
        let (spent, calculated) = exactIn ? (consumed, amountOut) : (amountOut, consumed)
        guard run.remaining >= spent else { throw QuoteError.mathOverflow("amount_specified_remaining") }
        run.remaining -= spent
        run.amountOut = try Self.checkedAdd(run.amountOut, calculated, "amount_calculated")
        run.fee = try Self.checkedAdd(run.fee, fee, "trade fee")
        // swap.rs: the protocol share is split off each step's fee, then the fund share off the rest.
        let protocolDelta = UInt64(UInt128(fee) * UInt128(config.protocolFeeRate) / UInt128(ClmmMath.feeRateDenominator))
        let rest = fee - min(fee, protocolDelta)
        let fundDelta = UInt64(UInt128(rest) * UInt128(config.fundFeeRate) / UInt128(ClmmMath.feeRateDenominator))
        run.protocolFee = try Self.checkedAdd(run.protocolFee, protocolDelta, "protocol fee")
        run.fundFee = try Self.checkedAdd(run.fundFee, fundDelta, "fund fee")
    }

    /// `TickState::match_limit_order_with_sqrt_price` (tick_array.rs), exact input. Mutates the tick's order
    /// amounts as the program does, because the caller then decides crossing from `has_limit_orders`.
    private static func matchLimitOrder(
        _ t: inout RaydiumClmmTick, swapAmount: UInt64, zeroForOne: Bool, feeRate: UInt32,
        feeOnInput: Bool, sqrtPrice: UInt128
    ) throws -> (amountIn: UInt64, amountOut: UInt64, fee: UInt64) {
        let total = try t.unfilledAmount()
        if swapAmount == 0 || total == 0 { return (0, 0, 0) }
        guard feeRate <= ClmmMath.feeRateDenominator else { throw QuoteError.mathOverflow("fee rate above 1e6") }
        let den = UInt64(ClmmMath.feeRateDenominator)
        return try math {
            let price = try ClmmMath.priceFromSqrtPrice(sqrtPrice, roundUp: !zeroForOne)
            var amountIn = swapAmount, amountOut: UInt64 = 0, fee: UInt64 = 0
            if feeOnInput {
                guard let f = ClmmMath.mulDivCeil(swapAmount, UInt64(feeRate), den), f <= swapAmount else {
                    throw ClmmMath.MathError.overflow("limit order fee")
                }
                fee = f; amountIn = swapAmount - f
            }
            let matched = try ClmmMath.limitOrderOutput(amountIn: amountIn, token0PriceX64: price, zeroForOne: zeroForOne)
            if matched > UInt128(total) {
                amountOut = total
                amountIn = try ClmmMath.limitOrderInput(amountOut: total, token0PriceX64: price, zeroForOne: !zeroForOne)
                if feeOnInput {
                    guard let f = ClmmMath.mulDivCeil(amountIn, UInt64(feeRate), den - UInt64(feeRate)) else {
                        throw ClmmMath.MathError.overflow("limit order fee")
                    }
                    fee = f
                }
            } else {
                amountOut = UInt64(matched)
            }
            // FIFO: partially filled cohort first, then a new phase from orders_amount.
            var fromPart: UInt64 = 0
            if t.partFilledOrdersRemaining > 0 {
                fromPart = min(t.partFilledOrdersRemaining, amountOut)
                t.partFilledOrdersRemaining -= fromPart
            }
            let rest = amountOut - fromPart
            if rest > 0 {
                guard t.partFilledOrdersRemaining == 0, t.ordersAmount >= rest else {
                    throw ClmmMath.MathError.overflow("InvalidLimitOrderAmount")
                }
                t.partFilledOrdersRemaining = t.ordersAmount - rest
                t.ordersAmount = 0
            }
            if !feeOnInput {
                guard let f = ClmmMath.mulDivCeil(amountOut, UInt64(feeRate), den), f <= amountOut else {
                    throw ClmmMath.MathError.overflow("limit order output fee")
                }
                fee = f; amountOut -= f
            }
            return (amountIn, amountOut, fee)
        }
    }

    private static func math<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as ClmmMath.MathError { throw QuoteError.mathOverflow(e.description) }
    }

    private static func checkedAdd(_ a: UInt64, _ b: UInt64, _ what: String) throws -> UInt64 {
        let (s, o) = a.addingReportingOverflow(b)
        guard !o else { throw QuoteError.mathOverflow(what) }
        return s
    }
}
