import Dex
import SolanaCore

/// Encoders: turn an exact quote into the account bytes the program would leave behind
/// (token-account amounts @64, pool fee counters), so the cluster's state moves like the chain.
public enum SwapWriter {
    public enum WriteError: Error, CustomStringConvertible {
        case unsupported(DexKind)
        case missing(Pubkey)
        public var description: String {
            switch self {
            case .unsupported(let d): return "simulated swaps are not written for \(d.rawValue) pools yet"
            case .missing(let k): return "account \(k) missing from the cluster"
            }
        }
    }

    public static func write(model: any PoolModel, quote: Quote, accounts: [Pubkey: AccountData]) throws -> [AccountData] {
        let aToB = quote.inputMint == model.mintA
        switch model {
        case let pool as RaydiumAmmV4Pool:
            // process_swap_base_in: the whole input goes to the input vault, the output leaves the other.
            let (inVault, outVault) = aToB ? (pool.info.coinVault, pool.info.pcVault) : (pool.info.pcVault, pool.info.coinVault)
            return [try moveAmount(inVault, by: Int128(quote.amountIn), accounts), try moveAmount(outVault, by: -Int128(quote.amountOut), accounts)]
        case let pool as RaydiumCpmmPool:
            // swap_base_input: vaults move by the amounts; protocol and fund shares of the trade fee
            // accrue in the pool state (fees.rs: floor(trade_fee · rate / 1e6)), creator fees likewise.
            let s = pool.state
            let (inVault, outVault) = aToB ? (s.token0Vault, s.token1Vault) : (s.token1Vault, s.token0Vault)
            guard let cfgAccount = accounts[s.ammConfig], var poolAccount = accounts[pool.address] else { throw WriteError.missing(s.ammConfig) }
            let cfg = try RaydiumCpmmAmmConfig(cfgAccount)
            let fee = UInt128(quote.feeAmount)
            let protocolFee = UInt64(fee * UInt128(cfg.protocolFeeRate) / 1_000_000)
            let fundFee = UInt64(fee * UInt128(cfg.fundFeeRate) / 1_000_000)
            var w = ByteWriter(poolAccount.data)
            let (pOff, fOff) = aToB ? (341, 357) : (349, 365)
            w.put((aToB ? s.protocolFeesToken0 : s.protocolFeesToken1) &+ protocolFee, at: pOff)
            w.put((aToB ? s.fundFeesToken0 : s.fundFeesToken1) &+ fundFee, at: fOff)
            poolAccount.data = w.bytes
            return [poolAccount, try moveAmount(inVault, by: Int128(quote.amountIn), accounts),
                    try moveAmount(outVault, by: -Int128(quote.amountOut), accounts)]
        case let pool as OrcaTokenSwapPool:
            let s = pool.state
            let (inVault, outVault) = aToB ? (s.tokenA, s.tokenB) : (s.tokenB, s.tokenA)
            return [try moveAmount(inVault, by: Int128(quote.amountIn), accounts), try moveAmount(outVault, by: -Int128(quote.amountOut), accounts)]
        default:
            throw WriteError.unsupported(model.dex)
        }
    }

    /// A token account with its amount (u64 @64) moved by `delta`.
    static func moveAmount(_ key: Pubkey, by delta: Int128, _ accounts: [Pubkey: AccountData]) throws -> AccountData {
        guard var a = accounts[key], a.data.count >= 72 else { throw WriteError.missing(key) }
        let old = try ByteReader(a.data).u64(64)
        let new = Int128(old) + delta
        guard new >= 0, new <= Int128(UInt64.max) else { throw QuoteError.mathOverflow("vault \(key) amount") }
        var w = ByteWriter(a.data)
        w.put(UInt64(new), at: 64)
        a.data = w.bytes
        return a
    }
}
