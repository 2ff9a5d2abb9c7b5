import ArgumentParser
import Soak

/// `solana-pool-cache soak …`: the soak harness keeps its own flag parser (`SoakCommand`); this
/// entry gives it a place in `--help`. `CommandLineMain` hands `soak` arguments to the harness
/// directly unless help is asked for.
struct SoakCommandLine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Simulator + proxy + cache as child processes, faults every few seconds, cache checked against the chain.",
        discussion: """
            Options (each takes a value):
              --minutes M                     run length (default 1)
              --pools N                       clone the bundled pools up to N
              --proxy none|connect|socks5     route the cache's connections through a real proxy
              --source pubsub|grpc            accounts over PubSub (default) or the simulator's Yellowstone gRPC
              --seed N, --slot-ms MS, --swaps-per-slot N    the simulator's
              --fault-every S                 seconds between injected faults (default 4)
              --checkpoint-every S            seconds between cache-vs-chain checks (default 30)
              --converge-timeout S, --warmup-timeout S, --silence-deadline S, --subscriptions-per-connection N
              --total LOG...                  one summary line over several runs' logs
            The last line is the summary; exit 1 on any mismatch, dead process or resource growth (scripts/soak.sh).
            """)

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("Soak options (see above).", valueName: "option"))
    var options: [String] = []

    func run() throws {
        // Reached only through help parsing; CommandLineMain runs the harness itself.
        throw CommandError.usage("soak [--minutes M] [--pools N] [--proxy none|connect|socks5] …")
    }
}
