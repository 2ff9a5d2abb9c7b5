import Dispatch
import Foundation
import Simulator

/// `solana-pool-cache simulate`: runs the local cluster until Ctrl-C / SIGTERM.
enum SimulateCommand {
    static func run(_ args: [String]) async throws {
        let o = try Options(args, allowed: ["--port", "--seed", "--pools", "--slot-ms", "--rps", "--host", "--swaps-per-slot"], command: "simulate")
        func int(_ flag: String, _ def: Int, _ range: ClosedRange<Int>) throws -> Int {
            guard let v = try o.optionalInt(flag) else { return def }
            guard range.contains(Int(v)) else { throw CommandError.bad("\(flag) must be in \(range.lowerBound)…\(range.upperBound)") }
            return Int(v)
        }
        let port = try int("--port", 8899, 0...65534)
        let seed = try int("--seed", 1, 0...Int.max)
        let pools = try o.optionalInt("--pools").map(Int.init)
        if let p = pools, !(1...100_000).contains(p) { throw CommandError.bad("--pools must be in 1…100000") }
        let cluster = try Cluster.bundled(seed: UInt64(seed), pools: pools, swapsPerSlot: try int("--swaps-per-slot", 2, 0...1_000))
        var options = SimulatorServer.Options(port: port, slotMillis: try int("--slot-ms", 400, 10...60_000))
        if values(o, "--host") { options.host = try o.single("--host") }
        if let rps = try o.optionalInt("--rps") { options.requestsPerSecond = Double(rps) }
        let host = options.host
        let server = SimulatorServer(cluster: cluster, options: options)
        let task = Task {
            try await server.run { rpc, pubsub in
                print("simulated cluster: \(cluster.poolAddresses.count) pools, \(cluster.accountCount) accounts, slot \(cluster.slot)")
                print("JSON-RPC http://\(host):\(rpc)   PubSub ws://\(host):\(pubsub)   (Ctrl-C stops)")
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

    static func values(_ o: Options, _ flag: String) -> Bool { o.values[flag] != nil }
}
