import SolanaCore

/// A swap's quote and, when the model can state it exactly, what the program writes back.
public struct SwapEffect: Sendable {
    public var quote: Quote
    /// nil when the model cannot say exactly (e.g. DLMM limit-order layers, fees taken from output).
    public var after: PoolStateAfter?
    public init(quote: Quote, after: PoolStateAfter?) { self.quote = quote; self.after = after }
}

/// The local cluster's view of a DEX: executes a swap and writes back the bytes the program would
/// leave behind, so simulated pools move the way the chain's do. Kept apart from `PoolModel.quote`
/// so the production quote path never records write-back state.
///
/// ```swift
/// guard let sim = model as? any SwapSimulation else { throw SwapWriteError.unsupported(model.dex, "no simulation") }
/// let effect = try sim.simulate(amountIn: 1_000_000, inputMint: usdc, context: ctx)
/// let written = try sim.writeBack(effect, accounts: byAddress)   // new bytes, same addresses
/// ```
public protocol SwapSimulation: PoolModel {
    /// The exact-in swap with its write-back state recorded.
    func simulate(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> SwapEffect
    /// The accounts the swap writes (vaults, pool, tick/bin arrays, oracle …), sorted by address.
    func writeBack(_ effect: SwapEffect, accounts: [Pubkey: AccountData]) throws -> [AccountData]
}

extension SwapSimulation {
    /// Models that state no write-back beyond the quote's amounts (vault pools) simulate by quoting.
    public func simulate(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> SwapEffect {
        SwapEffect(quote: try quote(amountIn: amountIn, inputMint: inputMint, context: context), after: nil)
    }

    /// Input into its vault, output out of the other: what a constant-product vault pool's swap writes
    /// (`poolWritten`: the program also writes the pool account, even where its bytes stay the same).
    func moveVaults(
        _ effect: SwapEffect, vaultA: Pubkey, vaultB: Pubkey, accounts: [Pubkey: AccountData], poolWritten: Bool = false
    ) throws -> [AccountData] {
        try requireFullFill(effect)
        let q = effect.quote
        let (inVault, outVault) = q.inputMint == mintA ? (vaultA, vaultB) : (vaultB, vaultA)
        var w = AccountWrites(accounts)
        try w.moveAmount(inVault, by: Int128(q.amountIn))
        try w.moveAmount(outVault, by: -Int128(q.amountOut))
        if poolWritten { try w.touch(address) }
        return w.result(pool: address)
    }

    /// Writes with the state after's balance moves applied: where every stateful write-back starts.
    func balanceWrites(_ after: PoolStateAfter, accounts: [Pubkey: AccountData]) throws -> AccountWrites {
        var w = AccountWrites(accounts)
        try w.applyBalances(after)
        return w
    }

    /// Only the balance moves of the state after (pools whose own account a swap leaves unchanged).
    func writeBalances(_ effect: SwapEffect, accounts: [Pubkey: AccountData]) throws -> [AccountData] {
        try balanceWrites(try requireState(effect), accounts: accounts).result(pool: address)
    }

    /// The write-back a full fill needs: a partial fill is one the program fails.
    func requireFullFill(_ effect: SwapEffect) throws {
        if let p = effect.quote.partial { throw SwapWriteError.partialFill(p.reason) }
    }

    /// The state after, or a typed error naming this DEX.
    func requireState(_ effect: SwapEffect) throws -> PoolStateAfter {
        try requireFullFill(effect)
        guard let after = effect.after else {
            throw SwapWriteError.unsupported(dex, "the model cannot state this swap's result exactly (limit orders or fee on output)")
        }
        return after
    }
}
