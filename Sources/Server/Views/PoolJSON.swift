import Cache
import Dex
import Foundation
import SolanaCore

/// The `/v1/pools` view of one cached pool: identity, tokens, reserves, exact price, freshness.
public enum PoolJSON {
    public static func pool(_ e: PoolEntry, now: Double, detail: Bool) -> JSONText {
        var pairs: [(String, JSONText)] = [
            ("address", J.key(e.address)), ("name", J.str(e.config.name)), ("dex", J.str(e.dex?.rawValue)),
            ("status", .string(e.status.label)),
            ("status_detail", e.status.label == e.status.description ? .null : .string(e.status.description)),
        ]
        if let p = e.price {
            let o = PairName.oriented(mintA: p.mintA, mintB: p.mintB)
            pairs += [
                ("pair", .string(PairName.name(base: o.base, quote: o.quote))),
                ("mint_a", J.key(p.mintA)), ("mint_b", J.key(p.mintB)),
                ("symbol_a", .string(KnownMints.symbol(p.mintA))), ("symbol_b", .string(KnownMints.symbol(p.mintB))),
                ("decimals_a", J.int(Int(p.decimalsA))), ("decimals_b", J.int(Int(p.decimalsB))),
                ("reserve_a", J.u64(p.reserveA)), ("reserve_b", J.u64(p.reserveB)),
                ("price_b_per_a", .string(p.priceBPerA.decimalString(significant: 20))),
                ("price_a_per_b", p.priceBPerA.num.isZero ? .null : .string(p.priceBPerA.inverted.decimalString(significant: 20))),
            ]
        } else if let m = e.model {
            pairs += [("mint_a", J.key(m.mintA)), ("mint_b", J.key(m.mintB))]
        }
        pairs += [
            ("slot", J.u64(e.lastSlot)), ("slot_spread", J.u64(e.slotSpread)),
            ("age_ms", e.lastUpdate.map { J.int(max(0, Int(((now - $0) * 1000).rounded()))) } ?? .null),
            ("updates", J.u64(e.updates)),
        ]
        if detail {
            pairs.append(("accounts_watched", .array(([e.address] + e.watched).map(J.key))))
        } else {
            pairs.append(("accounts_watched", J.int(e.watched.count + 1)))
        }
        return .object(pairs)
    }

    public static func account(_ a: AccountData) -> JSONText {
        .object([
            ("address", J.key(a.address)), ("owner", J.key(a.owner)), ("slot", J.u64(a.slot)), ("lamports", J.u64(a.lamports)),
            ("data_base64", .string(Data(a.data).base64EncodedString())),
        ])
    }
}
