import Foundation
import SolanaCore

/// The soak's result, printed as its last line:
/// `soak: minutes=M pools=N faults=F updates=U mismatches=X rss_start_mb=A rss_end_mb=B fds_start=C fds_end=D
/// fault_kinds=K accounts_checked=H` (K: distinct fault kinds fired; H: accounts compared with the
/// chain at the final checkpoint).
///
/// ```swift
/// let s = SoakSummary(minutes: 10, pools: 16, faults: 150, updates: 40_000, mismatches: 0,
///                     rssStartMB: 40, rssEndMB: 42, fdsStart: 30, fdsEnd: 30, faultKinds: 8, accountsChecked: 90)
/// SoakSummary(line: s.line) == s   // true
/// ```
struct SoakSummary: Equatable, Sendable {
    var minutes: Double
    var pools: Int
    var faults: Int
    var updates: UInt64
    var mismatches: Int
    var rssStartMB: Double
    var rssEndMB: Double
    var fdsStart: Int
    var fdsEnd: Int
    var faultKinds: Int
    var accountsChecked: Int

    var line: String {
        "soak: minutes=\(Self.format(minutes)) pools=\(pools) faults=\(faults) updates=\(updates) mismatches=\(mismatches) "
            + "rss_start_mb=\(Self.format(rssStartMB)) rss_end_mb=\(Self.format(rssEndMB)) fds_start=\(fdsStart) fds_end=\(fdsEnd) "
            + "fault_kinds=\(faultKinds) accounts_checked=\(accountsChecked)"
    }

    /// Whole numbers without a fraction, others with one decimal (`10`, `2.5`, `41.3`).
    static func format(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(format: "%.1f", r)
    }

    /// Parses a summary line; nil when it is not exactly that format.
    init?(line: String) {
        let parts = line.trimmingCharacters(in: .whitespaces).split(separator: " ")
        guard parts.count == 12, parts[0] == "soak:" else { return nil }
        var fields: [String: String] = [:]
        for p in parts.dropFirst() {
            let kv = p.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else { return nil }
            fields[String(kv[0])] = String(kv[1])
        }
        guard let m = fields["minutes"].flatMap(Double.init), let n = fields["pools"].flatMap(Int.init),
            let f = fields["faults"].flatMap(Int.init), let u = fields["updates"].flatMap(UInt64.init),
            let x = fields["mismatches"].flatMap(Int.init), let a = fields["rss_start_mb"].flatMap(Double.init),
            let b = fields["rss_end_mb"].flatMap(Double.init), let c = fields["fds_start"].flatMap(Int.init),
            let d = fields["fds_end"].flatMap(Int.init), let k = fields["fault_kinds"].flatMap(Int.init),
            let h = fields["accounts_checked"].flatMap(Int.init)
        else { return nil }
        self.init(
            minutes: m, pools: n, faults: f, updates: u, mismatches: x, rssStartMB: a, rssEndMB: b, fdsStart: c, fdsEnd: d, faultKinds: k,
            accountsChecked: h)
    }

    init(
        minutes: Double, pools: Int, faults: Int, updates: UInt64, mismatches: Int, rssStartMB: Double, rssEndMB: Double, fdsStart: Int,
        fdsEnd: Int, faultKinds: Int = 0, accountsChecked: Int = 0
    ) {
        self.minutes = minutes; self.pools = pools; self.faults = faults; self.updates = updates; self.mismatches = mismatches
        self.rssStartMB = rssStartMB; self.rssEndMB = rssEndMB; self.fdsStart = fdsStart; self.fdsEnd = fdsEnd
        self.faultKinds = faultKinds; self.accountsChecked = accountsChecked
    }

    /// Totals over several runs (each run is its own cache process, so memory and descriptors add up too).
    static func total(_ runs: [SoakSummary]) -> SoakSummary {
        runs.reduce(SoakSummary(minutes: 0, pools: 0, faults: 0, updates: 0, mismatches: 0, rssStartMB: 0, rssEndMB: 0, fdsStart: 0, fdsEnd: 0)) {
            t, r in
            SoakSummary(
                minutes: t.minutes + r.minutes, pools: t.pools + r.pools, faults: t.faults + r.faults, updates: t.updates &+ r.updates,
                mismatches: t.mismatches + r.mismatches, rssStartMB: t.rssStartMB + r.rssStartMB, rssEndMB: t.rssEndMB + r.rssEndMB,
                fdsStart: t.fdsStart + r.fdsStart, fdsEnd: t.fdsEnd + r.fdsEnd,
                // Kinds: the fewest any run fired (each run must fire every kind); accounts add up.
                faultKinds: t.minutes == 0 ? r.faultKinds : min(t.faultKinds, r.faultKinds), accountsChecked: t.accountsChecked + r.accountsChecked)
        }
    }
}
