import SolanaCore

/// swap (lb_clmm instructions/swap.rs, state/lb_pair.rs, state/bin.rs): v_parameters @40…@56,
/// active_id @76, protocol fees @216/@224; each touched bin's amounts and stored price in its array.
extension MeteoraDlmmPool: SwapSimulation {
    public func simulate(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> SwapEffect {
        try swap(amountIn: amountIn, inputMint: inputMint, context: context, recordState: true)
    }

    public func writeBack(_ effect: SwapEffect, accounts: [Pubkey: AccountData]) throws -> [AccountData] {
        let after = try requireState(effect)
        guard let active = after.activeBinId, let vol = after.dlmmVolatility else {
            throw SwapWriteError.unsupported(dex, "no active bin after the swap")
        }
        var w = try balanceWrites(after, accounts: accounts)
        let p = pair
        try w.patch(address) { b in
            b.put(UInt64(vol.volatilityAccumulator), at: 40, width: 4)
            b.put(UInt64(vol.volatilityReference), at: 44, width: 4)
            b.put(UInt64(UInt32(bitPattern: vol.indexReference)), at: 48, width: 4)
            b.put(UInt64(bitPattern: vol.lastUpdateTimestamp), at: 56)
            b.put(UInt64(UInt32(bitPattern: active)), at: 76, width: 4)
            b.put(p.protocolFeeX &+ after.protocolFeeA, at: 216)
            b.put(p.protocolFeeY &+ after.protocolFeeB, at: 224)
        }
        for (id, amounts) in after.binAmounts {
            let index = MeteoraDlmm.arrayIndex(ofBin: id)
            let key = binArrayAddress(Int64(index))
            let o = MeteoraDlmmBinArray.binsOffset + Int(Int64(id) - Int64(index) * 70) * MeteoraDlmmBinArray.binSize
            guard o >= 0, o + 32 <= (try w.current(key)).data.count else { throw SwapWriteError.unsupported(dex, "bin \(id) outside array \(index)") }
            try w.patch(key) { b in
                b.put(amounts.amountX, at: o)
                b.put(amounts.amountY, at: o + 8)
                b.put128(amounts.price, at: o + 16)
            }
        }
        return w.result(pool: address)
    }
}
