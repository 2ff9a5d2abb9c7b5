/// `[database]`: the opportunity history and account snapshots. SQLite unless a PostgreSQL URL is set.
public struct PersistenceSettings: Sendable, Equatable {
    public enum Backend: Sendable, Equatable {
        case sqlite(path: String)
        case postgres(url: String)
        case disabled
    }
    public var backend: Backend = .sqlite(path: "solana-pool-cache.sqlite")
    public var recordOpportunities = true
    /// Save account snapshots for warm start.
    public var recordAccounts = true
    /// Seconds between account snapshot flushes.
    public var snapshotIntervalSeconds: Double = 5
    public init() {}
}
