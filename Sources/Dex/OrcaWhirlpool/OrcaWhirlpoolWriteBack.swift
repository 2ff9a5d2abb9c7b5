import SolanaCore

/// swap / swap_v2 + post_swap_update (whirlpool manager/swap_manager.rs, state/whirlpool.rs):
/// liquidity @49, sqrt_price @65, tick @81, protocol_fee_owed @85/@93; adaptive-fee pools update
/// the Oracle's AdaptiveFeeVariables @82…@106 (state/oracle.rs).
extension OrcaWhirlpoolPool: SwapSimulation {
    public func simulate(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> SwapEffect {
        try swap(amountIn: amountIn, inputMint: inputMint, context: context, recordState: true)
    }

    public func writeBack(_ effect: SwapEffect, accounts: [Pubkey: AccountData]) throws -> [AccountData] {
        let after = try requireState(effect)
        var w = try balanceWrites(after, accounts: accounts)
        let s = state
        try w.patch(address) { b in
            try AccountWrites.putCurve(&b, after, liquidityAt: 49, sqrtPriceAt: 65, tickAt: 81, dex)
            b.put(s.protocolFeeOwedA &+ after.protocolFeeA, at: 85)
            b.put(s.protocolFeeOwedB &+ after.protocolFeeB, at: 93)
        }
        if let v = after.whirlpoolAdaptiveFee, let key = oracleAddress {
            try w.patch(key) { b in
                b.put(v.lastReferenceUpdateTimestamp, at: 82)
                b.put(v.lastMajorSwapTimestamp, at: 90)
                b.put(UInt64(v.volatilityReference), at: 98, width: 4)
                b.put(UInt64(UInt32(bitPattern: v.tickGroupIndexReference)), at: 102, width: 4)
                b.put(UInt64(v.volatilityAccumulator), at: 106, width: 4)
            }
        }
        return w.result(pool: address)
    }
}
