import SolanaCore

/// swap_v2 (raydium-clmm instructions/swap_v2.rs, states/pool.rs): liquidity @237, sqrt_price @253,
/// tick @269, protocol fees @309/@317, fund fees @1064/@1072, DynamicFeeInfo @1096; limit orders
/// filled on crossed ticks live in the tick arrays (TickState 168 B from @44: orders @124, part-filled @132).
extension RaydiumClmmPool: SwapSimulation {
    public func simulate(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> SwapEffect {
        try swap(amountIn: amountIn, inputMint: inputMint, context: context, recordState: true)
    }

    public func writeBack(_ effect: SwapEffect, accounts: [Pubkey: AccountData]) throws -> [AccountData] {
        let after = try requireState(effect)
        var w = try balanceWrites(after, accounts: accounts)
        let s = state
        try w.patch(address) { b in
            try AccountWrites.putCurve(&b, after, liquidityAt: 237, sqrtPriceAt: 253, tickAt: 269, dex)
            b.put(s.protocolFeesToken0 &+ after.protocolFeeA, at: 309)
            b.put(s.protocolFeesToken1 &+ after.protocolFeeB, at: 317)
            b.put(s.fundFeesToken0 &+ after.fundFeeA, at: 1064)
            b.put(s.fundFeesToken1 &+ after.fundFeeB, at: 1072)
            if let d = after.clmmDynamicFee {
                // DynamicFeeInfo @1096: the variable part (reference, accumulator, last update).
                b.put(UInt64(UInt32(bitPattern: d.tickSpacingIndexReference)), at: 1096 + 14, width: 4)
                b.put(UInt64(d.volatilityReference), at: 1096 + 18, width: 4)
                b.put(UInt64(d.volatilityAccumulator), at: 1096 + 22, width: 4)
                b.put(d.lastUpdateTimestamp, at: 1096 + 26)
            }
        }
        let perArray = Int64(60) * Int64(s.tickSpacing)
        for t in after.clmmTicks {
            let start = Self.floorDiv(Int64(t.tick), perArray) * perArray
            guard let key = Self.tickArrayAddress(pool: address, startTickIndex: Int32(start)) else { throw SwapWriteError.missing(address) }
            let o = 44 + Int((Int64(t.tick) - start) / Int64(s.tickSpacing)) * 168
            try w.patch(key) { b in
                b.put(t.ordersAmount, at: o + 124)
                b.put(t.partFilledOrdersRemaining, at: o + 132)
            }
        }
        return w.result(pool: address)
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
