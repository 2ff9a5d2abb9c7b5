/// What the last account flushes did, for `/v1/health` and `/metrics`.
public struct SnapshotHealth: Sendable, Equatable {
    /// Unix time of the last flush that reached the database.
    public var lastSuccessAt: Double?
    public var consecutiveFailures = 0
    public var failuresTotal: UInt64 = 0
    public var lastError: String?

    mutating func succeeded(at time: Double) {
        lastSuccessAt = time
        consecutiveFailures = 0
        lastError = nil
    }

    mutating func failed(_ why: String) {
        consecutiveFailures += 1
        failuresTotal += 1
        lastError = String(why.prefix(300))
    }
}
