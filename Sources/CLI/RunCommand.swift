import ArgumentParser
import Soak

/// `solana-pool-cache run CONFIG.toml` (also the original's `solana-pool-cache CONFIG.toml`).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The service: load and validate the config, open the database, warm-start, ingest and serve the API.",
        discussion: """
            The API listens on [api] host/port (default 127.0.0.1:3001). A bad config stops the start with one line \
            naming the file, line and key. Keys read but not used (router.mode, database.record_pool_updates, \
            database.record_performance) are warned about at start. Ctrl-C / SIGTERM stop it after a final snapshot.
            """)

    @Argument(help: ArgumentHelp("The TOML config (the original's files load as they are).", valueName: "config.toml"))
    var config: String

    @Option(
        name: .customLong("token-env"),
        help: ArgumentHelp("Environment variable holding the API token (instead of [api] auth_token).", valueName: "NAME"))
    var tokenEnv: String?

    func run() async throws {
        guard !config.hasPrefix("-") else { throw CommandError.usage("run CONFIG.toml") }
        try await ServiceCommand.run(path: config, authToken: try tokenEnv.map { try TokenEnvironment.read($0) })
    }
}
