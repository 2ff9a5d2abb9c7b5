import PoolMath
import SolanaCore

/// A Meteora dynamic vault (`Vault`, 10240 bytes): token custody + lending strategies; pools hold its LP.
///
/// ```swift
/// let vault = try MeteoraVault(account)
/// let tokens = try vault.amount(byShare: poolLp.amount, totalSupply: lpMint.supply, now: now)
/// ```
public struct MeteoraVault: AnchorLayout, Equatable {
    public static let program = "meteora-vault"
    public static let kind = "Vault"
    public static let programId = ProgramIds.meteoraVault
    public static let size = 10240
    public static let discriminator = "d308e82b02987577"
    /// dynamic-vault state.rs LOCKED_PROFIT_DEGRADATION_DENOMINATOR.
    static let degradationDenominator: UInt128 = 1_000_000_000_000

    public var address: Pubkey
    public var enabled: UInt8
    public var totalAmount: UInt64
    public var tokenVault: Pubkey
    public var feeVault: Pubkey
    public var tokenMint: Pubkey
    public var lpMint: Pubkey
    /// Seed of the vault PDA ["vault", token_mint, base] (dynamic-vault seed.rs VAULT_PREFIX).
    public var base: Pubkey
    public var lastUpdatedLockedProfit: UInt64
    public var lastReport: UInt64
    public var lockedProfitDegradation: UInt64

    public init(_ a: AccountData) throws {
        try Self.check(a)
        let r = ByteReader(a.data)
        address = a.address
        enabled = try r.u8(8)
        totalAmount = try r.u64(11)
        tokenVault = try r.pubkey(19)
        feeVault = try r.pubkey(51)
        tokenMint = try r.pubkey(83)
        lpMint = try r.pubkey(115)
        base = try r.pubkey(1107)
        lastUpdatedLockedProfit = try r.u64(1203)
        lastReport = try r.u64(1211)
        lockedProfitDegradation = try r.u64(1219)
    }

    public var fields: Fields {
        [
            ("enabled", .u(enabled)), ("total_amount", .u(totalAmount)), ("token_vault", .pubkey(tokenVault)),
            ("fee_vault", .pubkey(feeVault)), ("token_mint", .pubkey(tokenMint)), ("lp_mint", .pubkey(lpMint)),
            ("base", .pubkey(base)), ("last_updated_locked_profit", .u(lastUpdatedLockedProfit)), ("last_report", .u(lastReport)),
            ("locked_profit_degradation", .u(lockedProfitDegradation)),
        ]
    }

    /// `LockedProfitTracker::calculate_locked_profit`: profit unlocks linearly at `degradation`/1e12 per second.
    public func lockedProfit(now: UInt64) throws -> UInt64 {
        guard now >= lastReport else { throw QuoteError.mathOverflow("vault \(address): clock before last_report") }
        let (ratio, o) = UInt128(now - lastReport).multipliedReportingOverflow(by: UInt128(lockedProfitDegradation))
        if o || ratio > Self.degradationDenominator { return 0 }
        return UInt64(UInt128(lastUpdatedLockedProfit) * (Self.degradationDenominator - ratio) / Self.degradationDenominator)
    }

    /// `Vault::get_unlocked_amount`: total − locked profit.
    public func unlockedAmount(now: UInt64) throws -> UInt64 {
        let locked = try lockedProfit(now: now)
        guard locked <= totalAmount else { throw QuoteError.mathOverflow("vault \(address): locked profit > total") }
        return totalAmount - locked
    }

    /// `Vault::get_amount_by_share`: share × unlocked / supply (floor).
    public func amount(byShare share: UInt64, totalSupply: UInt64, now: UInt64) throws -> UInt64 {
        try Self.mulDiv(share, try unlockedAmount(now: now), totalSupply, "vault amount by share")
    }

    /// `Vault::get_unmint_amount`: token × supply / unlocked (floor).
    public func unmintAmount(token: UInt64, totalSupply: UInt64, now: UInt64) throws -> UInt64 {
        try Self.mulDiv(token, totalSupply, try unlockedAmount(now: now), "vault unmint amount")
    }

    static func mulDiv(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ what: String) throws -> UInt64 {
        guard c > 0 else { throw QuoteError.mathOverflow(what) }
        let q = UInt128(a) * UInt128(b) / UInt128(c)
        guard q <= UInt128(UInt64.max) else { throw QuoteError.mathOverflow(what) }
        return UInt64(q)
    }
}
