import Dex
import PoolMath
import SolanaCore

/// Finds fee-aware, size-optimised arbitrage cycles over the mint graph of the cached pools, with
/// every hop priced by the pool's exact quoter (fees, ticks, bins, transfer fees included).
///
/// Pools are edges both ways between their two mints. Cycles of 2…`maxHops` hops start and end at
/// the configured start mints; for each combination of pools the input that maximises net profit is
/// found by `SizeSearch` on exact quotes, net of the transaction cost. Combinations are pruned
/// soundly first: a product of per-pool upper bounds on the marginal rate (mid price less a lower
/// bound of the fee) that is ≤ 1 means no size can profit. Not thread-safe: the caller serialises.
///
/// ```swift
/// let engine = ArbitrageEngine(config: ArbitrageConfig())
/// engine.upsert(PoolSnapshot(model: model, status: .ok, slot: slot, updatedAtMs: nowMs))
/// let fresh = engine.changed(model.address, at: ScanTime(unixMs: nowMs, slot: slot))  // cycles through it
/// if engine.fullScanDue(at: time) { let all = engine.scanAll(at: time) }          // 5 s safety net
/// ```
public final class ArbitrageEngine {
    public let config: ArbitrageConfig

    struct TrackedPool {
        var snapshot: PoolSnapshot
        var a: Int, b: Int
        /// Mid price, B per A in human units (display) — nil when the model could not price.
        var mid: Ratio?
        /// Mid price in raw units, Q64.64 floor, A→B and B→A (0 = unknown).
        var midAB: UInt128 = 0, midBA: UInt128 = 0
        /// Upper bounds on the marginal rate of each direction, Q64.64.
        var boundAB: UInt128 = RateBound.unbounded, boundBA: UInt128 = RateBound.unbounded
    }

    /// A pool usable for one hop direction during one evaluation.
    struct Candidate {
        var address: Pubkey
        var model: any PoolModel
        var bound: UInt128
        var slot: UInt64
    }

    private var pools: [Pubkey: TrackedPool] = [:]
    private var mintIds: [Pubkey: Int] = [:]
    private var mints: [Pubkey] = []
    private var pairPools: [UInt64: [Pubkey]] = [:]
    private var cycles: [MintCycle] = []
    private var cyclesByPair: [UInt64: [(cycle: Int, hop: Int)]] = [:]
    private var cyclesDirty = true
    private var _cyclesTruncated = false
    private var medianCache: [UInt64: UInt128?] = [:]
    public private(set) var lastFullScanMs: Int64?
    /// Quote calls made by the last `changed`/`scanAll` (size search only).
    public private(set) var lastQuoteCalls = 0
    /// Pool combinations evaluated by size search in the last call (after pruning).
    public private(set) var lastCombinationsSearched = 0

    public init(config: ArbitrageConfig = ArbitrageConfig()) { self.config = config }

    public var poolCount: Int { pools.count }
    /// Mint cycles currently indexed (each can be served by several pool combinations).
    public var cycleCount: Int { rebuildCyclesIfNeeded(); return cycles.count }
    /// Mint cycles indexed per length in hops (2…`maxHops`; lengths without a cycle are absent).
    public var cycleCountsByHops: [Int: Int] {
        rebuildCyclesIfNeeded()
        var counts: [Int: Int] = [:]
        for c in cycles { counts[c.hops, default: 0] += 1 }
        return counts
    }
    /// True when the mint graph has more than `maxCycles` cycles: the longest ones were left out.
    public var cyclesTruncated: Bool { rebuildCyclesIfNeeded(); return _cyclesTruncated }

    // MARK: pool set

    /// Adds or replaces a pool; its bounds and mid price are derived at the snapshot's own slot/time.
    public func upsert(_ snapshot: PoolSnapshot) {
        let key = snapshot.address
        let a = mintId(snapshot.model.mintA), b = mintId(snapshot.model.mintB)
        if let old = pools[key], old.a == a, old.b == b {
            // Same pair: membership unchanged, the cycle index stays valid.
        } else {
            if pools[key] != nil { remove(key) }
            pairPools[MintCycle.pairKey(a, b), default: []].append(key)
            cyclesDirty = true
        }
        var entry = TrackedPool(snapshot: snapshot, a: a, b: b)
        let t = ScanTime(unixMs: snapshot.updatedAtMs, slot: snapshot.slot)
        derive(&entry, context: t.quoteContext)
        pools[key] = entry
        invalidateMedians(a, b)
    }

    public func remove(_ pool: Pubkey) {
        guard let e = pools.removeValue(forKey: pool) else { return }
        let pk = MintCycle.pairKey(e.a, e.b)
        pairPools[pk]?.removeAll { $0 == pool }
        if pairPools[pk]?.isEmpty == true { pairPools[pk] = nil }
        cyclesDirty = true
        invalidateMedians(e.a, e.b)
    }

    /// `ok` when the pool's mid price is within `outlierThresholdBps` of the median of its pair's
    /// healthy pools (status ok, priced), `outlier` beyond it, `unknown` without a price.
    public func priceStatus(_ pool: Pubkey) -> PriceStatus {
        guard let e = pools[pool], e.midAB != 0 else { return .unknown }
        guard let median = medianMid(from: e.a, to: e.b) else { return .unknown }
        let v = e.midAB
        let gap = v > median ? v - median : median - v
        // gap / median > threshold / 10_000  ⇔  gap × 10_000 > threshold × median (full width).
        let lhs = gap.multipliedFullWidth(by: 10_000), rhs = median.multipliedFullWidth(by: UInt128(config.outlierThresholdBps))
        return (lhs.high, lhs.low) > (rhs.high, rhs.low) ? .outlier : .ok
    }

    public func fullScanDue(at time: ScanTime) -> Bool {
        guard let last = lastFullScanMs else { return true }
        return time.unixMs - last >= config.fullScanIntervalMs
    }

    // MARK: evaluation

    /// Re-evaluates only the cycles through `pool` (call after `upsert` of its new state).
    public func changed(_ pool: Pubkey, at time: ScanTime) -> [Opportunity] {
        rebuildCyclesIfNeeded()
        lastQuoteCalls = 0; lastCombinationsSearched = 0
        guard let e = pools[pool], isUsable(e, time) else { return [] }
        var scan = Scan(time: time)
        // Gather every surviving combination first, then spend the call's budget on the best bounds.
        var combos: [Combination] = []
        for (c, hop) in cyclesByPair[MintCycle.pairKey(e.a, e.b)] ?? [] {
            let cycle = cycles[c]
            let forward = cycle.from(hop: hop) == e.a
            let fixed = Candidate(address: pool, model: e.snapshot.model, bound: forward ? e.boundAB : e.boundBA, slot: e.snapshot.slot)
            combinations(c, fixed: (hop, fixed), scan: &scan, into: &combos)
        }
        if combos.count > config.maxSearchesPerChange {
            // Stable: equal bounds keep cycle order, so the choice is deterministic.
            combos = combos.enumerated().sorted { ($0.element.bound, $1.offset) > ($1.element.bound, $0.offset) }
                .prefix(config.maxSearchesPerChange).map(\.element)
        }
        var found: [Opportunity] = []
        for combo in combos {
            if let o = sizeAndPrice(cycles[combo.cycle], combo.legs, maxIn: combo.maxIn, costs: combo.costs, scan: scan) { found.append(o) }
        }
        return ranked(found)
    }

    /// Evaluates every cycle (the periodic safety net). Re-derives every pool's bounds at `time`
    /// first, so time-dependent fees (schedulers, volatility decay) are current.
    public func scanAll(at time: ScanTime) -> [Opportunity] {
        rebuildCyclesIfNeeded()
        lastQuoteCalls = 0; lastCombinationsSearched = 0
        let context = time.quoteContext
        for key in pools.keys { derive(&pools[key]!, context: context) }
        medianCache.removeAll(keepingCapacity: true)
        var scan = Scan(time: time)
        var found: [Opportunity] = []
        for c in cycles.indices {
            var combos: [Combination] = []
            combinations(c, fixed: nil, scan: &scan, into: &combos)
            for combo in combos {
                if let o = sizeAndPrice(cycles[c], combo.legs, maxIn: combo.maxIn, costs: combo.costs, scan: scan) { found.append(o) }
            }
        }
        lastFullScanMs = time.unixMs
        return ranked(found)
    }

    /// Per-call caches: candidate lists per hop direction, cost conversions per start mint.
    struct Scan {
        var time: ScanTime
        var context: QuoteContext
        var candidates: [UInt64: [Candidate]] = [:]
        /// (tx cost, min profit, SOL-per-unit rate) per start mint; nil = no SOL price for it.
        var costs: [Int: (txCost: UInt64, minProfit: UInt64, lamportsPerUnit: UInt128)?] = [:]
        init(time: ScanTime) { self.time = time; self.context = time.quoteContext }
    }

    /// One pool combination for a cycle that survived pruning, with the product of its rate bounds.
    struct Combination {
        var cycle: Int
        var legs: [Candidate]
        var bound: UInt128
        var maxIn: UInt64
        var costs: (txCost: UInt64, minProfit: UInt64, lamportsPerUnit: UInt128)
    }

    /// Up to `maxSearchesPerCycle` pool combinations for cycle `c` whose product of rate bounds
    /// exceeds 1, best bounds first (branch and bound over candidate lists sorted by bound).
    private func combinations(_ c: Int, fixed: (hop: Int, pool: Candidate)?, scan: inout Scan, into out: inout [Combination]) {
        let cycle = cycles[c]
        let start = mints[cycle.start]
        guard let maxIn = config.maxInput[start], maxIn > 0, let costs = startCosts(cycle.start, &scan) else { return }
        let k = cycle.hops
        var lists: [[Candidate]] = []
        lists.reserveCapacity(k)
        for i in 0..<k {
            if let f = fixed, f.hop == i { lists.append([f.pool]); continue }
            let list = candidates(from: cycle.from(hop: i), to: cycle.to(hop: i), &scan)
            if list.isEmpty { return }
            lists.append(list)
        }
        // suffix[i] = product of the best bounds of hops i..<k (for branch and bound).
        var suffix = [UInt128](repeating: RateBound.one, count: k + 1)
        for i in stride(from: k - 1, through: 0, by: -1) { suffix[i] = RateBound.mulUp(suffix[i + 1], lists[i][0].bound) }
        if suffix[0] <= RateBound.one { return }
        var chosen = [Candidate](repeating: lists[0][0], count: k)
        var budget = config.maxSearchesPerCycle
        func walk(_ i: Int, _ product: UInt128) {
            for cand in lists[i] {
                if budget == 0 { return }
                let p = RateBound.mulUp(product, cand.bound)
                // Lists are sorted by bound, best first: once the bound fails, the rest fail too.
                if RateBound.mulUp(p, suffix[i + 1]) <= RateBound.one { break }
                if (0..<i).contains(where: { chosen[$0].address == cand.address }) { continue }
                chosen[i] = cand
                if i == k - 1 {
                    budget -= 1
                    out.append(Combination(cycle: c, legs: chosen, bound: p, maxIn: maxIn, costs: costs))
                } else {
                    walk(i + 1, p)
                }
            }
        }
        walk(0, RateBound.one)
    }

    private func sizeAndPrice(
        _ cycle: MintCycle, _ legs: [Candidate], maxIn: UInt64,
        costs: (txCost: UInt64, minProfit: UInt64, lamportsPerUnit: UInt128), scan: Scan
    ) -> Opportunity? {
        var lo = UInt64.max, hi: UInt64 = 0
        for l in legs { lo = min(lo, l.slot); hi = max(hi, l.slot) }
        if hi - lo > config.maxSlotSpread { return nil }
        lastCombinationsSearched += 1
        let k = cycle.hops
        let inputs = (0..<k).map { mints[cycle.from(hop: $0)] }
        let context = scan.context
        var calls = 0
        // A failed or partial quote anywhere means the size cannot be filled: the input is lost.
        let best = SizeSearch.maximise(lo: 1, hi: maxIn) { x in
            var amount = x
            for i in 0..<k {
                calls += 1
                guard let q = try? legs[i].model.quote(amountIn: amount, inputMint: inputs[i], context: context), q.partial == nil
                else { return -Int128(x) }
                amount = q.amountOut
            }
            return Int128(amount) - Int128(x)
        }
        lastQuoteCalls += calls
        guard best.profit > 0 else { return nil }
        let gross = UInt64(best.profit)
        guard gross > costs.txCost else { return nil }
        let net = gross - costs.txCost
        guard net >= costs.minProfit else { return nil }
        // Replay the best size to record each leg's exact amounts.
        var route: [RouteLeg] = []
        var amount = best.size
        for i in 0..<k {
            guard let q = try? legs[i].model.quote(amountIn: amount, inputMint: inputs[i], context: context),
                let e = pools[legs[i].address]
            else { return nil }
            route.append(
                RouteLeg(
                    pool: legs[i].address, dex: q.dex, inputMint: q.inputMint, outputMint: q.outputMint,
                    inAmount: amount, outAmount: q.amountOut, midPrice: e.mid,
                    inputIsTokenA: q.inputMint == e.snapshot.model.mintA,
                    priceStatus: priceStatus(legs[i].address), updatedAtMs: e.snapshot.updatedAtMs))
            amount = q.amountOut
        }
        return Opportunity(
            inputMint: mints[cycle.start], inputAmount: best.size, outputAmount: amount, grossProfit: gross,
            txCost: costs.txCost, profit: net,
            profitLamports: RateBound.convertDown(net, rate: costs.lamportsPerUnit),
            route: route, slot: scan.time.slot, detectedAtMs: scan.time.unixMs, quoteCalls: best.evaluations * k)
    }

    private func ranked(_ found: [Opportunity]) -> [Opportunity] {
        let sorted = found.sorted {
            if $0.profitLamports != $1.profitLamports { return $0.profitLamports > $1.profitLamports }
            if $0.profit != $1.profit { return $0.profit > $1.profit }
            return $0.routeKey.lexicographicallyPrecedes($1.routeKey)
        }
        return Array(sorted.prefix(config.maxResults))
    }

    // MARK: derived state

    private func isUsable(_ e: TrackedPool, _ time: ScanTime) -> Bool {
        guard e.snapshot.status == .ok, e.mid != nil else { return false }
        guard time.unixMs - e.snapshot.updatedAtMs <= config.maxAgeMs else { return false }
        if config.skipOutliers && priceStatus(e.snapshot.address) == .outlier { return false }
        return true
    }

    /// Usable pools for one hop direction, best rate bound first.
    private func candidates(from x: Int, to y: Int, _ scan: inout Scan) -> [Candidate] {
        let key = MintCycle.directedKey(x, y)
        if let cached = scan.candidates[key] { return cached }
        var list: [Candidate] = []
        for address in pairPools[MintCycle.pairKey(x, y)] ?? [] {
            guard let e = pools[address], isUsable(e, scan.time) else { continue }
            list.append(Candidate(address: address, model: e.snapshot.model, bound: e.a == x ? e.boundAB : e.boundBA, slot: e.snapshot.slot))
        }
        list.sort { $0.bound > $1.bound }
        scan.candidates[key] = list
        return list
    }

    /// Transaction cost and minimum profit in the start mint, converted at the median mid price of
    /// the usable SOL/start-mint pools (1:1 for SOL). Nil when there is no such pool.
    private func startCosts(_ start: Int, _ scan: inout Scan) -> (txCost: UInt64, minProfit: UInt64, lamportsPerUnit: UInt128)? {
        if let cached = scan.costs[start] { return cached }
        var result: (txCost: UInt64, minProfit: UInt64, lamportsPerUnit: UInt128)?
        if mints[start] == KnownMints.wsol {
            result = (config.txCostLamports, config.minProfitLamports, RateBound.one)
        } else if let sol = mintIds[KnownMints.wsol], let unitsPerLamport = medianMid(from: sol, to: start), unitsPerLamport != 0 {
            let lamportsPerUnit = RateBound.down(num: BigNat(RateBound.one), den: BigNat(unitsPerLamport))
            result = (
                RateBound.convertUp(config.txCostLamports, rate: unitsPerLamport),
                RateBound.convertUp(config.minProfitLamports, rate: unitsPerLamport), lamportsPerUnit
            )
        }
        scan.costs[start] = .some(result)
        return result
    }

    /// Lower median of the raw mid prices (y per x, Q64.64) of the pair's pools with status ok.
    private func medianMid(from x: Int, to y: Int) -> UInt128? {
        let key = MintCycle.directedKey(x, y)
        if let cached = medianCache[key] { return cached }
        var values: [UInt128] = []
        for address in pairPools[MintCycle.pairKey(x, y)] ?? [] {
            guard let e = pools[address], e.snapshot.status == .ok else { continue }
            let v = e.a == x ? e.midAB : e.midBA
            if v != 0 { values.append(v) }
        }
        values.sort()
        let median = values.isEmpty ? nil : values[(values.count - 1) / 2]
        medianCache[key] = .some(median)
        return median
    }

    private func invalidateMedians(_ a: Int, _ b: Int) {
        medianCache[MintCycle.directedKey(a, b)] = nil
        medianCache[MintCycle.directedKey(b, a)] = nil
    }

    private func mintId(_ mint: Pubkey) -> Int {
        if let id = mintIds[mint] { return id }
        mintIds[mint] = mints.count
        mints.append(mint)
        return mints.count - 1
    }

    private func rebuildCyclesIfNeeded() {
        guard cyclesDirty else { return }
        var neighbours: [Int: [Int]] = [:]
        for (key, list) in pairPools where !list.isEmpty {
            let x = Int(key >> 32), y = Int(key & 0xFFFF_FFFF)
            neighbours[x, default: []].append(y)
            neighbours[y, default: []].append(x)
        }
        for k in neighbours.keys { neighbours[k]!.sort() }
        let starts = config.startMints.compactMap { mintIds[$0] }
        (cycles, _cyclesTruncated) = MintCycle.enumerate(
            starts: starts, maxHops: config.maxHops, limit: config.maxCycles,
            neighbours: neighbours
        ) { x, y in
            self.pairPools[MintCycle.pairKey(x, y)]?.count ?? 0
        }
        cyclesByPair.removeAll(keepingCapacity: true)
        for (c, cycle) in cycles.enumerated() {
            for hop in 0..<cycle.hops { cyclesByPair[MintCycle.pairKey(cycle.from(hop: hop), cycle.to(hop: hop)), default: []].append((c, hop)) }
        }
        cyclesDirty = false
    }

    /// Mid price and rate bounds of a pool at `context`.
    ///
    /// The bound of a direction is mid × (1 − fee_lb), rounded up, where fee_lb = (fee − 1) / probe
    /// from a small exact probe quote whose fee is charged on the input (programs round fees up or
    /// down, so fee − 1 never exceeds the fee rate times the probe). Fees charged on the output and
    /// transfer fees are left out, which only loosens the bound. If the probe's own rate exceeds
    /// the bound (a model whose mid is not its marginal price), the direction is left unbounded.
    private func derive(_ e: inout TrackedPool, context: QuoteContext) {
        let model = e.snapshot.model
        guard let price = try? model.price(context: context), price.priceBPerA.isDefined, !price.priceBPerA.num.isZero else {
            e.mid = nil; e.midAB = 0; e.midBA = 0; e.boundAB = RateBound.unbounded; e.boundBA = RateBound.unbounded
            return
        }
        e.mid = price.priceBPerA
        let raw = price.priceBPerA.scaled(byPow10: Int(price.decimalsB) - Int(price.decimalsA))
        e.midAB = RateBound.down(num: raw.num, den: raw.den)
        e.midBA = RateBound.down(num: raw.den, den: raw.num)
        (e.boundAB, e.boundBA) = MarginalRateBound.both(model, price: price, context: context, discountFee: true)
    }
}
