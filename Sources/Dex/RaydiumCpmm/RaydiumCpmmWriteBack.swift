import SolanaCore

/// swap_base_input (raydium-cp-swap instructions/swap_base_input.rs): vaults move by the amounts;
/// the protocol and fund shares of the trade fee accrue in the pool state (curve/fees.rs:
/// floor(trade_fee · rate / 1e6)) at @341/@349 (protocol) and @357/@365 (fund).
extension RaydiumCpmmPool: SwapSimulation {
    public func writeBack(_ effect: SwapEffect, accounts: [Pubkey: AccountData]) throws -> [AccountData] {
        try requireFullFill(effect)
        let q = effect.quote, s = state
        let aToB = q.inputMint == mintA
        let (inVault, outVault) = aToB ? (s.token0Vault, s.token1Vault) : (s.token1Vault, s.token0Vault)
        guard let cfgAccount = accounts[s.ammConfig] else { throw SwapWriteError.missing(s.ammConfig) }
        let cfg = try RaydiumCpmmAmmConfig(cfgAccount)
        let fee = UInt128(q.feeAmount)
        let protocolFee = UInt64(fee * UInt128(cfg.protocolFeeRate) / 1_000_000)
        let fundFee = UInt64(fee * UInt128(cfg.fundFeeRate) / 1_000_000)
        var w = AccountWrites(accounts)
        try w.patch(address) { b in
            let (pOff, fOff) = aToB ? (341, 357) : (349, 365)
            b.put((aToB ? s.protocolFeesToken0 : s.protocolFeesToken1) &+ protocolFee, at: pOff)
            b.put((aToB ? s.fundFeesToken0 : s.fundFeesToken1) &+ fundFee, at: fOff)
        }
        try w.moveAmount(inVault, by: Int128(q.amountIn))
        try w.moveAmount(outVault, by: -Int128(q.amountOut))
        // The pool account always counts as written here (fee counters), changed or not.
        return w.written.values.sorted { $0.address < $1.address }
    }
}
