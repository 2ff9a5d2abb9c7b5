import Foundation
import GRDB
import SolanaCore

/// The default store: one SQLite file through GRDB, migrations by `DatabaseMigrator`
/// (recorded in `grdb_migrations`, each applied once, in order).
///
/// ```swift
/// let db = try SQLiteStore(path: "solana-pool-cache.sqlite")
/// try await db.migrate()
/// ```
// @unchecked Sendable: immutable after init (queue and path are lets); GRDB's DatabaseQueue serializes every database access.
public final class SQLiteStore: PersistenceStore, @unchecked Sendable {
    private let queue: DatabaseQueue
    public let path: String
    public var backendName: String { "sqlite" }

    public init(path: String) throws {
        self.path = path
        do {
            var config = Configuration()
            config.busyMode = .timeout(5)
            queue = try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw PersistenceError.connect("\(path): \(error)")
        }
    }

    private var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        for step in Migrations.steps {
            m.registerMigration("v\(step.version) \(step.name)") { db in
                for sql in step.sqlite { try db.execute(sql: sql) }
            }
        }
        return m
    }

    @discardableResult
    public func migrate() async throws -> Int {
        do { try migrator.migrate(queue) } catch { throw PersistenceError.migration(version: Migrations.latest, "\(error)") }
        return try await schemaVersion()
    }

    /// `PRAGMA integrity_check`: "ok", or the problems SQLite lists (after a crash, a full disk).
    public func integrityCheck() async throws -> [String] {
        try await queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    public func schemaVersion() async throws -> Int {
        let migrator = self.migrator
        let applied = try await queue.read { db in try migrator.appliedIdentifiers(db) }
        return Migrations.steps.filter { s in applied.contains("v\(s.version) \(s.name)") }.map(\.version).max() ?? 0
    }

    public func recordOpportunities(_ items: [OpportunityRecord]) async throws {
        guard !items.isEmpty else { return }
        try await queue.write { db in
            for o in items {
                try db.execute(
                    sql: "INSERT INTO opportunities (detected_at, slot, input_mint, output_mint, roi, json) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [o.detectedAt, SQLInt.store(o.slot), o.inputMint, o.outputMint, o.roi, o.json])
            }
        }
    }

    public func opportunityHistory(limit: Int) async throws -> [OpportunityRecord] {
        try await queue.read { db in
            try Row.fetchAll(
                db, sql: "SELECT detected_at, slot, input_mint, output_mint, roi, json FROM opportunities ORDER BY id DESC LIMIT ?",
                arguments: [max(0, limit)]
            ).map { row in
                OpportunityRecord(detectedAt: row[0], slot: SQLInt.load(row[1]), inputMint: row[2], outputMint: row[3], roi: row[4], json: row[5])
            }
        }
    }

    public func opportunityCount() async throws -> Int {
        try await queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM opportunities") ?? 0 }
    }

    public func saveAccounts(_ accounts: [AccountSnapshot]) async throws {
        guard !accounts.isEmpty else { return }
        try await queue.write { db in
            for s in accounts {
                // Upsert that never moves a row back to an older slot.
                try db.execute(
                    sql: """
                        INSERT INTO account_snapshots (address, owner, slot, lamports, data, saved_at) VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT(address) DO UPDATE SET owner = excluded.owner, slot = excluded.slot, lamports = excluded.lamports,
                          data = excluded.data, saved_at = excluded.saved_at
                        WHERE excluded.slot >= account_snapshots.slot
                        """,
                    arguments: [
                        s.account.address.base58, s.account.owner.base58, SQLInt.store(s.account.slot),
                        SQLInt.store(s.account.lamports), Data(s.account.data), s.savedAt,
                    ])
            }
        }
    }

    public func loadAccounts() async throws -> [AccountSnapshot] {
        try await queue.read { db in
            try Row.fetchAll(db, sql: "SELECT address, owner, slot, lamports, data, saved_at FROM account_snapshots").compactMap { row in
                let address: String = row[0], owner: String = row[1]
                // A row that does not decode is skipped, not fatal: warm start is an optimisation.
                guard let a = try? Pubkey(base58: address), let o = try? Pubkey(base58: owner) else { return nil }
                let data: Data = row[4]
                return AccountSnapshot(
                    account: AccountData(address: a, owner: o, data: [UInt8](data), lamports: SQLInt.load(row[3]), slot: SQLInt.load(row[2])),
                    savedAt: row[5])
            }
        }
    }

    public func close() async { try? queue.close() }
}
