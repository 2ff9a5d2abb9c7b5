import SolanaCore

/// The accounts one simulated swap writes, built up from the cluster's current bytes. Token
/// accounts keep `amount` at @64 and mints `supply` at @36 (SPL Token `Account` / `Mint`).
struct AccountWrites {
    let original: [Pubkey: AccountData]
    private(set) var written: [Pubkey: AccountData] = [:]
    /// Accounts the swap writes even where their bytes stay the same (the chain notifies them).
    private(set) var touched: Set<Pubkey> = []

    init(_ accounts: [Pubkey: AccountData]) { original = accounts }

    /// The account as this swap has left it so far.
    func current(_ key: Pubkey) throws -> AccountData {
        if let a = written[key] ?? original[key] { return a }
        throw SwapWriteError.missing(key)
    }

    /// Patches bytes of an account in place.
    mutating func patch(_ key: Pubkey, _ body: (inout ByteWriter) throws -> Void) throws {
        var a = try current(key)
        var w = ByteWriter(a.data)
        try body(&w)
        a.data = w.bytes
        written[key] = a
    }

    /// An account the program writes whose bytes this swap leaves as they are.
    mutating func touch(_ key: Pubkey) throws {
        written[key] = try current(key)
        touched.insert(key)
    }

    /// A token account's amount moved by `delta`.
    mutating func moveAmount(_ key: Pubkey, by delta: Int128) throws {
        guard let a = written[key] ?? original[key], a.data.count >= 72 else { throw SwapWriteError.missing(key) }
        try moveU64(a, at: 64, by: delta)
    }

    mutating func moveU64(_ a: AccountData, at offset: Int, by delta: Int128) throws {
        guard a.data.count >= offset + 8 else { throw SwapWriteError.missing(a.address) }
        let new = Int128(try ByteReader(a.data).u64(offset)) + delta
        guard new >= 0, new <= Int128(UInt64.max) else { throw QuoteError.mathOverflow("account \(a.address) u64 @\(offset)") }
        try setU64(a.address, at: offset, to: UInt64(new))
    }

    mutating func setU64(_ key: Pubkey, at offset: Int, to value: UInt64) throws {
        guard try current(key).data.count >= offset + 8 else { throw SwapWriteError.missing(key) }
        try patch(key) { $0.put(value, at: offset) }
    }

    /// The balance moves every DEX's state-after carries: token accounts, protocol-fee accounts the
    /// cluster holds, mint supplies, Meteora vault totals (`total_amount` @11).
    mutating func applyBalances(_ after: PoolStateAfter) throws {
        for (key, delta) in after.tokenAccountDeltas.sorted(by: { $0.key < $1.key }) { try moveAmount(key, by: delta) }
        for (key, delta) in after.feeAccountDeltas where original[key] != nil { try moveAmount(key, by: delta) }
        for (key, delta) in after.mintSupplyDeltas { try moveU64(try current(key), at: 36, by: delta) }
        for (key, total) in after.meteoraVaultTotals { try setU64(key, at: 11, to: total) }
        for key in after.touchedAccounts.sorted() where original[key] != nil && written[key] == nil { try touch(key) }
    }

    /// Concentrated pools' price, tick and liquidity.
    static func putCurve(_ w: inout ByteWriter, _ after: PoolStateAfter, liquidityAt: Int, sqrtPriceAt: Int, tickAt: Int, _ dex: DexKind) throws {
        guard let sp = after.sqrtPrice, let tick = after.tickCurrent, let l = after.liquidity else {
            throw SwapWriteError.unsupported(dex, "no price/tick/liquidity after the swap")
        }
        w.put128(l, at: liquidityAt)
        w.put128(sp, at: sqrtPriceAt)
        w.put(UInt64(UInt32(bitPattern: tick)), at: tickAt, width: 4)
    }

    /// Every written account, sorted by address; `pool` only when its bytes changed.
    func result(pool: Pubkey) -> [AccountData] {
        written.values.filter { $0.address != pool || touched.contains(pool) || $0.data != original[pool]?.data }
            .sorted { $0.address < $1.address }
    }
}
