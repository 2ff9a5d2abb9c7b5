import Persistence
import ServiceLifecycle

/// Owns the database connection: first in the group, so it is closed last, after the final
/// snapshot and the last recorded opportunity.
public struct DatabaseService: Service {
    public let database: any PersistenceStore
    public init(database: any PersistenceStore) { self.database = database }
    public func run() async throws {
        await GracefulExit.waitForShutdown()
        await database.close()
    }
}
