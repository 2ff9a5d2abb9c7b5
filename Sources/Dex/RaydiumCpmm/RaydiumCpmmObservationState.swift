import PoolMath
import SolanaCore

/// CPMM `ObservationState` (4075 B): the price oracle ring buffer. Not needed for quotes; decoded
/// only so `decode` recognises it (owner + size + discriminator checks).
public struct RaydiumCpmmObservationState: AnchorLayout, Equatable {
    public static let program = "raydium-cpmm"
    public static let kind = "ObservationState"
    public static let programId = ProgramIds.raydiumCpmm
    public static let size = 4075
    public static let discriminator = "7aaec5358109a584"
    public var initialized: Bool
    public var poolId: Pubkey

    public init(_ a: AccountData) throws {
        try Self.check(a)
        let r = ByteReader(a.data)
        // states/oracle.rs: initialized bool @8, observation_index u16 @9, pool_id @11.
        initialized = try r.bool(8)
        poolId = try r.pubkey(11)
    }
    public var fields: Fields { [("initialized", .u(initialized ? 1 : 0)), ("pool_id", .pubkey(poolId))] }
}
