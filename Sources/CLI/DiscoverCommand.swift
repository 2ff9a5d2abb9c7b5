import ArgumentParser
import Cache
import Dex
import Foundation
import Ingest
import Logging
import Soak
import SolanaCore

/// `solana-pool-cache discover`: lists every pool whose two mints are both given, on every
/// supported DEX (or `--dexes`), as `[[pools]]` entries to paste into a config.
struct DiscoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover",
        abstract: "Find the pools of a set of mints with getProgramAccounts and print them as [[pools]] TOML entries.",
        discussion: """
            A pool is listed when both of its mints are among --mints. One getProgramAccounts query per DEX and mint
            (memcmp on the pool's first mint, dataSize, and dataSlice so only the mints come back), paced by --rps.
            """)

    @Option(help: ArgumentHelp("JSON-RPC HTTP URL (http:// or https://).", valueName: "url"))
    var rpc: String

    @Option(
        help: ArgumentHelp("Comma-separated mints (base58), at least two.", valueName: "A,B[,…]"),
        transform: { text in
            try text.split(separator: ",").map { try ArgumentValue.pubkey("--mints")(String($0).trimmingCharacters(in: .whitespaces)) }
        })
    var mints: [Pubkey]

    @Option(
        help: ArgumentHelp("Comma-separated DEXes (pool_type names; default: all).", valueName: "dex,…"),
        transform: { text in
            try text.split(separator: ",").map { name -> DexKind in
                guard let kind = PoolConfig.dex(forPoolType: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
                    throw CommandError.bad("--dexes: unknown dex \"\(name)\"; one of \(DexKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return kind
            }
        })
    var dexes: [DexKind]?

    @Option(help: ArgumentHelp("processed, confirmed or finalized.", valueName: "level"))
    var commitment: String = "confirmed"

    @Option(
        parsing: .unconditional, help: ArgumentHelp("Requests per second sent to the endpoint.", valueName: "n"),
        transform: ArgumentValue.int("--rps", 1...10_000))
    var rps: Int = 10

    func run() async throws {
        guard Set(mints).count >= 2 else { throw CommandError.bad("--mints: give at least two distinct mints") }
        guard rpc.hasPrefix("http://") || rpc.hasPrefix("https://") else { throw CommandError.bad("--rpc: expected an http:// or https:// URL") }
        let ws = rpc.hasPrefix("https://") ? "wss://" + rpc.dropFirst(8) : "ws://" + rpc.dropFirst(7)
        var config = IngestConfig(endpoints: [.init(websocketURL: ws, httpURL: rpc, requestsPerSecond: Double(rps))])
        config.commitment = commitment
        let source: RPCAccountSource
        // Logs go to stderr: stdout is the TOML, ready to redirect into a file.
        var logger = Logger(label: "discover", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .warning
        do { source = try RPCAccountSource(config: config, logger: logger) } catch { throw CommandError.bad("\(error)") }
        let found: [DiscoveredPool]
        do { found = try await PoolDiscovery.run(source, mints: mints, dexes: dexes.map(Set.init)) } catch {
            throw CommandError.bad("discovery failed: \(error)")
        }
        print(Self.toml(found, mints: mints))
    }

    /// The `[[pools]]` entries, named by pair and DEX.
    static func toml(_ pools: [DiscoveredPool], mints: [Pubkey]) -> String {
        func symbol(_ m: Pubkey) -> String { KnownMints.symbols[m] ?? String(m.base58.prefix(6)) }
        var lines = ["# \(pools.count) pool(s) whose two mints are among \(mints.map(symbol).joined(separator: ", ")) (solana-pool-cache discover)"]
        for p in pools {
            lines += [
                "", "[[pools]]", "name = \"\(symbol(p.mintA))/\(symbol(p.mintB)) \(p.dex.rawValue)\"", "address = \"\(p.address.base58)\"",
                "pool_type = \"\(p.dex.rawValue)\"",
            ]
        }
        return lines.joined(separator: "\n")
    }
}
