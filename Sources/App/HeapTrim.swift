import Foundation
import Logging

/// Gives freed heap memory back to the kernel after bursts.
///
/// glibc keeps what a burst frees in its arenas: a re-snapshot after a reconnect storm
/// decodes tens of MB of JSON (thousands of 10 KB tick and bin arrays) at once, and without
/// trimming, resident memory ratchets up at every storm and never comes down (the soak's
/// traces are in docs/reliability.md). `malloc_trim` walks and locks the arenas (5–15 ms for a
/// synthetic 100 MB fragmented heap here), so it runs only when resident memory has grown by
/// `growthMB` since the level after the last trim, not on a blind timer. Linux (glibc) only.
///
/// ```swift
/// var policy = HeapTrim.Policy(growthMB: 8, baselineMB: 100)
/// policy.shouldTrim(residentMB: 105)   // false: within the allowance
/// policy.shouldTrim(residentMB: 120)   // true: trim, then policy.trimmed(residentMB:)
/// ```
public enum HeapTrim {
    public struct Policy {
        public let growthMB: Double
        public private(set) var baselineMB: Double
        public init(growthMB: Double, baselineMB: Double) { self.growthMB = growthMB; self.baselineMB = baselineMB }

        /// True when memory grew past the allowance; a lower reading lowers the baseline.
        public mutating func shouldTrim(residentMB: Double) -> Bool {
            if residentMB < baselineMB { baselineMB = residentMB }
            return residentMB > baselineMB + growthMB
        }
        /// The level after a trim is the new baseline (what the cache really holds).
        public mutating func trimmed(residentMB: Double) { baselineMB = residentMB }
    }

    /// Checks resident memory every `seconds` until cancelled; trims after growth.
    public static func run(every seconds: Double, growthMB: Double = 8, logger: Logger) async {
        #if os(Linux)
            guard let start = residentMB() else { return }
            var policy = Policy(growthMB: growthMB, baselineMB: start)
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(seconds))
                guard let before = residentMB(), policy.shouldTrim(residentMB: before) else { continue }
                let began = ContinuousClock.now
                _ = glibcMallocTrim(0)
                let took = ContinuousClock.now - began
                let after = residentMB() ?? before
                policy.trimmed(residentMB: after)
                logger.debug("heap trim: \(Int(before)) → \(Int(after)) MB resident in \(took)")
            }
        #endif
    }

    /// Resident set size in MB, nil where it cannot be read.
    public static func residentMB() -> Double? {
        let bytes = residentBytes()
        return bytes > 0 ? Double(bytes) / 1_048_576 : nil
    }

    /// Resident set size in bytes (Linux /proc/self/statm; 0 elsewhere). The bench reads it too.
    public static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

#if os(Linux)
    /// `int malloc_trim(size_t pad)` from <malloc.h>, which Swift's Glibc module does not import.
    @_silgen_name("malloc_trim")
    private func glibcMallocTrim(_ pad: UInt) -> Int32
#endif
