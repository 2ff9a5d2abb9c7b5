import PoolMath
import SolanaCore

// Orca Whirlpool (whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc): account layouts and the
// exact-in swap, from orca-so/whirlpools `programs/whirlpool/src` @630c0e01:
// state/{whirlpool,tick,fixed_tick_array,dynamic_tick_array,fee_tier,config,oracle}.rs,
// manager/{swap_manager,fee_rate_manager}.rs, util/{swap_tick_sequence,sparse_swap}.rs,
// instructions/v2/swap.rs. Offsets in dex-layouts.md §6.

/// A Whirlpool's quoting model: the pool, its vaults and mints (decimals, Token-2022 transfer
/// fees), the tick arrays around the current tick, and (adaptive-fee pools) the Oracle.
/// Mints are always watched because the Whirlpool account holds no decimals; the
/// WhirlpoolsConfig/FeeTier are not, since the live fee rates are stored in the pool itself.
/// The on-chain swap walks at most 3 arrays; this model keeps walking into further applied
/// arrays (identically to a longer `SwapTickSequence`) and reports a partial fill naming the
/// first array it lacks. A never-created array is applied as an empty system-owned account.
///
/// ```swift
/// var pool = try OrcaWhirlpoolPool(pool: whirlpoolAccount)
/// for key in pool.accountsToWatch() { if let a = store[key] { _ = try pool.apply(a) } }
/// let q = try pool.quote(amountIn: 1_000_000_000, inputMint: KnownMints.wsol, context: .init())
/// ```
public struct OrcaWhirlpoolPool: PoolModel {
    public static let dex = DexKind.orcaWhirlpool
    /// Arrays watched on each side of the current one.
    public static let arraysEachSide = 3
    /// Far more swap steps than any real walk (7 arrays × 88 ticks × tick groups) can take.
    static let maxSwapSteps = 200_000

    enum TickArraySlot: Sendable, Equatable {
        case loaded(OrcaWhirlpoolTickArray)
        /// The PDA exists only as an empty system account: the program treats it as all-zero ("sparse swap").
        case uninitialized
    }

    public let address: Pubkey
    public private(set) var state: OrcaWhirlpoolState
    var vaultA: Dependent<TokenAccount>
    var vaultB: Dependent<TokenAccount>
    var mintAccountA: Dependent<TokenMint>
    var mintAccountB: Dependent<TokenMint>
    var oracle: Dependent<OrcaWhirlpoolOracle>?
    /// The adaptive-fee oracle PDA, when the pool has one.
    public var oracleAddress: Pubkey? { oracle?.address }
    var oracleUninitialized = false
    /// Tick arrays by start tick index.
    var tickArrays: [Int: TickArraySlot] = [:]
    /// Tick-array PDAs by start index (derivation is ~hundreds of SHA-256s worst case; cache it).
    var tickArrayAddresses: [Int: Pubkey] = [:]
    var startByAddress: [Pubkey: Int] = [:]

    public var mintA: Pubkey { state.tokenMintA }
    public var mintB: Pubkey { state.tokenMintB }
    var tickSpacing: Int { Int(state.tickSpacing) }
    var ticksInArray: Int { OrcaWhirlpoolIds.ticksPerArray * tickSpacing }

    public static func isPool(_ account: AccountData) -> Bool { OrcaWhirlpoolState.matches(account) }

    public init(pool account: AccountData) throws {
        let s = try Self.decodePool(account)
        address = account.address
        state = s
        vaultA = Dependent(address: s.tokenVaultA, role: "token vault A")
        vaultB = Dependent(address: s.tokenVaultB, role: "token vault B")
        mintAccountA = Dependent(address: s.tokenMintA, role: "token mint A")
        mintAccountB = Dependent(address: s.tokenMintB, role: "token mint B")
        if s.isAdaptiveFee,
            let (key, _) = ProgramAddress.find(seeds: [Array("oracle".utf8), account.address.bytes], programId: OrcaWhirlpoolIds.program)
        {
            oracle = Dependent(address: key, role: "oracle")
        }
        deriveWindow()
    }

    /// Decodes and sanity-checks the fields the model does arithmetic with.
    static func decodePool(_ account: AccountData) throws -> OrcaWhirlpoolState {
        let s = try OrcaWhirlpoolState(account)
        guard s.tickSpacing > 0 else {
            throw DecodeError.invalidField(kind: OrcaWhirlpoolState.kind, field: "tick_spacing", reason: "0")
        }
        guard (WhirlpoolMath.minTick...WhirlpoolMath.maxTick).contains(Int(s.tickCurrentIndex)) else {
            throw DecodeError.invalidField(kind: OrcaWhirlpoolState.kind, field: "tick_current_index", reason: "\(s.tickCurrentIndex) out of range")
        }
        return s
    }

    /// Start index of the array holding the current tick (`get_start_tick_indexes` base).
    var currentArrayStart: Int { WhirlpoolMath.floorDivision(Int(state.tickCurrentIndex), ticksInArray) * ticksInArray }

    /// The current array and `arraysEachSide` on each side (valid starts only).
    var windowStarts: [Int] {
        let base = currentArrayStart
        return (-Self.arraysEachSide...Self.arraysEachSide).map { base + $0 * ticksInArray }
            .filter { OrcaWhirlpoolTickArray.isValidStart($0, tickSpacing: tickSpacing) }
    }

    mutating func deriveWindow() {
        for start in windowStarts where tickArrayAddresses[start] == nil {
            if let key = Self.tickArrayAddress(pool: address, start: start) {
                tickArrayAddresses[start] = key
                startByAddress[key] = start
            }
        }
    }

    /// PDA ["tick_array", whirlpool, start_tick_index.to_string()] (`sparse_swap.rs::derive_tick_array_pda`).
    public static func tickArrayAddress(pool: Pubkey, start: Int) -> Pubkey? {
        ProgramAddress.find(
            seeds: [Array("tick_array".utf8), pool.bytes, Array(String(start).utf8)],
            programId: OrcaWhirlpoolIds.program)?.0
    }

    func address(ofArray start: Int) -> Pubkey? { tickArrayAddresses[start] ?? Self.tickArrayAddress(pool: address, start: start) }

    public func accountsToWatch() -> [Pubkey] {
        var keys = [state.tokenVaultA, state.tokenVaultB, state.tokenMintA, state.tokenMintB]
        if let o = oracle { keys.append(o.address) }
        keys += windowStarts.compactMap { tickArrayAddresses[$0] }
        return keys
    }

    public mutating func apply(_ account: AccountData) throws -> Bool {
        if account.address == address {
            let s = try Self.decodePool(account)
            guard s.tickSpacing == state.tickSpacing, s.tokenMintA == state.tokenMintA, s.tokenMintB == state.tokenMintB else {
                throw QuoteError.invalidAccount(role: "whirlpool", address: address, reason: "tick spacing or mints changed")
            }
            state = s
            deriveWindow()
            // Arrays that left the watch window stop being updated; drop them rather than quote on stale ticks.
            let keep = Set(windowStarts)
            tickArrays = tickArrays.filter { keep.contains($0.key) }
            return true
        }
        if try vaultA.apply(account) || vaultB.apply(account) || mintAccountA.apply(account) || mintAccountB.apply(account) {
            return true
        }
        if var o = oracle, account.address == o.address {
            if account.owner == OrcaWhirlpoolIds.systemProgram && account.data.isEmpty {
                oracleUninitialized = true
                return true
            }
            _ = try o.apply(account)
            guard try o.get().whirlpool == address else {
                throw QuoteError.invalidAccount(role: "oracle", address: o.address, reason: "belongs to another whirlpool")
            }
            oracle = o
            oracleUninitialized = false
            return true
        }
        return try applyTickArray(account)
    }

    mutating func applyTickArray(_ account: AccountData) throws -> Bool {
        let knownStart = startByAddress[account.address]
        if let start = knownStart, account.owner == OrcaWhirlpoolIds.systemProgram && account.data.isEmpty {
            tickArrays[start] = .uninitialized
            return true
        }
        let array: OrcaWhirlpoolTickArray
        if knownStart != nil {
            do { array = try OrcaWhirlpoolTickArray(account) } catch let e as DecodeError {
                throw QuoteError.invalidAccount(role: "tick array", address: account.address, reason: e.description)
            }
        } else {
            // Not one of our derived addresses: only take it if it is a tick array of this pool.
            guard OrcaWhirlpoolTickArray.matches(account), let a = try? OrcaWhirlpoolTickArray(account), a.whirlpool == address else {
                return false
            }
            array = a
        }
        guard array.whirlpool == address else {
            throw QuoteError.invalidAccount(
                role: "tick array", address: account.address,
                reason: "belongs to whirlpool \(array.whirlpool), not \(address)")
        }
        let start = Int(array.startTickIndex)
        guard OrcaWhirlpoolTickArray.isValidStart(start, tickSpacing: tickSpacing) else {
            throw QuoteError.invalidAccount(
                role: "tick array", address: account.address,
                reason: "start tick index \(start) is not aligned to 88 × tick spacing \(tickSpacing)")
        }
        if let k = knownStart {
            guard k == start else {
                throw QuoteError.invalidAccount(
                    role: "tick array", address: account.address,
                    reason: "start tick index \(start) does not match its address (PDA of \(k))")
            }
        } else {
            guard Self.tickArrayAddress(pool: address, start: start) == account.address else {
                throw QuoteError.invalidAccount(
                    role: "tick array", address: account.address,
                    reason: "address is not the PDA of start tick index \(start)")
            }
            tickArrayAddresses[start] = account.address
            startByAddress[account.address] = start
        }
        tickArrays[start] = .loaded(array)
        return true
    }

    // MARK: price

    /// B per A in human units from a Q64.64 sqrt price: sp² / 2^128 · 10^(decA − decB).
    static func priceBPerA(sqrtPrice: UInt128, decimalsA: UInt8, decimalsB: UInt8) -> Ratio {
        Ratio.squaredQ64(sqrtPrice).scaled(byPow10: Int(decimalsA) - Int(decimalsB))
    }

    public func price(context: QuoteContext) throws -> PoolPrice {
        let ma = try mintAccountA.get(), mb = try mintAccountB.get()
        return PoolPrice(
            mintA: mintA, mintB: mintB, decimalsA: ma.decimals, decimalsB: mb.decimals,
            reserveA: vaultA.value?.amount, reserveB: vaultB.value?.amount,
            priceBPerA: Self.priceBPerA(sqrtPrice: state.sqrtPrice, decimalsA: ma.decimals, decimalsB: mb.decimals))
    }

    // MARK: quote

    public func quote(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> Quote {
        try swap(amountIn: amountIn, inputMint: inputMint, context: context, recordState: false).quote
    }

    /// The swap, and with `recordState` what it writes back (the simulator's view; quotes pass false).
    func swap(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext, recordState: Bool) throws -> SwapEffect {
        let aToB = try isAToB(inputMint)
        guard amountIn > 0 else { throw QuoteError.zeroAmount }
        let ma = try mintAccountA.get(), mb = try mintAccountB.get()
        let (inMint, outMint) = aToB ? (ma, mb) : (mb, ma)

        let adaptiveOracle = try activeOracle(context)

        // swap_with_transfer_fee_extension (ExactIn): the pool only receives the input net of
        // the Token-2022 transfer fee; the user receives the output net of the output mint's fee.
        let inputTransferFee = inMint.transferFee(on: amountIn, epoch: context.epoch)
        guard inputTransferFee <= amountIn else { throw QuoteError.mathOverflow("input transfer fee") }
        let swapInput = amountIn - inputTransferFee
        guard swapInput > 0 else { throw QuoteError.zeroOutput }

        let result: SwapResult
        do {
            result = try swap(amount: swapInput, aToB: aToB, timestamp: UInt64(max(context.now, 0)), oracle: adaptiveOracle)
        } catch let e as WhirlpoolMathError {
            throw QuoteError.mathOverflow(e.description)
        }

        let outputTransferFee = outMint.transferFee(on: result.amountOut, epoch: context.epoch)
        let amountOut = result.amountOut - min(outputTransferFee, result.amountOut)

        var partial: PartialFill?
        if result.amountRemaining > 0 {
            let consumed = swapInput - result.amountRemaining
            // The program charges the transfer fee on what it actually pulls (transfer-fee-included amount).
            let inverseFee = consumed == 0 ? 0 : inMint.transferFeeConfig?.fee(forEpoch: context.epoch).inverseFee(forNet: consumed) ?? 0
            let (filled, overflow) = consumed.addingReportingOverflow(inverseFee)
            guard !overflow else { throw QuoteError.mathOverflow("transfer fee included input") }
            partial = PartialFill(filledIn: filled, nextMissingAccount: result.nextMissingArray, reason: result.stopReason)
        }

        let before = Self.priceBPerA(sqrtPrice: state.sqrtPrice, decimalsA: ma.decimals, decimalsB: mb.decimals)
        let after = Self.priceBPerA(sqrtPrice: result.sqrtPrice, decimalsA: ma.decimals, decimalsB: mb.decimals)
        // swap + post_swap_update: vaults move by the pool-side amounts; the protocol share of each
        // step's fee accrues in protocol_fee_owed of the input token; adaptive pools update the oracle.
        var stateAfter = PoolStateAfter()
        let consumed = swapInput - result.amountRemaining
        if recordState {
            stateAfter.move(aToB ? state.tokenVaultA : state.tokenVaultB, by: Int128(consumed))
            stateAfter.move(aToB ? state.tokenVaultB : state.tokenVaultA, by: -Int128(result.amountOut))
        }
        stateAfter.sqrtPrice = result.sqrtPrice
        stateAfter.tickCurrent = Int32(truncatingIfNeeded: result.tick)
        stateAfter.liquidity = result.liquidity
        if aToB { stateAfter.protocolFeeA = result.protocolFee } else { stateAfter.protocolFeeB = result.protocolFee }
        stateAfter.touchedAccounts = Set(result.crossedArrayStarts.compactMap { address(ofArray: $0) })
        if let o = adaptiveOracle, let m = result.feeManager {
            let now = UInt64(max(context.now, 0))
            stateAfter.whirlpoolAdaptiveFee = WhirlpoolAdaptiveFeeAfter(
                lastReferenceUpdateTimestamp: m.referenceUpdated ? now : o.lastReferenceUpdateTimestamp,
                lastMajorSwapTimestamp: WhirlpoolFeeRateManager.isMajorSwap(
                    state.sqrtPrice, result.sqrtPrice, thresholdTicks: o.majorSwapThresholdTicks)
                    ? now : o.lastMajorSwapTimestamp,
                volatilityReference: m.volatilityReference, tickGroupIndexReference: Int32(truncatingIfNeeded: m.tickGroupIndexReference),
                volatilityAccumulator: m.volatilityAccumulator)
        }
        return SwapEffect(
            quote: Quote(
                pool: address, dex: .orcaWhirlpool, inputMint: inputMint, outputMint: aToB ? mintB : mintA,
                amountIn: amountIn, amountOut: amountOut, feeAmount: result.feeTotal, feeMint: inputMint,
                priceBefore: aToB ? before : before.inverted, priceAfter: aToB ? after : after.inverted, partial: partial),
            after: recordState ? stateAfter : nil)
    }

    /// Adaptive-fee pools: the Oracle gates trading (OracleAccessor::is_trade_enabled) and
    /// feeds the fee manager; an uninitialized oracle means a static fee.
    func activeOracle(_ context: QuoteContext) throws -> OrcaWhirlpoolOracle? {
        guard let o = oracle, !oracleUninitialized else { return nil }
        let info = try o.get()
        guard info.tradeEnableTimestamp <= UInt64(max(context.now, 0)) else {
            throw QuoteError.swapDisabled("trading starts at \(info.tradeEnableTimestamp)")
        }
        return info
    }

    struct SwapResult {
        var amountRemaining: UInt64
        var amountOut: UInt64
        /// Exact-out walks only: input plus fees charged so far (`amount_calculated`).
        var amountIn: UInt64 = 0
        var feeTotal: UInt64
        var sqrtPrice: UInt128
        var tick: Int
        var nextMissingArray: Pubkey?
        var stopReason: String
        /// After a completed swap: active liquidity, protocol fee accrued, the adaptive fee manager.
        var liquidity: UInt128 = 0
        var protocolFee: UInt64 = 0
        var feeManager: WhirlpoolFeeRateManager?
        /// Start indexes of the arrays holding initialized ticks the price crossed (`Tick::cross`
        /// rewrites their fee and reward growth outside).
        var crossedArrayStarts: Set<Int> = []
    }

    /// A tick array as the swap sees it (`ProxiedTickArray`): loaded, or zeroed (sparse).
    enum ArrayView {
        case loaded(OrcaWhirlpoolTickArray)
        case zeroed(start: Int)
        var start: Int {
            switch self {
            case .loaded(let a): return Int(a.startTickIndex);
            case .zeroed(let s): return s
            }
        }
    }

    /// First array of the sequence (`sparse_swap.rs::get_start_tick_indexes` offset 0, or +1 when
    /// a b→a swap starts within one tick spacing of the next array).
    func firstArrayStart(_ aToB: Bool) -> Int {
        let base = currentArrayStart
        if !aToB && Int(state.tickCurrentIndex) + tickSpacing >= base + ticksInArray { return base + ticksInArray }
        return base
    }

    /// `swap_manager::swap` for exact-in with no explicit price limit, walking the sequence of
    /// arrays in the swap direction for as long as they have been applied. The program itself
    /// receives 3 arrays; within those the walk is identical, and further arrays extend it the
    /// way a longer `SwapTickSequence` would.
    /// With `exactIn` false the walk is the program's exact-out one: `amount` is the output still
    /// owed, and `amountIn` collects each step's input plus fee (`amount_calculated`).
    func swap(amount: UInt64, aToB: Bool, timestamp: UInt64 = 0, oracle: OrcaWhirlpoolOracle? = nil, exactIn: Bool = true) throws
        -> SwapResult
    {
        let ts = tickSpacing, tia = ticksInArray
        let first = firstArrayStart(aToB)
        let step = aToB ? -tia : tia
        // Sequence index → start index; nil past the last valid array (beyond MIN/MAX tick).
        func startOf(_ i: Int) -> Int? {
            let s = first + i * step
            return OrcaWhirlpoolTickArray.isValidStart(s, tickSpacing: ts) ? s : nil
        }
        func view(_ i: Int) -> ArrayView? {
            guard let s = startOf(i) else { return nil }
            switch tickArrays[s] {
            case .loaded(let a)?: return .loaded(a)
            case .uninitialized?: return .zeroed(start: s)
            case nil: return nil
            }
        }

        let priceLimit = aToB ? WhirlpoolMath.minSqrtPrice : WhirlpoolMath.maxSqrtPrice
        var result = SwapResult(
            amountRemaining: amount, amountOut: 0, feeTotal: 0, sqrtPrice: state.sqrtPrice,
            tick: Int(state.tickCurrentIndex), nextMissingArray: nil, stopReason: "")
        // InvalidSqrtPriceLimitDirection: the price already sits at the limit, nothing can trade.
        if aToB ? priceLimit >= state.sqrtPrice : priceLimit <= state.sqrtPrice {
            result.stopReason = "price is already at the \(aToB ? "minimum" : "maximum") sqrt price"
            return result
        }
        var liquidity = state.liquidity
        var arrayIndex = 0
        var steps = 0
        var feeManager = try oracle.map {
            try WhirlpoolFeeRateManager(
                aToB: aToB, currentTick: Int(state.tickCurrentIndex), timestamp: timestamp,
                staticFeeRate: state.feeRate, oracle: $0)
        }

        while result.amountRemaining > 0 && result.sqrtPrice != priceLimit {
            guard view(arrayIndex) != nil else {
                stopAtMissingArray(&result, start: startOf(arrayIndex))
                return result
            }
            let (nextArrayIndex, nextTick) = try nextInitializedTick(result.tick, aToB: aToB, from: arrayIndex, view: view)
            let nextTickPrice = WhirlpoolMath.sqrtPrice(atTick: nextTick)
            let target = aToB ? max(priceLimit, nextTickPrice) : min(priceLimit, nextTickPrice)

            // Inner loop: adaptive pools stop at each tick-group edge to recompute the fee.
            while true {
                // Every step moves the price or exhausts the input on sane data; bound the loop so
                // corrupt state cannot hang the cache (the chain would hit its compute limit).
                steps += 1
                guard steps <= Self.maxSwapSteps else { throw WhirlpoolMathError.overflow("swap did not converge") }
                feeManager?.updateVolatilityAccumulator()
                let feeRate = try feeManager?.totalFeeRate() ?? UInt32(state.feeRate)
                let (bounded, skipped) = feeManager?.boundedTarget(target, liquidity: liquidity) ?? (target, false)
                let s =
                    exactIn
                    ? try WhirlpoolMath.computeSwapExactIn(
                        amountRemaining: result.amountRemaining, feeRate: feeRate, liquidity: liquidity,
                        sqrtPriceCurrent: result.sqrtPrice, sqrtPriceTarget: bounded, aToB: aToB)
                    : try WhirlpoolMath.computeSwapExactOut(
                        amountRemaining: result.amountRemaining, feeRate: feeRate, liquidity: liquidity,
                        sqrtPriceCurrent: result.sqrtPrice, sqrtPriceTarget: bounded, aToB: aToB)
                if exactIn { try book(s, into: &result) } else { try bookExactOut(s, into: &result) }

                if s.nextSqrtPrice == nextTickPrice {
                    if case .loaded(let arr)? = view(nextArrayIndex), Self.tick(in: arr, at: nextTick, spacing: ts) != nil {
                        result.crossedArrayStarts.insert(Int(arr.startTickIndex))
                    }
                    arrayIndex = try crossTick(nextTick, arrayIndex: nextArrayIndex, aToB: aToB, liquidity: &liquidity, view: view)
                    result.tick = aToB ? nextTick - 1 : nextTick
                } else if s.nextSqrtPrice != result.sqrtPrice {
                    result.tick = WhirlpoolMath.tickIndex(fromSqrtPrice: s.nextSqrtPrice)
                }
                result.sqrtPrice = s.nextSqrtPrice

                Self.advanceTickGroup(&feeManager, skipped: skipped, sqrtPrice: result.sqrtPrice, nextTickPrice: nextTickPrice, nextTick: nextTick)
                if result.amountRemaining == 0 || result.sqrtPrice == target { break }
            }
        }
        if result.amountRemaining > 0 {
            result.stopReason = "price limit reached: no liquidity left in this direction"
        }
        result.liquidity = liquidity
        result.feeManager = feeManager
        return result
    }

    /// The walk needs the array at sequence start `start` (nil: past MIN/MAX tick) and it is not applied.
    func stopAtMissingArray(_ result: inout SwapResult, start: Int?) {
        result.nextMissingArray = start.flatMap { address(ofArray: $0) }
        result.stopReason =
            result.nextMissingArray == nil
            ? "no further tick array in this direction"
            : "tick array \(start.map(String.init) ?? "?") not loaded"
    }

    /// manager/fee_rate_manager.rs `advance_tick_group` after each step, or after a skipped bound
    /// `advance_tick_group_after_skip` to the group the price landed in.
    static func advanceTickGroup(
        _ feeManager: inout WhirlpoolFeeRateManager?, skipped: Bool, sqrtPrice: UInt128, nextTickPrice: UInt128, nextTick: Int
    ) {
        if skipped {
            feeManager?.advanceTickGroupAfterSkip(sqrtPrice: sqrtPrice, nextTickSqrtPrice: nextTickPrice, nextTickIndex: nextTick)
        } else {
            feeManager?.advanceTickGroup()
        }
    }

    /// swap_manager.rs: one step's amounts into the running result (checked as the program's
    /// AmountRemainingOverflow / AmountCalcOverflow) and, per `calculate_fees`, the protocol share
    /// of the step's fee (protocol_fee_rate per 10_000).
    func book(_ s: WhirlpoolMath.SwapStep, into result: inout SwapResult) throws {
        guard result.amountRemaining >= s.amountIn, result.amountRemaining - s.amountIn >= s.feeAmount else {
            throw WhirlpoolMathError.overflow("swap amount_remaining (AmountRemainingOverflow)")
        }
        result.amountRemaining -= s.amountIn + s.feeAmount
        let (out, o1) = result.amountOut.addingReportingOverflow(s.amountOut)
        let (fees, o2) = result.feeTotal.addingReportingOverflow(s.feeAmount)
        guard !o1, !o2 else { throw WhirlpoolMathError.overflow("swap amount_calculated (AmountCalcOverflow)") }
        result.amountOut = out
        result.feeTotal = fees
        result.protocolFee &+= UInt64(UInt128(s.feeAmount) * UInt128(state.protocolFeeRate) / 10_000)
    }

    /// The price reached `tick`: cross it if it is initialized (get_tick errors count as "not
    /// initialized"), and return the sequence index the walk continues from (the next array when
    /// the tick is the array's edge in the swap direction).
    func crossTick(_ tick: Int, arrayIndex: Int, aToB: Bool, liquidity: inout UInt128, view: (Int) -> ArrayView?) throws -> Int {
        let array = view(arrayIndex)
        if case .loaded(let arr)? = array, let t = Self.tick(in: arr, at: tick, spacing: tickSpacing) {
            liquidity = try WhirlpoolMath.addLiquidityDelta(liquidity, aToB ? -t.liquidityNet : t.liquidityNet)
        }
        let offset = WhirlpoolMath.floorDivision(tick - (array?.start ?? 0), tickSpacing)
        return (aToB && offset == 0) || (!aToB && offset == OrcaWhirlpoolIds.ticksPerArray - 1) ? arrayIndex + 1 : arrayIndex
    }

    /// `SwapTickSequence::get_next_initialized_tick_index`, where "the last array of the
    /// sequence" is the last one applied: its boundary tick becomes the step target.
    func nextInitializedTick(_ tick: Int, aToB: Bool, from startIndex: Int, view: (Int) -> ArrayView?) throws -> (Int, Int) {
        let ts = tickSpacing, tia = ticksInArray
        var search = tick
        var i = startIndex
        while true {
            guard let arr = view(i) else { throw WhirlpoolMathError.overflow("TickArraySequenceInvalidIndex") }
            let start = arr.start
            // in_search_range (shifted by one spacing for b→a).
            let lower = aToB ? start : start - ts
            guard search >= lower && search < lower + tia else {
                throw WhirlpoolMathError.overflow("InvalidTickArraySequence (tick \(search) outside array \(start))")
            }
            if case .loaded(let a) = arr {
                var offset = WhirlpoolMath.floorDivision(search - start, ts)
                if !aToB { offset += 1 }
                while (0..<OrcaWhirlpoolIds.ticksPerArray).contains(offset) {
                    if a.ticks[offset] != nil { return (i, offset * ts + start) }
                    offset += aToB ? -1 : 1
                }
            }
            if aToB && start <= WhirlpoolMath.minTick { return (i, WhirlpoolMath.minTick) }
            if !aToB && start + tia > WhirlpoolMath.maxTick { return (i, WhirlpoolMath.maxTick) }
            if view(i + 1) == nil { return (i, aToB ? start : start + tia - 1) }
            search = aToB ? start - 1 : start + tia - 1
            i += 1
        }
    }

    /// `TickArrayType::get_tick`: nil when the tick is outside the array, not a usable tick, or uninitialized.
    static func tick(in array: OrcaWhirlpoolTickArray, at tickIndex: Int, spacing: Int) -> OrcaWhirlpoolTick? {
        let start = Int(array.startTickIndex)
        guard tickIndex >= start, tickIndex < start + OrcaWhirlpoolIds.ticksPerArray * spacing,
            (WhirlpoolMath.minTick...WhirlpoolMath.maxTick).contains(tickIndex), tickIndex % spacing == 0
        else { return nil }
        let offset = (tickIndex - start) / spacing
        guard offset >= 0, offset < array.ticks.count else { return nil }
        return array.ticks[offset]
    }
}
