import Bench
import Dex
import Foundation
import Simulator
import SolanaCore

/// `solana-pool-cache bench [--quick] [--json]`: measures the hot paths in this build
/// (build with `-c release`; debug numbers are meaningless and say so).
enum BenchCommand {
    static func run(_ args: [String]) throws -> String {
        for a in args where !["--quick", "--json"].contains(a) { throw CommandError.usage("bench [--quick] [--json] (unknown option \(a))") }
        let quick = args.contains("--quick"), json = args.contains("--json")
        var results: [BenchResult] = []
        let accounts = Dictionary(try Cluster.bundledAccounts().map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        results += DecodeApplyBench.run(accounts: accounts, quick: quick)
        results += QuoteBench.run(accounts: accounts, quick: quick)
        results += try ArbitrageBench.run(poolCounts: [100, 1_000], quick: quick)
        results += try MemoryBench.run(poolCounts: quick ? [1_000] : [1_000, 10_000])
        return json ? render(results) : table(results)
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
            pairs += [("unit", .string(r.unit)), ("p50", num(r.p50)), ("p99", num(r.p99)), ("mean", num(r.mean)), ("samples", .number(String(r.samples)))]
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
        var lines = ["build: \(buildKind)   " + Measure.machine().map { "\($0.0): \($0.1)" }.joined(separator: "   "),
                     pad("name", 20) + pad("dex", 20) + pad("pools", 7, right: true) + pad("unit", 6, right: true)
                        + pad("p50", 12, right: true) + pad("p99", 12, right: true) + pad("mean", 12, right: true) + pad("samples", 9, right: true)]
        for r in results {
            lines.append(pad(r.name, 20) + pad(r.dex ?? "-", 20) + pad(r.pools.map(String.init) ?? "-", 7, right: true) + pad(r.unit, 6, right: true)
                         + pad(num(r.p50), 12, right: true) + pad(num(r.p99), 12, right: true) + pad(num(r.mean), 12, right: true)
                         + pad(String(r.samples), 9, right: true))
        }
        return lines.joined(separator: "\n")
    }
}
