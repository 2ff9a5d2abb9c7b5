import ArgumentParser
import Dispatch
import Foundation
import Simulator

/// `solana-pool-cache simulate`: runs the local cluster until Ctrl-C / SIGTERM.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Local Solana cluster serving the bundled mainnet snapshots with simulated swaps.",
        discussion: """
            JSON-RPC on --port, PubSub WebSocket on --port + 1 (with --port 0 both are chosen by the kernel); \
            with --grpc-port a Yellowstone-compatible gRPC service (geyser.Geyser) too (0: the kernel's choice).
            """)

    @Option(
        parsing: .unconditional, help: ArgumentHelp("JSON-RPC port; PubSub is on the next one.", valueName: "port"),
        transform: ArgumentValue.int("--port", 0...65_534))
    var port: Int = 8899
    @Option(
        parsing: .unconditional, help: ArgumentHelp("Seed of the simulated swaps.", valueName: "n"),
        transform: ArgumentValue.int("--seed", 0...Int.max))
    var seed: Int = 1
    @Option(
        parsing: .unconditional, help: ArgumentHelp("Clone the bundled pools up to this many.", valueName: "n"),
        transform: ArgumentValue.int("--pools", 1...100_000))
    var pools: Int?
    @Option(
        name: .customLong("slot-ms"), parsing: .unconditional, help: ArgumentHelp("Slot length in milliseconds.", valueName: "ms"),
        transform: ArgumentValue.int("--slot-ms", 10...60_000))
    var slotMillis: Int = 400
    @Option(
        parsing: .unconditional, help: ArgumentHelp("JSON-RPC requests per second served (rate limit).", valueName: "n"),
        transform: ArgumentValue.int64("--rps"))
    var rps: Int64?
    @Option(help: ArgumentHelp("Listening host.", valueName: "host"))
    var host: String?
    @Option(
        name: .customLong("swaps-per-slot"), parsing: .unconditional, help: ArgumentHelp("Simulated swaps per slot.", valueName: "n"),
        transform: ArgumentValue.int("--swaps-per-slot", 0...1_000))
    var swapsPerSlot: Int = 2
    @Option(
        name: .customLong("grpc-port"), parsing: .unconditional,
        help: ArgumentHelp("Yellowstone-compatible gRPC (Geyser Subscribe) port; 0 = chosen by the kernel.", valueName: "port"),
        transform: ArgumentValue.int("--grpc-port", 0...65_535))
    var grpcPort: Int?
    @Option(
        name: .customLong("grpc-x-token-env"),
        help: ArgumentHelp("Environment variable holding the x-token gRPC calls must carry.", valueName: "name"))
    var grpcXTokenEnv: String?

    func run() async throws {
        let cluster = try Cluster.bundled(seed: UInt64(seed), pools: pools, swapsPerSlot: swapsPerSlot)
        var options = SimulatorServer.Options(port: port, slotMillis: slotMillis)
        if let host { options.host = host }
        if let rps { options.requestsPerSecond = Double(rps) }
        options.grpcPort = grpcPort
        if let name = grpcXTokenEnv {
            guard let token = ProcessInfo.processInfo.environment[name], !token.isEmpty else {
                throw ValidationError("--grpc-x-token-env: \(name) is not set")
            }
            options.grpcXToken = token
        }
        let host = options.host, grpcEnabled = options.grpcPort != nil
        let server = SimulatorServer(cluster: cluster, options: options)
        let task = Task {
            try await server.run { rpc, pubsub in
                print("simulated cluster: \(cluster.poolAddresses.count) pools, \(cluster.accountCount) accounts, slot \(cluster.slot)")
                if grpcEnabled, let grpc = try? await server.ports.waitGRPC() {
                    print("JSON-RPC http://\(host):\(rpc)   PubSub ws://\(host):\(pubsub)   gRPC http://\(host):\(grpc)   (Ctrl-C stops)")
                } else {
                    print("JSON-RPC http://\(host):\(rpc)   PubSub ws://\(host):\(pubsub)   (Ctrl-C stops)")
                }
                fflush(stdout)
            }
        }
        let stop: @Sendable () -> Void = { task.cancel() }
        let sources = [SIGINT, SIGTERM].map { sig -> DispatchSourceSignal in
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig)
            s.setEventHandler(handler: stop)
            s.resume()
            return s
        }
        defer { sources.forEach { $0.cancel() } }
        do { try await task.value } catch is CancellationError {}
    }
}
