import Foundation
import Logging
import PostgresNIO
import SolanaCore

/// PostgreSQL storage through postgres-nio, used when `[database] url` is set. Migrations are
/// recorded in `schema_migrations` and applied under an advisory lock, so two instances
/// starting together do not race.
///
/// ```swift
/// let db = try PostgresStore(url: "postgresql://cache@127.0.0.1:5432/cache")
/// try await db.migrate()
/// ```
// @unchecked Sendable: immutable after init (client, runner and logger are lets); PostgresClient is safe to share across tasks.
public final class PostgresStore: PersistenceStore, @unchecked Sendable {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger
    public var backendName: String { "postgres" }
    /// Longest wait for one operation (a connection included): the server may be gone.
    static let timeoutSeconds = 10.0

    public init(url: String, logger: Logger = Logger(label: "persistence.postgres")) throws {
        guard let c = URLComponents(string: url), ["postgres", "postgresql"].contains(c.scheme?.lowercased() ?? ""),
            let host = c.host, !host.isEmpty
        else {
            throw PersistenceError.badURL("expected postgresql://user[:password]@host[:port]/database")
        }
        let database = c.path.hasPrefix("/") ? String(c.path.dropFirst()) : c.path
        var config = PostgresClient.Configuration(
            host: host, port: c.port ?? 5432, username: c.user ?? "postgres",
            password: c.password, database: database.isEmpty ? nil : database, tls: .disable)
        config.options.connectTimeout = .seconds(5)
        let client = PostgresClient(configuration: config, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        runner = Task { await client.run() }
    }

    @discardableResult
    public func migrate() async throws -> Int {
        do {
            // Bounded like every operation: a server that is not there fails the start, not hangs it.
            try await Deadline.run("migrate", seconds: Self.timeoutSeconds * 2) { [self] in try await migrateUnbounded() }
        } catch let e as PersistenceError {
            throw e
        } catch {
            throw PersistenceError.migration(version: Migrations.latest, String(reflecting: error))
        }
        return try await schemaVersion()
    }

    private func migrateUnbounded() async throws {
        do {
            try await client.withConnection { conn in
                try await conn.query("SELECT pg_advisory_lock(7707001)", logger: self.logger)
                do {
                    try await conn.query(
                        """
                        CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
                          applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                        """, logger: self.logger)
                    var applied = Set<Int>()
                    for try await v in try await conn.query("SELECT version FROM schema_migrations", logger: self.logger).decode(Int.self) {
                        applied.insert(v)
                    }
                    for step in Migrations.steps where !applied.contains(step.version) {
                        try await conn.withTransaction(logger: self.logger) { tx in
                            for sql in step.postgres { try await tx.query(PostgresQuery(unsafeSQL: sql), logger: self.logger) }
                            try await tx.query(
                                "INSERT INTO schema_migrations (version, name) VALUES (\(step.version), \(step.name))", logger: self.logger)
                        }
                    }
                } catch {
                    _ = try? await conn.query("SELECT pg_advisory_unlock(7707001)", logger: self.logger)
                    throw error
                }
                try await conn.query("SELECT pg_advisory_unlock(7707001)", logger: self.logger)
            }
        } catch let e as PersistenceError {
            throw e
        } catch {
            throw PersistenceError.migration(version: Migrations.latest, String(reflecting: error))
        }
    }

    public func schemaVersion() async throws -> Int {
        return try await Deadline.run("schema version", seconds: Self.timeoutSeconds) { [self] in
            var best = 0
            for try await v in try await client.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", logger: logger).decode(Int.self) {
                best = v
            }
            return best
        }
    }

    public func recordOpportunities(_ items: [OpportunityRecord]) async throws {
        guard !items.isEmpty else { return }
        try await Deadline.run("record opportunities", seconds: Self.timeoutSeconds) { [self] in
            try await client.withTransaction(logger: logger) { tx in
                for o in items {
                    try await tx.query(
                        """
                        INSERT INTO opportunities (detected_at, slot, input_mint, output_mint, roi, json)
                        VALUES (\(o.detectedAt), \(SQLInt.store(o.slot)), \(o.inputMint), \(o.outputMint), \(o.roi), \(o.json))
                        """, logger: self.logger)
                }
            }
        }
    }

    public func opportunityHistory(limit: Int) async throws -> [OpportunityRecord] {
        return try await Deadline.run("opportunity history", seconds: Self.timeoutSeconds) { [self] in
            var out: [OpportunityRecord] = []
            let rows = try await client.query(
                """
                SELECT detected_at, slot, input_mint, output_mint, roi, json FROM opportunities ORDER BY id DESC LIMIT \(max(0, limit))
                """, logger: logger)
            for try await (at, slot, i, o, roi, json) in rows.decode((Double, Int64, String, String, Double, String).self) {
                out.append(OpportunityRecord(detectedAt: at, slot: SQLInt.load(slot), inputMint: i, outputMint: o, roi: roi, json: json))
            }
            return out
        }
    }

    public func opportunityCount() async throws -> Int {
        return try await Deadline.run("opportunity count", seconds: Self.timeoutSeconds) { [self] in
            var n = 0
            for try await c in try await client.query("SELECT COUNT(*)::BIGINT FROM opportunities", logger: logger).decode(Int64.self) { n = Int(c) }
            return n
        }
    }

    public func saveAccounts(_ accounts: [AccountSnapshot]) async throws {
        guard !accounts.isEmpty else { return }
        try await Deadline.run("save accounts", seconds: Self.timeoutSeconds) { [self] in
            try await client.withTransaction(logger: logger) { tx in
                for s in accounts {
                    try await tx.query(
                        """
                        INSERT INTO account_snapshots (address, owner, slot, lamports, data, saved_at)
                        VALUES (\(s.account.address.base58), \(s.account.owner.base58), \(SQLInt.store(s.account.slot)),
                                \(SQLInt.store(s.account.lamports)), \(Data(s.account.data)), \(s.savedAt))
                        ON CONFLICT (address) DO UPDATE SET owner = EXCLUDED.owner, slot = EXCLUDED.slot, lamports = EXCLUDED.lamports,
                          data = EXCLUDED.data, saved_at = EXCLUDED.saved_at
                        WHERE EXCLUDED.slot >= account_snapshots.slot
                        """, logger: self.logger)
                }
            }
        }
    }

    public func loadAccounts() async throws -> [AccountSnapshot] {
        return try await Deadline.run("load accounts", seconds: Self.timeoutSeconds * 6) { [self] in
            var out: [AccountSnapshot] = []
            let rows = try await client.query("SELECT address, owner, slot, lamports, data, saved_at FROM account_snapshots", logger: logger)
            for try await (address, owner, slot, lamports, data, savedAt) in rows.decode((String, String, Int64, Int64, Data, Double).self) {
                guard let a = try? Pubkey(base58: address), let o = try? Pubkey(base58: owner) else { continue }
                out.append(
                    AccountSnapshot(
                        account: AccountData(
                            address: a, owner: o, data: [UInt8](data), lamports: SQLInt.load(lamports),
                            slot: SQLInt.load(slot)), savedAt: savedAt))
            }
            return out
        }
    }

    public func close() async { runner.cancel() }
}
