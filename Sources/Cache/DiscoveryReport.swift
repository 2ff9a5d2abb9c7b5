import SolanaCore

/// What pool discovery found and when (`GET /v1/discovery`).
public struct DiscoveryReport: Sendable, Equatable {
    /// One pool found in the last run.
    public struct Pool: Sendable, Equatable {
        public enum State: String, Sendable, CaseIterable {
            /// In the cache and followed.
            case followed
            /// Its reserves are worth less than `min_reserve_usd`: not followed.
            case belowFloor = "below_floor"
            /// Validation refused it (see `reason`): not followed.
            case rejected
            /// Also listed in `[[pools]]`: followed as configured.
            case configured
        }
        public var address: Pubkey
        public var dex: String
        public var mintA: Pubkey
        public var mintB: Pubkey
        public var state: State
        public var reserveUSD: Double?
        public var reason: String?
        /// When this pool was first found (Unix seconds).
        public var foundAt: Double
        public init(
            address: Pubkey, dex: String, mintA: Pubkey, mintB: Pubkey, state: State, reserveUSD: Double?, reason: String?, foundAt: Double
        ) {
            self.address = address; self.dex = dex; self.mintA = mintA; self.mintB = mintB
            self.state = state; self.reserveUSD = reserveUSD; self.reason = reason; self.foundAt = foundAt
        }
    }

    public var mints: [Pubkey]
    /// The DEXes searched (`pool_type` names).
    public var dexes: [String]
    public var minReserveUSD: Double?
    public var refreshSeconds: Double
    public var runs = 0
    public var lastRunAt: Double?
    public var lastDurationSeconds: Double?
    /// `getProgramAccounts` queries per run.
    public var queriesPerRun = 0
    /// Why the last run failed (the pools found before stay followed).
    public var lastError: String?
    /// Pools added and dropped (closed, or fallen below the floor) since start.
    public var added = 0
    public var dropped = 0
    public var pools: [Pool] = []

    public init(mints: [Pubkey], dexes: [String], minReserveUSD: Double?, refreshSeconds: Double) {
        self.mints = mints; self.dexes = dexes; self.minReserveUSD = minReserveUSD; self.refreshSeconds = refreshSeconds
    }
}
