import Foundation
import SolanaCore

/// Durable storage for the service: the opportunity history and the last snapshot of every
/// watched account (warm start). Two implementations: `SQLiteStore` (default, embedded) and
/// `PostgresStore` (when `[database] url` is set). Both apply the same versioned migrations and
/// never drop data.
///
/// ```swift
/// let db = try SQLiteStore(path: "cache.sqlite")
/// try await db.migrate()
/// try await db.saveAccounts([AccountSnapshot(account: account, savedAt: now)])
/// let warm = try await db.loadAccounts()
/// ```
public protocol PersistenceStore: Sendable {
    /// Applies pending migrations; returns the schema version now in force.
    @discardableResult func migrate() async throws -> Int
    func schemaVersion() async throws -> Int
    func recordOpportunities(_ items: [OpportunityRecord]) async throws
    /// Most recent first.
    func opportunityHistory(limit: Int) async throws -> [OpportunityRecord]
    func opportunityCount() async throws -> Int
    /// Upserts by address (a snapshot never replaces a newer slot).
    func saveAccounts(_ accounts: [AccountSnapshot]) async throws
    func loadAccounts() async throws -> [AccountSnapshot]
    func close() async
    /// "sqlite" or "postgres", for health and logs.
    var backendName: String { get }
}

/// One stored opportunity: indexed columns plus the full JSON as the API served it.
public struct OpportunityRecord: Sendable, Equatable {
    public var detectedAt: Double
    public var slot: UInt64
    public var inputMint: String
    public var outputMint: String
    public var roi: Double
    /// The opportunity as JSON text (bot shape), returned as is by `/v1/opportunities?history=true`.
    public var json: String
    public init(detectedAt: Double, slot: UInt64, inputMint: String, outputMint: String, roi: Double, json: String) {
        self.detectedAt = detectedAt; self.slot = slot; self.inputMint = inputMint; self.outputMint = outputMint
        self.roi = roi; self.json = json
    }
}

/// An account as last seen, with the wall-clock time it was saved.
public struct AccountSnapshot: Sendable, Equatable {
    public var account: AccountData
    public var savedAt: Double
    public init(account: AccountData, savedAt: Double) { self.account = account; self.savedAt = savedAt }
}

/// A typed persistence failure (connection, migration, bad stored row).
public enum PersistenceError: Error, CustomStringConvertible {
    case badURL(String)
    case connect(String)
    case migration(version: Int, String)
    case corruptRow(String)
    /// The database did not answer in time (down, unreachable, or every connection busy).
    case timeout(operation: String, seconds: Double)
    public var description: String {
        switch self {
        case .badURL(let why): return "database url: \(why)"
        case .connect(let why): return "cannot open the database: \(why)"
        case .migration(let v, let why): return "migration v\(v) failed: \(why)"
        case .corruptRow(let why): return "stored row unreadable: \(why)"
        case let .timeout(op, seconds): return "\(op): no answer from the database within \(Int(seconds)) s"
        }
    }
}

/// The schema, one entry per version, for both dialects. Append only: a released migration is
/// never edited or removed, and none drops a table (the original recreated its tables on
/// every start and lost its history).
enum Migrations {
    struct Step { let version: Int; let name: String; let sqlite: [String]; let postgres: [String] }
    static let steps: [Step] = [
        Step(
            version: 1, name: "opportunities",
            sqlite: [
                """
                CREATE TABLE IF NOT EXISTS opportunities (
                  id INTEGER PRIMARY KEY AUTOINCREMENT, detected_at REAL NOT NULL, slot INTEGER NOT NULL,
                  input_mint TEXT NOT NULL, output_mint TEXT NOT NULL, roi REAL NOT NULL, json TEXT NOT NULL)
                """, "CREATE INDEX IF NOT EXISTS opportunities_detected_at ON opportunities(detected_at)",
            ],
            postgres: [
                """
                CREATE TABLE IF NOT EXISTS opportunities (
                  id BIGSERIAL PRIMARY KEY, detected_at DOUBLE PRECISION NOT NULL, slot BIGINT NOT NULL,
                  input_mint TEXT NOT NULL, output_mint TEXT NOT NULL, roi DOUBLE PRECISION NOT NULL, json TEXT NOT NULL)
                """, "CREATE INDEX IF NOT EXISTS opportunities_detected_at ON opportunities(detected_at)",
            ]),
        Step(
            version: 2, name: "account snapshots",
            sqlite: [
                """
                CREATE TABLE IF NOT EXISTS account_snapshots (
                  address TEXT PRIMARY KEY, owner TEXT NOT NULL, slot INTEGER NOT NULL, lamports INTEGER NOT NULL,
                  data BLOB NOT NULL, saved_at REAL NOT NULL)
                """
            ],
            postgres: [
                """
                CREATE TABLE IF NOT EXISTS account_snapshots (
                  address TEXT PRIMARY KEY, owner TEXT NOT NULL, slot BIGINT NOT NULL, lamports BIGINT NOT NULL,
                  data BYTEA NOT NULL, saved_at DOUBLE PRECISION NOT NULL)
                """
            ]),
    ]
    static var latest: Int { steps.last?.version ?? 0 }
}

/// u64 ↔ i64 for SQL columns (slots and lamports fit; the bit pattern keeps any value exact).
enum SQLInt {
    static func store(_ v: UInt64) -> Int64 { Int64(bitPattern: v) }
    static func load(_ v: Int64) -> UInt64 { UInt64(bitPattern: v) }
}
