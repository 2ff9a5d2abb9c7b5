import Foundation
import Simulator
import SolanaCore

/// `solana-pool-cache <command> …` dispatch. Returns the process exit code.
public enum CommandLineMain {
    public static let usage = """
    usage: solana-pool-cache <command> [options]

      decode FILE...                       decode account snapshots (fixture JSON or saved RPC answers)
      quote  --accounts PATH... --pool ADDRESS --input-mint MINT --amount-in N [--now UNIX_TS] [--epoch N] [--slot N]
                                           exact-in quote from account snapshots
      price  --accounts PATH... --pool ADDRESS [--now UNIX_TS]
                                           reserves, decimals and spot price both ways
      run CONFIG.toml                      the service: load and validate the config, open the database, warm-start,
                                           ingest and serve the API (default 127.0.0.1:3001); also `solana-pool-cache CONFIG.toml`
      demo [--port 3001] [--seed N]        simulated cluster + cache + API in one process (the README's main command)
      bench [--quick] [--json] [--only api,…] measure the hot paths (use a release build)
      simulate [--port P] [--seed N] [--pools N] [--slot-ms N] [--rps N] [--host H]
                                           local Solana cluster: JSON-RPC on P (default 8899), PubSub on P+1,
                                           serving the bundled mainnet snapshots with simulated swaps
      soak [--minutes M] [--pools N] [--proxy none|connect|socks5] [--fault-every S] [--checkpoint-every S]
                                           simulator + proxy + cache as child processes, faults every few seconds,
                                           cache checked against the chain at checkpoints (scripts/soak.sh)
    """

    public static func run(_ args: [String]) async -> Int32 {
        // The original was started as `solana-pool-cache config.toml`.
        let service: ([String]) async throws -> Void
        switch args.first {
        case "simulate": service = SimulateCommand.run
        case "run": service = ServiceCommand.run
        case "demo": service = DemoCommand.run
        case "bench": service = { FileHandle.standardOutput.write(Data((try await BenchCommand.run($0) + "\n").utf8)) }
        case "soak": return await SoakCommand.main(Array(args.dropFirst()))
        case let first? where first.hasSuffix(".toml"): return await runService { try await ServiceCommand.run(args) }
        default: return runOffline(args)
        }
        return await runService { try await service(Array(args.dropFirst())) }
    }

    static func runService(_ body: () async throws -> Void) async -> Int32 {
        do { try await body(); return 0 } catch let e as CommandError {
                FileHandle.standardError.write(Data((e.description + "\n").utf8)); return e.exitCode
            } catch {
                FileHandle.standardError.write(Data(("error: \(error)\n").utf8)); return 1
            }
    }

    static func runOffline(_ args: [String]) -> Int32 {
        guard let command = args.first else {
            FileHandle.standardError.write(Data((usage + "\n").utf8))
            return 2
        }
        let rest = Array(args.dropFirst())
        do {
            let out: String
            switch command {
            case "decode": out = try SnapshotCommands.decode(rest)
            case "quote": out = try SnapshotCommands.quote(rest)
            case "price": out = try SnapshotCommands.price(rest)
            case "-h", "--help", "help": out = usage
            default: throw CommandError.usage("unknown command '\(command)' (try --help)")
            }
            FileHandle.standardOutput.write(Data((out + "\n").utf8))
            return 0
        } catch let e as CommandError {
            FileHandle.standardError.write(Data((e.description + "\n").utf8))
            return e.exitCode
        } catch {
            FileHandle.standardError.write(Data(("error: \(error)\n").utf8))
            return 1
        }
    }
}
