import App
import Arbitrage
import ArgumentParser
import Cache
import Config
import Dex
import Foundation
import Ingest
import Logging
import Server
import Simulator
import Soak
import SolanaCore

/// `solana-pool-cache demo [--port 3001] [--seed N] [--host H]`: the local simulated cluster, the
/// cache subscribed to it and the API, in one process. Prints what to open and shows progress.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Simulated cluster + cache + API in one process (the README's main command).",
        discussion:
            "A local Solana cluster (JSON-RPC + PubSub on loopback) serving the bundled mainnet snapshots with simulated swaps, ingested as a mainnet node would be."
    )

    @Option(
        parsing: .unconditional, help: ArgumentHelp("API port (0: any free port).", valueName: "port"),
        transform: ArgumentValue.int("--port", 0...65_535))
    var port: Int = 3001

    @Option(parsing: .unconditional, help: ArgumentHelp("Seed of the simulated swaps.", valueName: "n"), transform: ArgumentValue.int64("--seed"))
    var seed: Int64 = 1

    @Option(help: ArgumentHelp("API host.", valueName: "host"))
    var host: String?

    @Option(
        name: .customLong("token-env"),
        help: ArgumentHelp("Environment variable holding the API token (required with a non-loopback --host).", valueName: "NAME"))
    var tokenEnv: String?

    func run() async throws {
        guard seed >= 0 else { throw CommandError.bad("--seed must be non-negative") }
        var api = APISettings()
        api.port = port
        if let host { api.host = host }
        api.authToken = try tokenEnv.map { try TokenEnvironment.read($0) }
        guard api.listensOnLoopbackOnly || api.authToken != nil else {
            throw CommandError.bad("--host \(api.host) can be reached from other machines: give an API token with --token-env NAME")
        }
        let logger = Logger(label: "demo")

        let cluster = try Cluster.bundled(seed: UInt64(seed))
        let simulator = SimulatorServer(cluster: cluster, options: .init(port: 0))
        let ports = ReadyPorts()
        let simTask = Task {
            do { try await simulator.run { rpc, pubsub in ports.set(rpc, pubsub) } } catch { ports.fail(error); throw error }
        }
        // The simulator is stopped and awaited on every way out: the process exits right after,
        // and exit(3) must not race its event loops' teardown (one unexplained trap was seen there).
        do { try await Self.serve(ports: ports, cluster: cluster, api: api, tokenEnv: tokenEnv, logger: logger) } catch {
            simTask.cancel(); _ = await simTask.result
            throw error
        }
        simTask.cancel(); _ = await simTask.result
    }

    static func serve(ports: ReadyPorts, cluster: Cluster, api: APISettings, tokenEnv: String?, logger: Logger) async throws {
        let (rpc, pubsub) = try await ports.wait(timeout: 30)
        print(
            "simulated cluster: \(cluster.poolAddresses.count) pools from real mainnet snapshots, JSON-RPC http://127.0.0.1:\(rpc), PubSub ws://127.0.0.1:\(pubsub)"
        )

        let store = PoolStore(context: { QuoteContext(now: cluster.now, slot: cluster.slot) })
        for pool in cluster.poolAddresses { store.addPool(PoolConfig(address: pool)) }
        let ingest = IngestConfig(endpoints: [.init(websocketURL: "ws://127.0.0.1:\(pubsub)", httpURL: "http://127.0.0.1:\(rpc)")])
        let host = api.host
        // GETs on loopback need no token; elsewhere every route but /health does.
        let auth = api.listensOnLoopbackOnly ? "" : " -H \"Authorization: Bearer $\(tokenEnv ?? "SPC_API_TOKEN")\""
        // Every profitable cycle the simulated swaps open up is shown (no config file, no ROI floor).
        var settings = ApplicationSettings(store: store, ingest: ingest, api: api, router: RouterSettings(minROIPercent: 0), logger: logger)
        let listening = ReadyPorts()  // the API's port, as (port, port): a bounded wait for the ready line
        settings.onListening = { port in
            print("API on http://\(host):\(port)   (Ctrl-C stops)")
            fflush(stdout)  // with --port 0 a supervisor reads the port from this line
            listening.set(port, port)
        }
        settings.tasks = [
            TaskService("demo progress") {
                let started = Date()
                guard await progress(store: store) else { return }
                do {
                    let (port, _) = try await listening.wait(timeout: 60)
                    print(readyText(base: "http://\(host):\(port)", auth: auth, seconds: Date().timeIntervalSince(started), pools: store.poolCount))
                    fflush(stdout)
                } catch {
                    logger.warning("demo: the API did not report its port: \(error)")
                }
            }
        ]
        try await ServiceCommand.serve(settings)
    }

    /// What to do next, once every pool is priced: the dashboard and three commands to paste.
    static func readyText(base: String, auth: String, seconds: Double, pools: Int) -> String {
        """
        ready in \(String(format: "%.1f", seconds)) s: \(pools) pools live
          dashboard:  \(base)/
          try:
            curl\(auth) \(base)/v1/health
            curl\(auth) '\(base)/v1/quote?inputMint=\(KnownMints.wsol)&outputMint=\(KnownMints.usdc)&amount=1000000000'
            curl\(auth) \(base)/v1/opportunities
        """
    }

    /// One line per second while pools are validated and subscribed, until all are priced (true)
    /// or the task is cancelled (false).
    static func progress(store: PoolStore) async -> Bool {
        var last = ""
        while !Task.isCancelled {
            let entries = store.entries()
            let priced = entries.filter { $0.price != nil }.count
            let line = "pools priced: \(priced)/\(entries.count)"
            if line != last {
                print(line); fflush(stdout); last = line
            }
            if priced == entries.count && !entries.isEmpty { return true }
            do { try await Task.sleep(for: .seconds(1)) } catch { return false }
        }
        return false
    }
}
