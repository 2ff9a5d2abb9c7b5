import PoolMath
import SolanaCore

/// Marinade liquid-staking `State` (2616 bytes); DAMM v1 mSOL depeg pools read `msol_price` from it.
///
/// ```swift
/// let vp = try MarinadeState(account).virtualPrice   // msol_price × 1e6 / 2^32
/// ```
public struct MarinadeState: AnchorLayout, Equatable {
    public static let program = "marinade"
    public static let kind = "State"
    public static let programId = ProgramIds.marinade
    public static let size = 2616
    public static let discriminator = "d8926b5e684bb6b1"
    /// dynamic-amm-quote depeg/marinade.rs `stake::ID`.
    public static let stateAddress = Pubkey("8szGkuLTAux9XMgZ2vtY39jVSowEcpBfFfD8hXSEqdGC")

    public var address: Pubkey
    public var msolMint: Pubkey
    public var msolSupply: UInt64
    /// mSOL price in SOL × 2^32 (`State::PRICE_DENOMINATOR`), Borsh offset 512 (marinade state.rs field order).
    public var msolPrice: UInt64

    public init(_ a: AccountData) throws {
        try Self.check(a)
        let r = ByteReader(a.data)
        address = a.address
        msolMint = try r.pubkey(8)
        msolSupply = try r.u64(504)
        msolPrice = try r.u64(512)
    }

    /// depeg/marinade.rs get_virtual_price: msol_price × 1e6 / 2^32.
    public var virtualPrice: UInt64? {
        let v = UInt128(msolPrice) * 1_000_000 / (1 << 32)
        return v <= UInt128(UInt64.max) ? UInt64(v) : nil
    }

    public var fields: Fields {
        [("msol_mint", .pubkey(msolMint)), ("msol_supply", .u(msolSupply)), ("msol_price", .u(msolPrice))]
    }
}
