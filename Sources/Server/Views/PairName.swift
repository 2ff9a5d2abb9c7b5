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
    public static func from(_ e: PoolEntry, now: Double) -> PriceRow? {
        guard let p = e.price, let dex = e.dex else { return nil }
        let o = PairName.oriented(mintA: p.mintA, mintB: p.mintB)
        let bPerA = p.priceBPerA.doubleValue
        let price = o.flipped ? (bPerA == 0 ? .nan : 1 / bPerA) : bPerA
        guard price.isFinite, price > 0 else { return nil }
        let age = e.lastUpdate.map { max(0, Int(((now - $0) * 1000).rounded())) } ?? -1
        return PriceRow(poolId: e.address.base58, dexName: dex.rawValue, pair: PairName.name(base: o.base, quote: o.quote), price: price,
                        baseReserve: o.flipped ? p.reserveB : p.reserveA, quoteReserve: o.flipped ? p.reserveA : p.reserveB,
                        ageMs: age, base: o.base, quote: o.quote)
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
    public var json: JSONText {
        .object([
            ("pool_id", .string(poolId)), ("dex_name", .string(dexName)), ("pair", .string(pair)), ("price", J.num(price)),
            ("base_reserve", baseReserve.map { .number(String($0)) } ?? .null),
            ("quote_reserve", quoteReserve.map { .number(String($0)) } ?? .null),
            ("age_ms", J.int(ageMs)),
        ])
    }
}
