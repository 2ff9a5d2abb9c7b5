import App
import Arbitrage
import ArgumentParser
import Bench
import Dex
import Foundation
import Simulator
import Soak
import SolanaCore

/// `solana-pool-cache bench [--quick] [--json] [--only …]`: measures the hot paths in this build
/// (build with `-c release`; debug numbers are meaningless and say so).
struct BenchCommand: AsyncParsableCommand {
    static let usage = "bench [--quick] [--json] [--only \(Section.allCases.map(\.rawValue).joined(separator: ","))]"
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the hot paths (use a release build).")

    @Flag(help: "Fewer samples and pool counts (under 2 minutes in release).")
    var quick = false
    @Flag(help: "One JSON object instead of the table.")
    var json = false
    @Option(
        help: ArgumentHelp(
            "Only these sections, comma-separated: \(Section.allCases.map(\.rawValue).joined(separator: ", ")).",
            valueName: "list"), transform: BenchCommand.sections)
    var only: Set<Section>?

    static func sections(_ list: String) throws -> Set<Section> {
        var out: Set<Section> = []
        for name in list.split(separator: ",") {
            guard let s = Section(rawValue: String(name)) else { throw CommandError.usage(usage + " (unknown section \(name))") }
            out.insert(s)
        }
        return out
    }

    func run() async throws {
        let results = try await Self.collect(quick ? .quick : .full, sections: only ?? Set(Section.allCases))
        CommandOutput.line(json ? Self.render(results) : Self.table(results))
    }

    /// Groups of rows `--only` selects (profiling one path without waiting for the others).
    enum Section: String, CaseIterable { case memory, decode, quote, end_to_end, api, arbitrage }

    /// How much to measure: `full`, `quick` (< 2 min in release) or `tiny` (the unit test: every row, few samples).
    enum Profile { case full, quick, tiny }

    /// Every benchmark row, in the order of docs/performance.md.
    static func collect(_ profile: Profile, sections: Set<Section> = Set(Section.allCases)) async throws -> [BenchResult] {
        let quick = profile != .full, tiny = profile == .tiny
        var results: [BenchResult] = []
        // Memory first, before the other benchmarks leave their garbage in the heap.
        if sections.contains(.memory) { results += try MemoryBench.run(poolCounts: tiny ? [16] : quick ? [1_000] : [1_000, 10_000]) }
        let accounts = Dictionary(try Cluster.bundledAccounts().map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        if sections.contains(.decode) { results += DecodeApplyBench.run(accounts: accounts, quick: quick, samples: tiny ? 5 : nil) }
        if sections.contains(.quote) { results += QuoteBench.run(accounts: accounts, quick: quick, samples: tiny ? 4 : nil) }
        if sections.contains(.end_to_end) {
            results += try await EndToEndBench.run(
                poolCounts: tiny ? [16] : quick ? [16, 100, 1_000] : [16, 100, 1_000, 10_000],
                settings: tiny ? .tiny : quick ? .quick : .full)
        }
        if sections.contains(.api) {
            results += try await APIBench.run(poolCounts: tiny ? [16] : [16, 1_000], settings: tiny ? .tiny : quick ? .quick : .full) { store in
                // /scan-arbitrage reads the standing opportunities of the service's arbitrage engine.
                let service = ArbitrageService(store: store, config: ArbitrageConfig())
                service.fullScanIfDue()
                return service
            }
            results += try await StreamFanoutBench.run(clientCounts: tiny ? [1, 4] : [1, 64], swaps: tiny ? 20 : quick ? 200 : 1_000)
        }
        if sections.contains(.arbitrage) {
            results += try ArbitrageBench.run(poolCounts: tiny ? [16] : [100, 1_000], quick: quick, samples: tiny ? 2 : nil)
        }
        return results
    }

    static var buildKind: String {
        #if DEBUG
            return "debug"
        #else
            return "release"
        #endif
    }

    static func render(_ results: [BenchResult]) -> String {
        func num(_ d: Double) -> JSONText { d.isFinite ? .number(String(format: "%.1f", d)) : .null }
        let machine = JSONText.object(Measure.machine().map { ($0.0, .string($0.1)) } + [("build", .string(buildKind))])
        let rows = results.map { r -> JSONText in
            var pairs: [(String, JSONText)] = [("name", .string(r.name))]
            if let d = r.dex { pairs.append(("dex", .string(d))) }
            if let p = r.pools { pairs.append(("pools", .number(String(p)))) }
            pairs += [
                ("unit", .string(r.unit)), ("p50", num(r.p50)), ("p99", num(r.p99)), ("mean", num(r.mean)), ("samples", .number(String(r.samples))),
            ]
            if let n = r.note { pairs.append(("note", .string(n))) }
            return .object(pairs)
        }
        return JSONText.object([("machine", machine), ("results", .array(rows))]).rendered
    }

    static func table(_ results: [BenchResult]) -> String {
        func pad(_ s: String, _ n: Int, right: Bool = false) -> String {
            s.count >= n ? s : (right ? String(repeating: " ", count: n - s.count) + s : s + String(repeating: " ", count: n - s.count))
        }
        func num(_ d: Double) -> String { d.isFinite ? String(format: "%.1f", d) : "-" }
        var lines = [
            "build: \(buildKind)   " + Measure.machine().map { "\($0.0): \($0.1)" }.joined(separator: "   "),
            pad("name", 20) + pad("dex", 20) + pad("pools", 7, right: true) + pad("unit", 6, right: true)
                + pad("p50", 12, right: true) + pad("p99", 12, right: true) + pad("mean", 12, right: true) + pad("samples", 9, right: true),
        ]
        for r in results {
            lines.append(
                pad(r.name, 20) + pad(r.dex ?? "-", 20) + pad(r.pools.map(String.init) ?? "-", 7, right: true) + pad(r.unit, 6, right: true)
                    + pad(num(r.p50), 12, right: true) + pad(num(r.p99), 12, right: true) + pad(num(r.mean), 12, right: true)
                    + pad(String(r.samples), 9, right: true))
        }
        return lines.joined(separator: "\n")
    }
}
