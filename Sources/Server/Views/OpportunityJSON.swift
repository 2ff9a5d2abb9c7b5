import SolanaCore

/// JSON shapes of opportunities: the bot's (`/v1/opportunities`, stream, history) and the
/// original scan's (`/scan-arbitrage`).
public enum OpportunityJSON {
    public static func bot(_ o: Opportunity) -> JSONText {
        .object([
            ("inputMint", J.key(o.inputMint)), ("outputMint", J.key(o.outputMint)),
            ("inputAmount", J.u64(o.inputAmount)), ("outputAmount", J.u64(o.outputAmount)),
            ("profit", .string(String(o.profit))), ("roi", J.num(o.roi)),
            ("route", .array(o.route.map { h in
                .object([("pool", J.key(h.pool)), ("dex", .string(h.dex)), ("inputMint", J.key(h.inputMint)),
                         ("outputMint", J.key(h.outputMint)), ("inAmount", J.u64(h.inAmount)), ("outAmount", J.u64(h.outAmount))])
            })),
            ("slot", J.u64(o.slot)),
            ("detectedAt", J.int(Int((o.detectedAt * 1000).rounded()))),
            // The bot's own field name for the same instant (ms).
            ("timestamp", J.int(Int((o.detectedAt * 1000).rounded()))),
        ])
    }

    public static func legacy(_ o: LegacyOpportunity) -> JSONText {
        .object([
            ("pool_a_id", .string(o.poolAId)), ("pool_a_dex", .string(o.poolADex)), ("pool_a_price", J.num(o.poolAPrice)),
            ("pool_b_id", .string(o.poolBId)), ("pool_b_dex", .string(o.poolBDex)), ("pool_b_price", J.num(o.poolBPrice)),
            ("pair", .string(o.pair)), ("price_diff_pct", J.num(o.priceDiffPct)),
            ("estimated_profit_pct", J.num(o.estimatedProfitPct)), ("age_ms", J.int(o.ageMs)),
        ])
    }
}
