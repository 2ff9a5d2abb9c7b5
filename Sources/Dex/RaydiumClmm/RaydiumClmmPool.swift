import Foundation
import PoolMath
import SolanaCore

// Raydium CLMM (CAMMCzo5…): account decoders and the exact-in quoting model.
// Source of truth: raydium-io/raydium-clmm @03b44b7f, programs/amm/src/
//   states/{pool.rs, config.rs, tick_array.rs, tickarray_bitmap_extension.rs, pool_fee.rs, oracle.rs},
//   libraries/{tick_math, sqrt_price_math, liquidity_math, swap_math, tick_array_bit_map}.rs (ported in
//   PoolMath/ClmmMath.swift), instructions/swap.rs (`swap_internal`) and swap_v2.rs (transfer fees).
// Offsets: dex-layouts.md §5 (zero_copy packed structs, 8-byte Anchor discriminator first).

/// Quoting model for one Raydium CLMM pool: walks initialized ticks across the applied tick arrays
/// exactly as `swap_internal` does (classic path, dynamic fee, fee on output, limit orders), with
/// Token-2022 transfer fees as `swap_v2`.
///
/// ```swift
/// var pool = try RaydiumClmmPool(pool: poolAccount)
/// for key in pool.accountsToWatch() { if let a = store[key] { _ = try pool.apply(a) } }
/// let q = try pool.quote(amountIn: 1_000_000_000, inputMint: KnownMints.wsol, context: QuoteContext(now: now))
/// ```
public struct RaydiumClmmPool: PoolModel {
    public static let dex = DexKind.raydiumClmm
    /// Arrays watched on each side of the current one.
    public static let arraysEachSide = 3

    public let address: Pubkey
    public private(set) var state: RaydiumClmmPoolState
    public var mintA: Pubkey { state.tokenMint0 }
    public var mintB: Pubkey { state.tokenMint1 }

    var ammConfig: Dependent<RaydiumClmmAmmConfig>
    var vault0: Dependent<TokenAccount>
    var vault1: Dependent<TokenAccount>
    var mint0: Dependent<TokenMint>
    var mint1: Dependent<TokenMint>
    var bitmapExtension: Dependent<RaydiumClmmTickArrayBitmapExtension>
    /// Applied tick arrays by start index.
    public private(set) var tickArrays: [Int32: RaydiumClmmTickArray] = [:]
    /// PDA cache: start index → tick array address.
    private var arrayAddresses: [Int32: Pubkey] = [:]
    private var watchedArrays: [Pubkey] = []

    public static func isPool(_ account: AccountData) -> Bool { RaydiumClmmPoolState.matches(account) }

    public init(pool account: AccountData) throws {
        let s = try RaydiumClmmPoolState(account)
        try Self.validate(s)
        address = account.address
        state = s
        ammConfig = Dependent(address: s.ammConfig, role: "amm config")
        vault0 = Dependent(address: s.tokenVault0, role: "token vault 0")
        vault1 = Dependent(address: s.tokenVault1, role: "token vault 1")
        mint0 = Dependent(address: s.tokenMint0, role: "token mint 0")
        mint1 = Dependent(address: s.tokenMint1, role: "token mint 1")
        let ext = RaydiumClmmPDACache.shared.find(seeds: [Array("pool_tick_array_bitmap_extension".utf8), account.address.bytes]) ?? .zero
        bitmapExtension = Dependent(address: ext, role: "tick array bitmap extension")
        refreshWatchedArrays()
    }

    /// The program divides by tick_spacing (≤ MAX_TICK_SPACING 1000, config.rs); a pool outside that cannot be quoted.
    static func validate(_ s: RaydiumClmmPoolState) throws {
        guard s.tickSpacing > 0 && s.tickSpacing <= 1000 else {
            throw DecodeError.invalidField(kind: RaydiumClmmPoolState.kind, field: "tick_spacing", reason: "\(s.tickSpacing) not in 1...1000")
        }
    }

    /// Tick array PDA (tick_array.rs `TickArrayState::key`): seeds "tick_array", pool, start as i32 big-endian.
    /// Derivations are memoized process-wide (a model is rebuilt on every pool re-subscription).
    public static func tickArrayAddress(pool: Pubkey, startTickIndex: Int32) -> Pubkey? {
        let be = withUnsafeBytes(of: startTickIndex.bigEndian) { Array($0) }
        return RaydiumClmmPDACache.shared.find(seeds: [Array("tick_array".utf8), pool.bytes, be])
    }

    /// The bitmap extension PDA (`TickArrayBitmapExtension::key`).
    public var bitmapExtensionAddress: Pubkey { bitmapExtension.address }

    func arrayAddress(_ start: Int32) -> Pubkey? {
        arrayAddresses[start] ?? Self.tickArrayAddress(pool: address, startTickIndex: start)
    }

    public func accountsToWatch() -> [Pubkey] {
        var keys = [ammConfig.address, vault0.address, vault1.address]
        if vault0.value?.isToken2022 == true { keys.append(mint0.address) }
        if vault1.value?.isToken2022 == true { keys.append(mint1.address) }
        // The default 1024-bit bitmap covers the whole tick range from tick_spacing 15 up (pool.rs).
        if state.tickSpacing < 15 { keys.append(bitmapExtension.address) }
        return keys + watchedArrays
    }

    /// Current array (when initialized) and the next `arraysEachSide` initialized arrays in each direction,
    /// found through the bitmap(s) as the swap finds them; PDAs cached per start index.
    private mutating func refreshWatchedArrays() {
        var starts: [Int64] = []
        let ts = state.tickSpacing
        let tick = Int64(state.tickCurrent)
        guard tick >= Int64(ClmmMath.minTick) && tick <= Int64(ClmmMath.maxTick) else { watchedArrays = []; return }
        let currentStart = ClmmGeometry.arrayStart(tick, ts)
        if (try? isArrayInitialized(currentStart)) == true { starts.append(currentStart) }
        for zeroForOne in [true, false] {
            var last = currentStart
            for _ in 0..<Self.arraysEachSide {
                guard case .found(let s)? = try? nextInitializedArray(after: last, zeroForOne: zeroForOne) else { break }
                starts.append(s); last = s
            }
        }
        var keys: [Pubkey] = []
        for s64 in starts {
            let s = Int32(truncatingIfNeeded: s64)
            if arrayAddresses[s] == nil { arrayAddresses[s] = Self.tickArrayAddress(pool: address, startTickIndex: s) }
            if let k = arrayAddresses[s] { keys.append(k) }
        }
        watchedArrays = keys
    }

    public mutating func apply(_ account: AccountData) throws -> Bool {
        if account.address == address {
            let s: RaydiumClmmPoolState
            do { s = try RaydiumClmmPoolState(account); try Self.validate(s) } catch let e as DecodeError {
                throw QuoteError.invalidAccount(role: "pool", address: address, reason: e.description)
            }
            // Dependents are re-keyed only if the pool points elsewhere (never on mainnet; keeps the model coherent).
            if s.ammConfig != ammConfig.address { ammConfig = Dependent(address: s.ammConfig, role: ammConfig.role) }
            if s.tokenVault0 != vault0.address { vault0 = Dependent(address: s.tokenVault0, role: vault0.role) }
            if s.tokenVault1 != vault1.address { vault1 = Dependent(address: s.tokenVault1, role: vault1.role) }
            if s.tokenMint0 != mint0.address { mint0 = Dependent(address: s.tokenMint0, role: mint0.role) }
            if s.tokenMint1 != mint1.address { mint1 = Dependent(address: s.tokenMint1, role: mint1.role) }
            state = s
            refreshWatchedArrays()
            return true
        }
        if try ammConfig.apply(account) { return true }
        if try vault0.apply(account) || vault1.apply(account) || mint0.apply(account) || mint1.apply(account) { return true }
        if account.address == bitmapExtension.address {
            let ext = try Self.decodeOwned(RaydiumClmmTickArrayBitmapExtension.self, account, role: "tick array bitmap extension")
            guard ext.poolId == address else {
                throw QuoteError.invalidAccount(
                    role: "tick array bitmap extension", address: account.address,
                    reason: "belongs to pool \(ext.poolId), not \(address)")
            }
            bitmapExtension = Dependent(address: account.address, role: bitmapExtension.role, value: ext)
            refreshWatchedArrays()
            return true
        }
        if RaydiumClmmTickArray.matches(account) {
            let array = try Self.decodeOwned(RaydiumClmmTickArray.self, account, role: "tick array")
            guard array.poolId == address else {
                throw QuoteError.invalidAccount(
                    role: "tick array", address: account.address,
                    reason: "belongs to pool \(array.poolId), not \(address)")
            }
            guard ClmmGeometry.isValidStart(Int64(array.startTickIndex), state.tickSpacing) else {
                throw QuoteError.invalidAccount(
                    role: "tick array", address: account.address,
                    reason: "start tick index \(array.startTickIndex) is not aligned to 60 × tick spacing \(state.tickSpacing)")
            }
            let start = array.startTickIndex
            if arrayAddresses[start] == nil { arrayAddresses[start] = Self.tickArrayAddress(pool: address, startTickIndex: start) }
            guard arrayAddresses[start] == account.address else {
                throw QuoteError.invalidAccount(
                    role: "tick array", address: account.address,
                    reason: "not the PDA of start tick index \(start)")
            }
            tickArrays[start] = array
            return true
        }
        return false
    }

    private static func decodeOwned<T: AccountLayout>(_ t: T.Type, _ a: AccountData, role: String) throws -> T {
        do { return try T(a) } catch let e as DecodeError {
            throw QuoteError.invalidAccount(role: role, address: a.address, reason: e.description)
        }
    }

    // MARK: Bitmap search (pool.rs / tick_array_bit_map.rs)

    enum ArraySearch: Equatable { case found(Int64), exhausted, needsExtension }

    /// Range of starts the pool's own bitmap represents (`tick_array_start_index_range`).
    private func defaultBitmapRange() -> (Int64, Int64) {
        let ts = state.tickSpacing
        var maxB = ClmmGeometry.maxTickInBitmap(ts)
        var minB = -maxB
        if maxB > Int64(ClmmMath.maxTick) { maxB = ClmmGeometry.arrayStart(Int64(ClmmMath.maxTick), ts) + ClmmGeometry.ticksInArray(ts) }
        if minB < Int64(ClmmMath.minTick) { minB = ClmmGeometry.arrayStart(Int64(ClmmMath.minTick), ts) }
        return (minB, maxB)
    }

    private func defaultBit(_ pos: Int64) -> Bool {
        guard pos >= 0 && pos < 1024 else { return false }
        return (state.tickArrayBitmap[Int(pos >> 6)] >> UInt64(pos & 63)) & 1 == 1
    }

    /// Whether the array starting at `start` is initialized; nil when the extension is needed but absent.
    func isArrayInitialized(_ start: Int64) throws -> Bool? {
        let (minB, maxB) = defaultBitmapRange()
        if start >= maxB || start < minB {
            guard let ext = bitmapExtension.value else { return nil }
            return try ext.isInitialized(start: start, state.tickSpacing)
        }
        // check_current_tick_array_is_initialized
        let compressed = start / ClmmGeometry.ticksInArray(state.tickSpacing) + 512
        return defaultBit(compressed)
    }

    /// `tick_array_bit_map::next_initialized_tick_array_start_index` on the pool's own bitmap.
    private func nextInDefaultBitmap(after last: Int64, zeroForOne: Bool) throws -> (Bool, Int64) {
        let ts = state.tickSpacing
        guard ClmmGeometry.isValidStart(last, ts) else { throw QuoteError.mathOverflow("InvalidTickArrayBoundary \(last)") }
        let tb = ClmmGeometry.maxTickInBitmap(ts)
        let n = ClmmGeometry.ticksInArray(ts)
        let next = zeroForOne ? last - n : last + n
        if next < -tb || next >= tb { return (false, last) }
        var compressed = next / n + 512
        if next < 0 && next % n != 0 { compressed -= 1 }
        let pos = compressed.magnitude
        if zeroForOne {
            for b in stride(from: Int64(pos), through: 0, by: -1) where defaultBit(b) { return (true, (b - 512) * n) }
            return (false, -tb)
        }
        for b in Int64(pos)..<1024 where defaultBit(b) { return (true, (b - 512) * n) }
        return (false, tb - n)
    }

    /// `next_tick_array_index_with_extension_info`: the next initialized array after `last` in the swap direction.
    func nextInitializedArray(after lastIn: Int64, zeroForOne: Bool) throws -> ArraySearch {
        let ts = state.tickSpacing
        var last = ClmmGeometry.arrayStart(lastIn, ts)
        for _ in 0..<64 {
            let (found, s) = try nextInDefaultBitmap(after: last, zeroForOne: zeroForOne)
            if found { return .found(s) }
            if ts >= 15 { return .exhausted }
            last = s
            guard let ext = bitmapExtension.value else { return .needsExtension }
            let (found2, s2) = try ext.nextInOneBitmap(after: last, ts, zeroForOne: zeroForOne)
            if found2 { return .found(s2) }
            last = s2
            if last < Int64(ClmmMath.minTick) || last > Int64(ClmmMath.maxTick) { return .exhausted }
        }
        return .exhausted
    }

    // MARK: Price

    static func humanPrice(sqrtPriceX64: UInt128, decimals0: UInt8, decimals1: UInt8) -> Ratio {
        Ratio.squaredQ64(sqrtPriceX64).scaled(byPow10: Int(decimals0) - Int(decimals1))
    }

    public func price(context: QuoteContext) throws -> PoolPrice {
        PoolPrice(
            mintA: mintA, mintB: mintB, decimalsA: state.mintDecimals0, decimalsB: state.mintDecimals1,
            reserveA: vault0.value?.amount, reserveB: vault1.value?.amount,
            priceBPerA: Self.humanPrice(sqrtPriceX64: state.sqrtPriceX64, decimals0: state.mintDecimals0, decimals1: state.mintDecimals1))
    }

    // MARK: Quote

    public func quote(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> Quote {
        try swap(amountIn: amountIn, inputMint: inputMint, context: context, recordState: false).quote
    }

    /// The swap, and with `recordState` what it writes back (the simulator's view; quotes pass false).
    func swap(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext, recordState: Bool) throws -> SwapEffect {
        guard amountIn > 0 else { throw QuoteError.zeroAmount }
        let zeroForOne = try isAToB(inputMint)
        let (config, inMint, outMint) = try swapInputs(zeroForOne: zeroForOne, context: context)
        // swap_v2: the transfer fee on the input is excluded before the swap.
        let inFee = inMint?.transferFee(on: amountIn, epoch: context.epoch) ?? 0
        guard inFee < amountIn else { throw QuoteError.zeroAmount }
        let netIn = amountIn - inFee
        let blockTimestamp = UInt64(UInt32(truncatingIfNeeded: context.now))  // oracle::block_timestamp() is u32
        let run = try swap(amountSpecified: netIn, zeroForOne: zeroForOne, config: config, now: blockTimestamp)

        let consumed = netIn - run.remaining
        let outFee = outMint?.transferFee(on: run.amountOut, epoch: context.epoch) ?? 0
        let out = run.amountOut - min(outFee, run.amountOut)
        var filledIn = amountIn
        if run.partial != nil {
            let inverse = inMint?.transferFeeConfig?.fee(forEpoch: context.epoch).inverseFee(forNet: consumed) ?? 0
            let (f, o) = consumed.addingReportingOverflow(inverse)
            filledIn = o ? consumed : min(f, amountIn)
        } else if consumed == 0 || run.amountOut == 0 {
            throw QuoteError.zeroOutput  // TooSmallInputOrOutputAmount
        }
        let (d0, d1) = (state.mintDecimals0, state.mintDecimals1)
        func directional(_ sp: UInt128) -> Ratio {
            let p = Self.humanPrice(sqrtPriceX64: sp, decimals0: d0, decimals1: d1)
            return zeroForOne ? p : p.inverted
        }
        // swap_v2 writes back: input vault += consumed (net of the input transfer fee), output vault −=
        // amount_calculated; price, tick, liquidity, dynamic fee state and fee counters in the pool.
        var after = PoolStateAfter()
        if recordState {
            after.move(zeroForOne ? state.tokenVault0 : state.tokenVault1, by: Int128(consumed))
            after.move(zeroForOne ? state.tokenVault1 : state.tokenVault0, by: -Int128(run.amountOut))
            after.sqrtPrice = run.sqrtPrice
            after.tickCurrent = Int32(truncatingIfNeeded: run.tick)
            after.liquidity = run.liquidity
            after.clmmDynamicFee = run.dynamicFee
            after.clmmTicks = run.touchedTicks.keys.sorted().compactMap { run.touchedTicks[$0] }
            let perArray = Int64(60) * Int64(state.tickSpacing)
            after.touchedAccounts = Set(
                run.crossedTicks.compactMap {
                    Self.tickArrayAddress(pool: address, startTickIndex: Int32(Self.floorDiv(Int64($0), perArray) * perArray))
                })
            if state.isFeeOnToken0(zeroForOne: zeroForOne) {
                after.protocolFeeA = run.protocolFee; after.fundFeeA = run.fundFee
            } else {
                after.protocolFeeB = run.protocolFee; after.fundFeeB = run.fundFee
            }
        }
        return SwapEffect(
            quote: Quote(
                pool: address, dex: .raydiumClmm, inputMint: inputMint, outputMint: zeroForOne ? mintB : mintA,
                amountIn: amountIn, amountOut: out, feeAmount: run.fee,
                feeMint: state.isFeeOnToken0(zeroForOne: zeroForOne) ? mintA : mintB,
                priceBefore: directional(state.sqrtPriceX64), priceAfter: directional(run.sqrtPrice),
                partial: run.partial.map { PartialFill(filledIn: filledIn, nextMissingAccount: $0.account, reason: $0.reason) }),
            after: recordState ? after : nil)
    }

    /// What a swap in this direction reads — the config and the Token-2022 mints of its input and
    /// output (nil for SPL Token) — once the status and open time allow it.
    func swapInputs(zeroForOne: Bool, context: QuoteContext) throws -> (RaydiumClmmAmmConfig, inMint: TokenMint?, outMint: TokenMint?) {
        if state.swapDisabled { throw QuoteError.swapDisabled("pool status \(state.status) has bit 4 (swap) set") }
        let config = try ammConfig.get()
        let (inVault, outVault) = zeroForOne ? (try vault0.get(), try vault1.get()) : (try vault1.get(), try vault0.get())
        let inMint = inVault.isToken2022 ? try (zeroForOne ? mint0 : mint1).get() : nil
        let outMint = outVault.isToken2022 ? try (zeroForOne ? mint1 : mint0).get() : nil
        // exact_internal / swap_v2: require_gt!(block_timestamp, open_time); a zero clock means "unknown".
        if context.now > 0 && UInt64(context.now) <= state.openTime {
            throw QuoteError.notOpenYet("open_time \(state.openTime) >= now \(context.now)")
        }
        return (config, inMint, outMint)
    }

    /// `swap_internal` for exact input (instructions/swap.rs), walked by `RaydiumClmmSwapEngine`.
    func swap(amountSpecified: UInt64, zeroForOne: Bool, config: RaydiumClmmAmmConfig, now: UInt64) throws -> RaydiumClmmSwapEngine.Run {
        try RaydiumClmmSwapEngine.run(pool: self, amountSpecified: amountSpecified, zeroForOne: zeroForOne, config: config, now: now)
    }
}
