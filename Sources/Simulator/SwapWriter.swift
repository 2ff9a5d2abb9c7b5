import Dex
import SolanaCore

/// Encoders: turn an exact quote into the account bytes the program would leave behind (vault and
/// LP-token amounts @64, mint supplies @36, pool price / tick / liquidity / bins / fee counters), so
/// the cluster's state moves like the chain's.
///
/// ```swift
/// let quote = try model.quote(amountIn: 1_000_000, inputMint: usdc, context: ctx)
/// let written = try SwapWriter.write(model: model, quote: quote, accounts: byAddress)  // new bytes, same addresses
/// ```
public enum SwapWriter {
    public enum WriteError: Error, CustomStringConvertible, Equatable {
        case unsupported(DexKind, String)
        case missing(Pubkey)
        case partialFill(String)
        public var description: String {
            switch self {
            case .unsupported(let d, let why): return "simulated swaps cannot be written for this \(d.rawValue) pool: \(why)"
            case .missing(let k): return "account \(k) missing from the cluster"
            case .partialFill(let why): return "the swap would only fill partially (\(why)); the program would fail it"
            }
        }
    }

    public static func write(model: any PoolModel, quote: Quote, accounts: [Pubkey: AccountData]) throws -> [AccountData] {
        if let p = quote.partial { throw WriteError.partialFill(p.reason) }
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
            guard let cfgAccount = accounts[s.ammConfig] else { throw WriteError.missing(s.ammConfig) }
            guard var poolAccount = accounts[pool.address] else { throw WriteError.missing(pool.address) }
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
            break
        }
        guard let after = quote.stateAfter else {
            throw WriteError.unsupported(model.dex, "the model cannot state this swap's result exactly (limit orders or fee on output)")
        }
        var out: [Pubkey: AccountData] = [:]
        func current(_ key: Pubkey) throws -> AccountData {
            if let a = out[key] ?? accounts[key] { return a }
            throw WriteError.missing(key)
        }
        for (key, delta) in after.tokenAccountDeltas.sorted(by: { $0.key < $1.key }) {
            out[key] = try moveAmount(key, by: delta, accounts)
        }
        // Fee accounts outside the pool are only written when the cluster holds them.
        for (key, delta) in after.feeAccountDeltas where accounts[key] != nil { out[key] = try moveAmount(key, by: delta, accounts) }
        for (key, delta) in after.mintSupplyDeltas { out[key] = try moveU64(try current(key), at: 36, by: delta) }
        for (key, total) in after.meteoraVaultTotals { out[key] = try setU64(try current(key), at: 11, to: total) }

        var pool = try current(model.address)
        switch model {
        case let m as RaydiumClmmPool:
            let s = m.state
            var w = ByteWriter(pool.data)
            try putCurve(&w, after, liquidityAt: 237, sqrtPriceAt: 253, tickAt: 269, model.dex)
            w.put(s.protocolFeesToken0 &+ after.protocolFeeA, at: 309)
            w.put(s.protocolFeesToken1 &+ after.protocolFeeB, at: 317)
            w.put(s.fundFeesToken0 &+ after.fundFeeA, at: 1064)
            w.put(s.fundFeesToken1 &+ after.fundFeeB, at: 1072)
            if let d = after.clmmDynamicFee {
                // DynamicFeeInfo @1096: the variable part (reference, accumulator, last update).
                w.put(UInt64(UInt32(bitPattern: d.tickSpacingIndexReference)), at: 1096 + 14, width: 4)
                w.put(UInt64(d.volatilityReference), at: 1096 + 18, width: 4)
                w.put(UInt64(d.volatilityAccumulator), at: 1096 + 22, width: 4)
                w.put(d.lastUpdateTimestamp, at: 1096 + 26)
            }
            pool.data = w.bytes
            // Limit orders filled on crossed ticks live in the tick arrays.
            let perArray = Int64(60) * Int64(s.tickSpacing)
            for t in after.clmmTicks {
                let start = floorDiv(Int64(t.tick), perArray) * perArray
                guard let key = RaydiumClmmPool.tickArrayAddress(pool: m.address, startTickIndex: Int32(start)) else { throw WriteError.missing(m.address) }
                var array = try current(key)
                let o = 44 + Int((Int64(t.tick) - start) / Int64(s.tickSpacing)) * 168
                var aw = ByteWriter(array.data)
                aw.put(t.ordersAmount, at: o + 124)
                aw.put(t.partFilledOrdersRemaining, at: o + 132)
                array.data = aw.bytes
                out[key] = array
            }
        case let m as OrcaWhirlpoolPool:
            let s = m.state
            var w = ByteWriter(pool.data)
            try putCurve(&w, after, liquidityAt: 49, sqrtPriceAt: 65, tickAt: 81, model.dex)
            w.put(s.protocolFeeOwedA &+ after.protocolFeeA, at: 85)
            w.put(s.protocolFeeOwedB &+ after.protocolFeeB, at: 93)
            pool.data = w.bytes
            if let v = after.whirlpoolAdaptiveFee, let key = m.oracleAddress {
                var oracle = try current(key)
                var ow = ByteWriter(oracle.data)
                ow.put(v.lastReferenceUpdateTimestamp, at: 82)
                ow.put(v.lastMajorSwapTimestamp, at: 90)
                ow.put(UInt64(v.volatilityReference), at: 98, width: 4)
                ow.put(UInt64(UInt32(bitPattern: v.tickGroupIndexReference)), at: 102, width: 4)
                ow.put(UInt64(v.volatilityAccumulator), at: 106, width: 4)
                oracle.data = ow.bytes
                out[key] = oracle
            }
        case let m as MeteoraDlmmPool:
            let p = m.pair
            guard let active = after.activeBinId, let vol = after.dlmmVolatility else {
                throw WriteError.unsupported(model.dex, "no active bin after the swap")
            }
            var w = ByteWriter(pool.data)
            w.put(UInt64(vol.volatilityAccumulator), at: 40, width: 4)
            w.put(UInt64(vol.volatilityReference), at: 44, width: 4)
            w.put(UInt64(UInt32(bitPattern: vol.indexReference)), at: 48, width: 4)
            w.put(UInt64(bitPattern: vol.lastUpdateTimestamp), at: 56)
            w.put(UInt64(UInt32(bitPattern: active)), at: 76, width: 4)
            w.put(p.protocolFeeX &+ after.protocolFeeA, at: 216)
            w.put(p.protocolFeeY &+ after.protocolFeeB, at: 224)
            pool.data = w.bytes
            for (id, amounts) in after.binAmounts {
                let index = MeteoraDlmm.arrayIndex(ofBin: id)
                let key = m.binArrayAddress(Int64(index))
                var array = try current(key)
                let o = MeteoraDlmmBinArray.binsOffset + Int(Int64(id) - Int64(index) * 70) * MeteoraDlmmBinArray.binSize
                guard o >= 0, o + 32 <= array.data.count else { throw WriteError.unsupported(model.dex, "bin \(id) outside array \(index)") }
                var aw = ByteWriter(array.data)
                aw.put(amounts.amountX, at: o)
                aw.put(amounts.amountY, at: o + 8)
                aw.put128(amounts.price, at: o + 16)
                array.data = aw.bytes
                out[key] = array
            }
        case let m as MeteoraDammV2Pool:
            let s = m.state
            var w = ByteWriter(pool.data)
            if let sp = after.sqrtPrice { w.put128(sp, at: 456) }
            if let l = after.liquidity { w.put128(l, at: 360) }
            w.put(s.protocolAFee &+ after.protocolFeeA, at: 392)
            w.put(s.protocolBFee &+ after.protocolFeeB, at: 400)
            if let a = after.poolTokenAmountA, let b = after.poolTokenAmountB {
                w.put(a, at: 680)
                w.put(b, at: 688)
            }
            pool.data = w.bytes
        case is MeteoraDammV1Pool, is PumpSwapPool:
            break  // reserves live in vaults / vault LP (written above); the pool account does not change
        default:
            throw WriteError.unsupported(model.dex, "no encoder")
        }
        if pool.data != accounts[model.address]?.data { out[model.address] = pool }
        return out.values.sorted { $0.address < $1.address }
    }

    static func putCurve(_ w: inout ByteWriter, _ after: PoolStateAfter, liquidityAt: Int, sqrtPriceAt: Int, tickAt: Int, _ dex: DexKind) throws {
        guard let sp = after.sqrtPrice, let tick = after.tickCurrent, let l = after.liquidity else {
            throw WriteError.unsupported(dex, "no price/tick/liquidity after the swap")
        }
        w.put128(l, at: liquidityAt)
        w.put128(sp, at: sqrtPriceAt)
        w.put(UInt64(UInt32(bitPattern: tick)), at: tickAt, width: 4)
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// A token account with its amount (u64 @64) moved by `delta`.
    static func moveAmount(_ key: Pubkey, by delta: Int128, _ accounts: [Pubkey: AccountData]) throws -> AccountData {
        guard let a = accounts[key], a.data.count >= 72 else { throw WriteError.missing(key) }
        return try moveU64(a, at: 64, by: delta)
    }

    static func moveU64(_ a: AccountData, at offset: Int, by delta: Int128) throws -> AccountData {
        guard a.data.count >= offset + 8 else { throw WriteError.missing(a.address) }
        let new = Int128(try ByteReader(a.data).u64(offset)) + delta
        guard new >= 0, new <= Int128(UInt64.max) else { throw QuoteError.mathOverflow("account \(a.address) u64 @\(offset)") }
        return try setU64(a, at: offset, to: UInt64(new))
    }

    static func setU64(_ a: AccountData, at offset: Int, to value: UInt64) throws -> AccountData {
        guard a.data.count >= offset + 8 else { throw WriteError.missing(a.address) }
        var copy = a
        var w = ByteWriter(copy.data)
        w.put(value, at: offset)
        copy.data = w.bytes
        return copy
    }
}
