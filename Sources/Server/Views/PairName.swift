import Foundation
import Cache
import Dex
import SolanaCore

/// The original's pair names (`SOL/USDC`): symbols from `KnownMints`, quote side chosen so the
/// price reads the usual way (USDC, then USDT, then SOL are quote tokens), whatever the pool's
/// own token order is.
///
/// ```swift
/// PairName.oriented(mintA: usdc, mintB: sol)   // (base: sol, quote: usdc, flipped: true) → "SOL/USDC"
/// ```
public enum PairName {
    static let quotePriority: [Pubkey: Int] = [KnownMints.usdc: 0, KnownMints.usdt: 1, KnownMints.wsol: 2]

    public static func oriented(mintA: Pubkey, mintB: Pubkey) -> (base: Pubkey, quote: Pubkey, flipped: Bool) {
        let pa = quotePriority[mintA] ?? 99, pb = quotePriority[mintB] ?? 99
        return pa < pb ? (mintB, mintA, true) : (mintA, mintB, false)
    }

    public static func name(base: Pubkey, quote: Pubkey) -> String { "\(KnownMints.symbol(base))/\(KnownMints.symbol(quote))" }
}

/// One row of the original `GET /prices`, oriented as `pair` names it.
public struct PriceRow: Sendable {
    public var poolId: String
    public var dexName: String
    public var pair: String
    /// Quote per base, human units.
    public var price: Double
    public var baseReserve: UInt64?
    public var quoteReserve: UInt64?
    public var ageMs: Int
    public var base: Pubkey
    public var quote: Pubkey

    /// nil for pools without a price yet.
    public static func from(_ e: PoolStore.PriceView, now: Double) -> PriceRow? {
        guard let p = e.price, let dex = e.dex else { return nil }
        let o = PairName.oriented(mintA: p.mintA, mintB: p.mintB)
        let bPerA = p.priceBPerA.doubleValue
        let price = o.flipped ? (bPerA == 0 ? .nan : 1 / bPerA) : bPerA
        guard price.isFinite, price > 0 else { return nil }
        let age = ageMs(since: e.lastUpdate, now: now)
        return PriceRow(
            poolId: e.address.base58, dexName: dex.rawValue, pair: PairName.name(base: o.base, quote: o.quote), price: price,
            baseReserve: o.flipped ? p.reserveB : p.reserveA, quoteReserve: o.flipped ? p.reserveA : p.reserveB,
            ageMs: age, base: o.base, quote: o.quote)
    }

    static func ageMs(since lastUpdate: Double?, now: Double) -> Int {
        lastUpdate.map { max(0, Int(((now - $0) * 1000).rounded())) } ?? -1
    }

    /// The same row read the other way round (`/prices/USDC%2FSOL`).
    public var inverted: PriceRow {
        var r = self
        r.pair = PairName.name(base: quote, quote: base)
        r.price = 1 / price
        r.baseReserve = quoteReserve; r.quoteReserve = baseReserve
        r.base = quote; r.quote = base
        return r
    }

    /// Legacy shape. Reserves stay JSON numbers because the original client declares them as
    /// numbers; they are written as exact integers (no float formatting). `/v1` has them as strings.
    public var json: JSONText { .object(fieldsBeforeAge + [("age_ms", J.int(ageMs))]) }

    /// Every field but `age_ms`, the one that moves with the clock (and comes last).
    var fieldsBeforeAge: [(String, JSONText)] {
        [
            ("pool_id", .string(poolId)), ("dex_name", .string(dexName)), ("pair", .string(pair)), ("price", J.num(price)),
            ("base_reserve", baseReserve.map { .number(String($0)) } ?? .null),
            ("quote_reserve", quoteReserve.map { .number(String($0)) } ?? .null),
        ]
    }
}

/// The `GET /prices` body, with each pool's row rendered once per price version: everything up to
/// `"age_ms":` is kept per pool and reused until the pool's update counter or time moves, and only
/// the age is written per request. (Rendering every row on every request was most of the 8 ms
/// that `/prices` took at 1,000 pools.)
// @unchecked Sendable: `lock` guards rendered.
final class PriceListing: @unchecked Sendable {
    private struct Rendered { var updates: UInt64; var lastUpdate: Double?; var head: String? }  // head nil: the pool has no row
    private let lock = NSLock()
    private var rendered: [Pubkey: Rendered] = [:]

    /// The same bytes as `.array(rows.map(\.json)).rendered` for `PriceRow.from(view, now:)` rows.
    func body(_ views: [PoolStore.PriceView], now: Double) -> String {
        var out = "["
        out.reserveCapacity(views.count * 260)
        lock.withLock {
            var first = true
            for v in views {
                let head: String?
                if let r = rendered[v.address], r.updates == v.updates, r.lastUpdate == v.lastUpdate {
                    head = r.head
                } else {
                    head = PriceRow.from(v, now: now).map { row in
                        var h = JSONText.object(row.fieldsBeforeAge).rendered
                        h.removeLast()  // the object's "}"
                        return h + #","age_ms":"#
                    }
                    rendered[v.address] = Rendered(updates: v.updates, lastUpdate: v.lastUpdate, head: head)
                }
                guard let head else { continue }
                if !first { out += "," }
                first = false
                out += head
                out += String(PriceRow.ageMs(since: v.lastUpdate, now: now))
                out += "}"
            }
            // Pools removed since: forget their rows (only when there are noticeably more).
            if rendered.count > views.count + 64 {
                let present = Set(views.map(\.address))
                rendered = rendered.filter { present.contains($0.key) }
            }
        }
        out += "]"
        return out
    }
}
