import Arbitrage
import SolanaCore

/// JSON shapes of the one `Opportunity`: the bot's (`/v1/opportunities`, stream, history: amounts as
/// strings, `roi` a fraction, times in ms) and the original scan's (`/scan-arbitrage`).
public enum OpportunityJSON {
    public static func bot(_ o: Opportunity) -> JSONText {
        .object([
            ("inputMint", J.key(o.inputMint)), ("outputMint", J.key(o.outputMint)),
            ("inputAmount", J.u64(o.inputAmount)), ("outputAmount", J.u64(o.outputAmount)),
            ("profit", .string(String(o.profit))), ("roi", J.num(o.roiFraction)),
            (
                "route",
                .array(
                    o.route.map { h in
                        .object([
                            ("pool", J.key(h.pool)), ("dex", .string(h.dex.rawValue)), ("inputMint", J.key(h.inputMint)),
                            ("outputMint", J.key(h.outputMint)), ("inAmount", J.u64(h.inAmount)), ("outAmount", J.u64(h.outAmount)),
                        ])
                    })
            ),
            ("slot", J.u64(o.slot)),
            ("detectedAt", J.int(Int(o.detectedAtMs))),
            // The bot's own field name for the same instant (ms).
            ("timestamp", J.int(Int(o.detectedAtMs))),
        ])
    }

    /// The original's row: prices with 12 significant digits, percentages with 8 (exact decimals of the Ratios).
    public static func legacy(_ g: PairGap) -> JSONText {
        .object([
            ("pool_a_id", .string(g.poolA.base58)), ("pool_a_dex", .string(g.poolADex.rawValue)),
            ("pool_a_price", .number(g.poolAPrice.decimalString(significant: 12))),
            ("pool_b_id", .string(g.poolB.base58)), ("pool_b_dex", .string(g.poolBDex.rawValue)),
            ("pool_b_price", .number(g.poolBPrice.decimalString(significant: 12))),
            ("pair", .string(g.pair)), ("price_diff_pct", .number(g.priceDiffPercent.decimalString(significant: 8))),
            ("estimated_profit_pct", .number(g.estimatedProfitPercent.decimalString(significant: 8))), ("age_ms", J.int(Int(g.ageMs))),
        ])
    }
}
