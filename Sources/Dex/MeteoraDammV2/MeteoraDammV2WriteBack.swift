import SolanaCore

/// cp-amm `swap` (state/pool.rs `apply_swap_result`): sqrt_price @456, liquidity @360, protocol fees
/// @392/@400, for compounding pools token_a_amount / token_b_amount @680/@688, and the dynamic
/// fee's variables (DammV2DynamicFeeAfter).
extension MeteoraDammV2Pool: SwapSimulation {
    public func simulate(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> SwapEffect {
        try swap(amountIn: amountIn, inputMint: inputMint, context: context, recordState: true)
    }

    public func writeBack(_ effect: SwapEffect, accounts: [Pubkey: AccountData]) throws -> [AccountData] {
        let after = try requireState(effect)
        var w = try balanceWrites(after, accounts: accounts)
        let s = state
        if s.dynamicFee.initialized != 0 && after.dammV2DynamicFee == nil {
            throw SwapWriteError.unsupported(dex, "dynamic fee state after the swap overflows (the program would fail)")
        }
        try w.patch(address) { b in
            if let d = after.dammV2DynamicFee {
                b.put(d.lastUpdateTimestamp, at: 80)
                b.put128(d.sqrtPriceReference, at: 104)
                b.put128(d.volatilityAccumulator, at: 120)
                b.put128(d.volatilityReference, at: 136)
            }
            if let sp = after.sqrtPrice { b.put128(sp, at: 456) }
            if let l = after.liquidity { b.put128(l, at: 360) }
            b.put(s.protocolAFee &+ after.protocolFeeA, at: 392)
            b.put(s.protocolBFee &+ after.protocolFeeB, at: 400)
            if let a = after.poolTokenAmountA, let bb = after.poolTokenAmountB {
                b.put(a, at: 680)
                b.put(bb, at: 688)
            }
        }
        return w.result(pool: address)
    }
}
