import Foundation
import RPC
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Simulator
import SolanaCore

/// `solana-pool-cache soak [--minutes M] [--pools N] [--proxy none|connect|socks5] …`: runs the
/// real processes as a user would (the simulator, a real proxy, the cache service), injects a
/// fault every few seconds, and at checkpoints freezes the simulator and checks every cached
/// account against the chain. Its last line is the summary (`SoakSummary`); exit 1 on any
/// mismatch, dead process or growth of memory or descriptors beyond `ResourceBound`.
///
/// ```
/// solana-pool-cache soak --minutes 5 --pools 1000 --proxy socks5
/// solana-pool-cache soak --total run1.log --total run2.log   # one summary line over several runs
/// ```
public enum SoakCommand {
    static let flags: Set<String> = [
        "--minutes", "--pools", "--proxy", "--seed", "--slot-ms", "--swaps-per-slot", "--fault-every",
        "--checkpoint-every", "--converge-timeout", "--subscriptions-per-connection", "--silence-deadline",
        "--warmup-timeout", "--total", "--source", "--persistence", "--postgres-script",
    ]

    public static func main(_ args: [String]) async -> Int32 {
        do {
            let o = try SoakOptions(args, allowed: flags, command: "soak")
            if let files = o.values["--total"] { return try total(files) }
            let settings = try Settings(o)
            let run = try SoakRun(settings: settings)
            // Ctrl-C / SIGTERM: stop the children too (they would outlive the soak otherwise).
            let sources = SoakSignals.onStop {
                run.stopAll(); exit(130)
            }
            defer { sources.forEach { $0.cancel() } }
            let (summary, problems) = await run.execute()
            for p in problems { say("soak: FAIL \(p)") }
            say(summary.line)
            return problems.isEmpty ? 0 : 1
        } catch let e as CommandError {
            FileHandle.standardError.write(Data((e.description + "\n").utf8))
            return e.exitCode
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            return 1
        }
    }

    /// One summary over several runs' outputs (the last summary line of each file).
    static func total(_ files: [String]) throws -> Int32 {
        guard !files.isEmpty else { throw CommandError.usage("soak --total LOG...") }
        var runs: [SoakSummary] = []
        for f in files {
            guard let text = try? String(contentsOfFile: f, encoding: .utf8) else { throw CommandError.bad("cannot read \(f)") }
            guard let s = text.split(separator: "\n").reversed().lazy.compactMap({ SoakSummary(line: String($0)) }).first else {
                throw CommandError.bad("\(f) has no soak summary line (did the run crash?)")
            }
            runs.append(s)
        }
        say(SoakSummary.total(runs).line)
        return 0
    }

    static func say(_ line: String) {
        print(line)
        fflush(stdout)
    }

    struct Settings {
        var minutes: Double = 1
        var pools: Int?
        var proxy: SoakServiceConfig.ProxyKind?
        var seed = 1
        var slotMillis = 100
        var swapsPerSlot = 4
        var faultEvery = 4.0
        var checkpointEvery = 30.0
        var convergeTimeout = 30.0
        var warmupTimeout = 300.0
        var subscriptionsPerConnection: Int?
        var silenceDeadline = 8.0
        /// Accounts over Yellowstone gRPC (the simulator's `--grpc-port`) instead of PubSub.
        var grpc = false
        /// `--persistence postgres`: the cache snapshots accounts to a throwaway PostgreSQL cluster
        /// (started with `--postgres-script`, default scripts/start-postgres.sh) that the
        /// `postgres_restart` fault crashes and restarts; the run ends by reading the database back.
        var postgresScript: String?

        init(_ o: SoakOptions) throws {
            func number(_ flag: String, _ range: ClosedRange<Double>) throws -> Double? {
                guard o.values[flag] != nil else { return nil }
                let s = try o.single(flag)
                guard let v = Double(s), range.contains(v) else {
                    throw CommandError.bad("\(flag) must be a number in \(range.lowerBound)…\(range.upperBound)")
                }
                return v
            }
            func int(_ flag: String, _ range: ClosedRange<Int>) throws -> Int? {
                try number(flag, Double(range.lowerBound)...Double(range.upperBound)).map { v in
                    guard v == v.rounded() else { throw CommandError.bad("\(flag) must be a whole number") }
                    return Int(v)
                }
            }
            minutes = try number("--minutes", 0.1...10_000) ?? minutes
            pools = try int("--pools", 1...100_000)
            if o.values["--proxy"] != nil {
                switch try o.single("--proxy") {
                case "none": proxy = nil
                case "connect": proxy = .connect
                case "socks5": proxy = .socks5
                case let other: throw CommandError.bad("--proxy must be none, connect or socks5 (got \(other))")
                }
            }
            seed = try int("--seed", 0...1_000_000_000) ?? seed
            slotMillis = try int("--slot-ms", 10...10_000) ?? slotMillis
            swapsPerSlot = try int("--swaps-per-slot", 0...1_000) ?? swapsPerSlot
            faultEvery = try number("--fault-every", 0.5...3_600) ?? faultEvery
            checkpointEvery = try number("--checkpoint-every", 5...3_600) ?? checkpointEvery
            convergeTimeout = try number("--converge-timeout", 1...600) ?? convergeTimeout
            warmupTimeout = try number("--warmup-timeout", 10...3_600) ?? warmupTimeout
            subscriptionsPerConnection = try int("--subscriptions-per-connection", 1...10_000)
            silenceDeadline = try number("--silence-deadline", 0.5...60) ?? silenceDeadline
            if o.values["--source"] != nil {
                switch try o.single("--source") {
                case "pubsub": grpc = false
                case "grpc": grpc = true
                case let other: throw CommandError.bad("--source must be pubsub or grpc (got \(other))")
                }
            }
            if o.values["--persistence"] != nil {
                switch try o.single("--persistence") {
                case "none": postgresScript = nil
                case "postgres":
                    postgresScript = o.values["--postgres-script"] != nil ? try o.single("--postgres-script") : "scripts/start-postgres.sh"
                case let other: throw CommandError.bad("--persistence must be none or postgres (got \(other))")
                }
            }
        }
    }
}
