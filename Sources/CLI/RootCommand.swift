import ArgumentParser

/// `solana-pool-cache`: the subcommands, each with its own `--help`. Parsing only: `CommandLineMain`
/// runs the parsed command and turns every failure into the one-line `error: …` / `usage: …` forms.
struct RootCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solana-pool-cache",
        abstract: "Real-time Solana DEX pool cache: exact quotes from account state, live ingestion, HTTP API.",
        discussion: """
            The original's positional form `solana-pool-cache CONFIG.toml` is the same as `run CONFIG.toml`.
            `solana-pool-cache <command> --help` lists a command's options.
            """,
        subcommands: [
            DecodeCommand.self, QuoteCommand.self, PriceCommand.self, RunCommand.self, DemoCommand.self,
            BenchCommand.self, SimulateCommand.self, SoakCommandLine.self, DiscoverCommand.self, SwapInstructionsCommand.self,
        ])
}
