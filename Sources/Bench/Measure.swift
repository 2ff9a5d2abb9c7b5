import App
import Foundation

/// Timing helpers for `solana-pool-cache bench`: samples of batched iterations, percentiles,
/// and the machine description printed with every run (ratios within one run are what count).
public struct BenchResult: Sendable {
    public var name: String
    public var dex: String?
    public var pools: Int?
    public var unit: String
    public var p50: Double
    public var p99: Double
    public var mean: Double
    public var samples: Int
    public var note: String?

    public init(
        name: String, dex: String? = nil, pools: Int? = nil, unit: String, p50: Double, p99: Double, mean: Double, samples: Int, note: String? = nil
    ) {
        self.name = name; self.dex = dex; self.pools = pools; self.unit = unit
        self.p50 = p50; self.p99 = p99; self.mean = mean; self.samples = samples; self.note = note
    }
}

public enum Measure {
    /// Runs `body` in batches of `batch` iterations for `samples` samples (after a warm-up) and
    /// reports nanoseconds per iteration.
    public static func nanos(
        name: String, dex: String? = nil, pools: Int? = nil, samples: Int, batch: Int,
        _ body: () throws -> Void
    ) rethrows -> BenchResult {
        for _ in 0..<max(1, samples / 10) { for _ in 0..<batch { try body() } }
        var values: [Double] = []
        values.reserveCapacity(samples)
        for _ in 0..<samples {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<batch { try body() }
            let end = DispatchTime.now().uptimeNanoseconds
            values.append(Double(end - start) / Double(batch))
        }
        return summarize(name: name, dex: dex, pools: pools, unit: "ns", values: values)
    }

    public static func summarize(name: String, dex: String? = nil, pools: Int? = nil, unit: String, values: [Double], note: String? = nil)
        -> BenchResult
    {
        let sorted = values.sorted()
        func pct(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return .nan }
            return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
        }
        let mean = sorted.isEmpty ? .nan : sorted.reduce(0, +) / Double(sorted.count)
        return BenchResult(
            name: name, dex: dex, pools: pools, unit: unit, p50: pct(0.5), p99: pct(0.99), mean: mean, samples: sorted.count, note: note)
    }

    /// Resident set size of this process in bytes (Linux /proc/self/statm).
    public static func residentBytes() -> Int { HeapTrim.residentBytes() }

    public static func machine() -> [(String, String)] {
        var model = "unknown"
        if let cpu = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = cpu.split(separator: "\n").first(where: { $0.hasPrefix("model name") })
        {
            model = line.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? model
        }
        return [
            ("cpu", model), ("cores", String(ProcessInfo.processInfo.activeProcessorCount)),
            ("memory_gb", String(ProcessInfo.processInfo.physicalMemory / (1 << 30))),
            ("os", ProcessInfo.processInfo.operatingSystemVersionString),
        ]
    }
}
