import PoolMath
import SolanaCore

// Meteora DLMM (`LBUZKhRxPF3XUpBCjp4YzTKgLccjZhTSDM9YuVaPwxo`). Layouts: MeteoraAg/dlmm-sdk
// `idls/dlmm.json` v0.12.0 (bytemuck repr(C), offsets include the 8-byte Anchor discriminator;
// dex-layouts.md §7). Swap math: dlmm-sdk `commons/src/quote.rs::quote_exact_in` and
// `commons/src/extensions/{lb_pair,bin,bin_array,bin_array_bitmap}.rs` @fb02e51a.

/// A DLMM pool: quotes exact-in swaps exactly as dlmm-sdk `quote_exact_in` (bin walk with
/// limit orders, fee mode, volatility accumulator at `context.now`, Token-2022 transfer fees).
///
/// ```swift
/// var pool = try MeteoraDlmmPool(pool: lbPairAccount)
/// for key in pool.accountsToWatch() { if let a = store[key] { _ = try pool.apply(a) } }
/// let q = try pool.quote(amountIn: 1_000_000_000, inputMint: pool.mintA, context: QuoteContext(now: now))
/// ```
public struct MeteoraDlmmPool: PoolModel {
    public static let dex = DexKind.meteoraDlmm
    /// Bin arrays kept in the watch set on each side of the active one.
    public static let arraysEachSide = 3

    public let address: Pubkey
    public private(set) var pair: MeteoraDlmmLbPair
    public var mintA: Pubkey { pair.tokenXMint }
    public var mintB: Pubkey { pair.tokenYMint }
    public let bitmapExtensionAddress: Pubkey
    public private(set) var bitmapExtension: MeteoraDlmmBitmapExtension?
    var reserveX: Dependent<TokenAccount>
    var reserveY: Dependent<TokenAccount>
    var mintX: Dependent<TokenMint>
    var mintY: Dependent<TokenMint>
    /// Applied bin arrays by index.
    public private(set) var binArrays: [Int64: MeteoraDlmmBinArray] = [:]
    /// PDA derivations per array index (expensive: SHA-256 + curve check per bump).
    private var pdaCache: [Int64: Pubkey] = [:]
    /// Array indexes around the active bin (current + `arraysEachSide` with liquidity each way).
    public private(set) var watchedArrayIndexes: [Int64] = []

    public static func isPool(_ account: AccountData) -> Bool { MeteoraDlmmLbPair.matches(account) }

    public init(pool: AccountData) throws {
        let p = try MeteoraDlmmLbPair(pool)
        address = pool.address
        pair = p
        bitmapExtensionAddress = MeteoraDlmm.bitmapExtensionAddress(pool: pool.address)
        reserveX = Dependent(address: p.reserveX, role: "reserve x")
        reserveY = Dependent(address: p.reserveY, role: "reserve y")
        mintX = Dependent(address: p.tokenXMint, role: "token x mint")
        mintY = Dependent(address: p.tokenYMint, role: "token y mint")
        refreshWatchedArrays()
    }

    /// The bin array PDA for `index`, from the cache when derived before.
    public func binArrayAddress(_ index: Int64) -> Pubkey {
        pdaCache[index] ?? MeteoraDlmm.binArrayAddress(pool: address, index: index)
    }

    private mutating func cachedAddress(_ index: Int64) -> Pubkey {
        if let k = pdaCache[index] { return k }
        let k = MeteoraDlmm.binArrayAddress(pool: address, index: index)
        pdaCache[index] = k
        return k
    }

    /// LbPair bitmap inside ±512, the extension beyond (nil = extension needed but not applied).
    func arrayHasLiquidity(_ index: Int32) -> Bool? {
        if index >= -MeteoraDlmm.bitmapSize && index < MeteoraDlmm.bitmapSize { return pair.bitmapHasLiquidity(index) }
        guard let ext = bitmapExtension else { return nil }
        return ext.hasLiquidity(index)
    }

    enum NextArray: Equatable { case found(Int32), none, needsExtension }

    /// `get_bin_array_pubkeys_for_swap(take_count: 1)` (quote.rs): the first array index with
    /// liquidity from `start` (inclusive) in the swap direction — LbPair bitmap, then the
    /// extension past ±512 — within the extension's range −6656…6655.
    func nextArrayWithLiquidity(from start: Int32, swapForY: Bool) -> NextArray {
        var i = start
        let step: Int32 = swapForY ? -1 : 1
        while MeteoraDlmm.extensionRange.contains(i) {
            guard let has = arrayHasLiquidity(i) else { return .needsExtension }
            if has { return .found(i) }
            i += step
        }
        return .none
    }

    private mutating func refreshWatchedArrays() {
        let active = MeteoraDlmm.arrayIndex(ofBin: pair.activeId)
        var indexes: [Int64] = [Int64(active)]
        for swapForY in [true, false] {
            var start = active + (swapForY ? -1 : 1)
            for _ in 0..<Self.arraysEachSide {
                guard case .found(let i) = nextArrayWithLiquidity(from: start, swapForY: swapForY) else { break }
                indexes.append(Int64(i))
                start = i + (swapForY ? -1 : 1)
            }
        }
        indexes.sort()
        for i in indexes { _ = cachedAddress(i) }
        watchedArrayIndexes = indexes
    }

    /// Reserves (display), both mints (DLMM keeps no decimals in the pool; also the Token-2022
    /// transfer-fee config), the bitmap extension and the bin arrays around the active bin.
    public func accountsToWatch() -> [Pubkey] {
        [pair.reserveX, pair.reserveY, pair.tokenXMint, pair.tokenYMint, bitmapExtensionAddress]
            + watchedArrayIndexes.map { pdaCache[$0] ?? binArrayAddress($0) }
    }

    public mutating func apply(_ account: AccountData) throws -> Bool {
        if account.address == address {
            let p = try MeteoraDlmmLbPair(account)
            guard p.reserveX == pair.reserveX, p.reserveY == pair.reserveY,
                p.tokenXMint == pair.tokenXMint, p.tokenYMint == pair.tokenYMint
            else {
                throw QuoteError.invalidAccount(role: "lb pair", address: address, reason: "mints or reserves changed")
            }
            pair = p
            refreshWatchedArrays()
            return true
        }
        if try reserveX.apply(account) || reserveY.apply(account) || mintX.apply(account) || mintY.apply(account) { return true }
        if account.address == bitmapExtensionAddress {
            let ext: MeteoraDlmmBitmapExtension
            do { ext = try MeteoraDlmmBitmapExtension(account) } catch let e as DecodeError {
                throw QuoteError.invalidAccount(role: "bin array bitmap extension", address: account.address, reason: e.description)
            }
            guard ext.lbPair == address else {
                throw QuoteError.invalidAccount(
                    role: "bin array bitmap extension", address: account.address,
                    reason: "belongs to pool \(ext.lbPair), not \(address)")
            }
            bitmapExtension = ext
            refreshWatchedArrays()
            return true
        }
        if account.owner == ProgramIds.meteoraDlmm && LayoutCheck.hasDiscriminator(account, MeteoraDlmmBinArray.discriminator) {
            try applyBinArray(account)
            return true
        }
        return false
    }

    private mutating func applyBinArray(_ account: AccountData) throws {
        let array: MeteoraDlmmBinArray
        do { array = try MeteoraDlmmBinArray(account) } catch let e as DecodeError {
            throw QuoteError.invalidAccount(role: "bin array", address: account.address, reason: e.description)
        }
        guard array.lbPair == address else {
            throw QuoteError.invalidAccount(
                role: "bin array", address: account.address,
                reason: "belongs to pool \(array.lbPair), not \(address)")
        }
        guard let range = array.binRange, range.lowerBound >= MeteoraDlmm.minBinId - MeteoraDlmm.binsPerArray,
            range.upperBound <= MeteoraDlmm.maxBinId + MeteoraDlmm.binsPerArray
        else {
            throw QuoteError.invalidAccount(
                role: "bin array", address: account.address,
                reason: "index \(array.index) is outside the bin id range")
        }
        // The array's address is the PDA of (pool, index): an index that does not match its
        // address is misplaced data, never stored.
        guard cachedAddress(array.index) == account.address else {
            throw QuoteError.invalidAccount(
                role: "bin array", address: account.address,
                reason: "index \(array.index) does not match the address (not the PDA of this pool and index)")
        }
        binArrays[array.index] = array
    }

    // MARK: price

    /// Q64.64 price of a bin: the stored price when the bin is in an applied array and the
    /// program has stored it, else `get_price_from_id` (what `get_or_store_bin_price` returns).
    func binPrice(_ id: Int32) throws -> UInt128 {
        if let b = binArrays[Int64(MeteoraDlmm.arrayIndex(ofBin: id))]?.bin(id), b.price != 0 { return b.price }
        guard let p = DlmmMath.priceFromId(id, binStep: pair.binStep) else {
            throw QuoteError.mathOverflow("get_price_from_id(\(id), \(pair.binStep))")
        }
        return p
    }

    /// Y per X in human units from a Q64.64 raw price.
    func humanPriceYPerX(_ price: UInt128, dx: UInt8, dy: UInt8) -> Ratio {
        Ratio.q64(price).scaled(byPow10: Int(dx) - Int(dy))
    }

    public func price(context: QuoteContext) throws -> PoolPrice {
        let mx = try mintX.get(), my = try mintY.get()
        return PoolPrice(
            mintA: pair.tokenXMint, mintB: pair.tokenYMint, decimalsA: mx.decimals, decimalsB: my.decimals,
            reserveA: reserveX.value?.amount, reserveB: reserveY.value?.amount,
            priceBPerA: humanPriceYPerX(try binPrice(pair.activeId), dx: mx.decimals, dy: my.decimals))
    }

    // MARK: quote

    /// `validate_swap_activation` (quote.rs): status must be Enabled; Permission (1) and
    /// CustomizablePermissionless (2) pairs also need the clock (slot or unix time per
    /// activation_type) at or past `activation_point`. Permissionless pairs ignore it.
    func validateSwapActivation(_ context: QuoteContext) throws {
        guard pair.status == 0 else { throw QuoteError.swapDisabled("pair status \(pair.status)") }
        guard pair.pairType <= 3 else { throw QuoteError.unsupported("pair type \(pair.pairType)") }
        if pair.pairType == 1 || pair.pairType == 2 {
            let current: UInt64
            switch pair.activationType {
            case 0: current = context.slot
            case 1: current = UInt64(bitPattern: context.now)  // `clock.unix_timestamp as u64`
            default: throw QuoteError.unsupported("activation type \(pair.activationType)")
            }
            guard current >= pair.activationPoint else {
                throw QuoteError.notOpenYet(
                    "activation point \(pair.activationPoint) (\(pair.activationType == 0 ? "slot" : "unix time")), now \(current)")
            }
        }
    }

    /// `is_support_limit_order`: LimitOrder pairs, or Undetermined pairs without reward mints.
    public var supportsLimitOrders: Bool {
        switch pair.functionType {
        case 2: return true
        case 0: return pair.rewardMints.allSatisfy { $0 == .zero }
        default: return false
        }
    }

    /// `fee_on_input`: InputOnly (0, and unknown modes) charges the input; OnlyY (1) charges Y.
    func feeOnInput(swapForY: Bool) -> Bool { pair.collectFeeMode == 1 ? !swapForY : true }

    /// Result of one bin (`swap_exact_in_quote_at_bin`).
    struct BinFill {
        var amountIn: UInt64; var amountOut: UInt64; var fee: UInt64
        /// Market-maker layer output and whether limit-order layers were filled (the bin write needs both).
        var mmOut: UInt64 = 0
        var usedLimitOrders = false
    }

    /// `calculate_exact_in_fill_amount`: fill `amount` against one liquidity layer of `maxOut`.
    static func fillLayer(price: UInt128, amount: UInt64, maxOut: UInt64, swapForY: Bool) throws -> (used: UInt64, left: UInt64, out: UInt64) {
        if maxOut == 0 { return (0, amount, 0) }
        guard let maxIn = DlmmMath.amountIn(forOut: maxOut, price: price, swapForY: swapForY, roundUp: true) else {
            throw QuoteError.mathOverflow("get_amount_in")
        }
        if amount >= maxIn { return (maxIn, amount - maxIn, maxOut) }
        guard let out = DlmmMath.amountOut(forIn: amount, price: price, swapForY: swapForY, roundUp: false) else {
            throw QuoteError.mathOverflow("get_amount_out")
        }
        return (amount, 0, out)
    }

    /// `swap_exact_in_quote_at_bin` with `get_exact_in_fill_amount_result`: fee from the
    /// fee-inclusive amount, fill MM → processed orders → open orders, and when input is left
    /// over recompute the fee on top of what was used (`compute_fee`); OnlyY output fees come
    /// off the output.
    static func swapAtBin(
        _ bin: MeteoraDlmmBin, price: UInt128, rate: DlmmFeeRate, amountIn: UInt64,
        swapForY: Bool, supportLimitOrder: Bool, feeOnInput: Bool
    ) throws -> BinFill {
        var fee: UInt64 = 0
        var excluded = amountIn
        if feeOnInput {
            guard let f = rate.feeFromAmount(amountIn), f <= amountIn else { throw QuoteError.mathOverflow("compute_fee_from_amount") }
            fee = f
            excluded = amountIn - f
        }
        let mm = try fillLayer(price: price, amount: excluded, maxOut: swapForY ? bin.amountY : bin.amountX, swapForY: swapForY)
        var used = mm.used, out = mm.out
        var usedLimitOrders = false
        if supportLimitOrder && mm.left > 0 {
            let lo = bin.limitOrderAmounts(swapForY: swapForY)
            let processed = try fillLayer(price: price, amount: mm.left, maxOut: lo.processed, swapForY: swapForY)
            var (u, o1) = used.addingReportingOverflow(processed.used)
            var (v, o2) = out.addingReportingOverflow(processed.out)
            guard !o1, !o2 else { throw QuoteError.mathOverflow("limit order fill") }
            usedLimitOrders = processed.used > 0
            if processed.left > 0 {
                let open = try fillLayer(price: price, amount: processed.left, maxOut: lo.open, swapForY: swapForY)
                (u, o1) = u.addingReportingOverflow(open.used)
                (v, o2) = v.addingReportingOverflow(open.out)
                guard !o1, !o2 else { throw QuoteError.mathOverflow("limit order fill") }
                usedLimitOrders = usedLimitOrders || open.used > 0
            }
            used = u; out = v
        }
        guard used <= excluded else { throw QuoteError.mathOverflow("bin fill") }
        let left = excluded - used
        var included = amountIn
        if left > 0 {
            excluded -= left
            if feeOnInput {
                guard let f = rate.feeOnTop(excluded) else { throw QuoteError.mathOverflow("compute_fee") }
                fee = f
                let (s, o) = excluded.addingReportingOverflow(f)
                guard !o else { throw QuoteError.mathOverflow("compute_fee") }
                included = s
            } else {
                included = excluded
            }
        }
        if !feeOnInput {
            guard let f = rate.feeFromAmount(out), f <= out else { throw QuoteError.mathOverflow("compute_fee_from_amount") }
            fee = f
            out -= f
        }
        return BinFill(amountIn: included, amountOut: out, fee: fee, mmOut: mm.out, usedLimitOrders: usedLimitOrders)
    }

    /// update_references(now) (extensions/lb_pair.rs) on a copy of the variable parameters.
    func volatilityReferences(_ context: QuoteContext) throws -> (indexReference: Int32, volatilityReference: UInt32) {
        let (elapsed, eo) = context.now.subtractingReportingOverflow(pair.lastUpdateTimestamp)
        guard !eo else { throw QuoteError.mathOverflow("update_references elapsed") }
        do {
            return try BinVolatility.references(
                elapsed: elapsed, activeId: pair.activeId, indexReference: pair.indexReference,
                volatilityReference: pair.volatilityReference, volatilityAccumulator: pair.volatilityAccumulator,
                filterPeriod: pair.filterPeriod, decayPeriod: pair.decayPeriod, reductionFactor: pair.reductionFactor)
        } catch let e as MathOverflow {
            throw QuoteError.mathOverflow(e.what)
        }
    }

    public func quote(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> Quote {
        try swap(amountIn: amountIn, inputMint: inputMint, context: context, recordState: false).quote
    }

    /// The swap, and with `recordState` what it writes back (the simulator's view; quotes pass false).
    func swap(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext, recordState: Bool) throws -> SwapEffect {
        guard amountIn > 0 else { throw QuoteError.zeroAmount }
        let swapForY = try isAToB(inputMint)
        try validateSwapActivation(context)
        let mx = try mintX.get(), my = try mintY.get()
        let (inMint, outMint) = swapForY ? (mx, my) : (my, mx)

        let references = try volatilityReferences(context)

        let feeOnInput = feeOnInput(swapForY: swapForY)
        // Token-2022 transfer fee on the way in (calculate_transfer_fee_excluded_amount).
        let inputTransferFee = inMint.transferFee(on: amountIn, epoch: context.epoch)
        guard inputTransferFee <= amountIn else { throw QuoteError.mathOverflow("input transfer fee") }
        let poolIn = amountIn - inputTransferFee
        let priceBefore = try binPrice(pair.activeId)
        var walk = MeteoraDlmmSwapEngine(pool: self, swapForY: swapForY, amountIn: poolIn, references: references)
        var after: PoolStateAfter? = recordState ? PoolStateAfter() : nil
        var partial = try walk.run(self, after: &after)
        let (activeId, amountLeft, totalOut, totalFee) = (walk.activeId, walk.amountLeft, walk.totalOut, walk.totalFee)
        // filledIn = pool-side input consumed plus the input transfer fee charged on amountIn.
        if var p = partial { p.filledIn = poolIn - amountLeft + inputTransferFee; partial = p }

        // The program pays from the output reserve: legacy limit-order bytes can promise more than
        // it holds, and then the token transfer fails (Token program error 0x1, oracle EtAdVRLF).
        if let held = (swapForY ? reserveY : reserveX).value?.amount, totalOut > held {
            throw QuoteError.insufficientLiquidity("the swap pays \(totalOut) but the output reserve holds \(held)")
        }
        // Token-2022 transfer fee on the way out.
        let outputTransferFee = outMint.transferFee(on: totalOut, epoch: context.epoch)
        let amountOut = totalOut >= outputTransferFee ? totalOut - outputTransferFee : 0
        let priceAfter = try binPrice(activeId)
        func human(_ p: UInt128) -> Ratio {
            let yPerX = humanPriceYPerX(p, dx: mx.decimals, dy: my.decimals)
            return swapForY ? yPerX : yPerX.inverted
        }
        if var a = after {
            a.move(swapForY ? pair.reserveX : pair.reserveY, by: Int128(poolIn - amountLeft))
            a.move(swapForY ? pair.reserveY : pair.reserveX, by: -Int128(totalOut))
            a.activeBinId = activeId
            if swapForY { a.protocolFeeA = walk.protocolFee } else { a.protocolFeeB = walk.protocolFee }
            // swap.rs updates the oracle's observations (`oracle.update`) on every swap.
            a.touchedAccounts = [pair.oracle]
            a.dlmmVolatility = DlmmVolatilityAfter(
                volatilityAccumulator: walk.lastVolatility, volatilityReference: references.volatilityReference,
                // The mainnet program stamps last_update_timestamp only when the active bin moved
                // (observed on its binary: scripts/oracle-swap-writes.py, swaps that stay in the
                // active bin leave it, and so the next swap's filter window, unchanged).
                indexReference: references.indexReference,
                lastUpdateTimestamp: activeId != pair.activeId ? context.now : pair.lastUpdateTimestamp)
            after = a
        }
        return SwapEffect(
            quote: Quote(
                pool: address, dex: .meteoraDlmm, inputMint: inputMint,
                outputMint: swapForY ? pair.tokenYMint : pair.tokenXMint,
                amountIn: amountIn, amountOut: amountOut, feeAmount: totalFee,
                feeMint: feeOnInput ? inputMint : pair.tokenYMint,
                priceBefore: human(priceBefore), priceAfter: human(priceAfter), partial: partial), after: after)
    }
}
