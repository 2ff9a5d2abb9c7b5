import Cache
import Foundation

/// After validation settles (no pool pending, or 20 s), one line per pool that is not ok,
/// so dead or mislabelled config entries are visible at start.
public enum StartupReport {
    public static func run(store: PoolStore, output: @Sendable (String) -> Void) async {
        for _ in 0..<40 {
            if Task.isCancelled { return }
            if !store.entries().contains(where: { $0.status == .pending }) { break }
            do { try await Task.sleep(for: .milliseconds(500)) } catch { return }
        }
        let entries = store.entries()
        let ok = entries.filter { $0.status == .ok || $0.status == .stale }.count
        output("pools: \(ok) of \(entries.count) priced")
        for e in entries where !(e.status == .ok || e.status == .stale) {
            output("  pool \(e.address) \(e.config.name.map { "(\($0)) " } ?? ""): \(e.status)")
        }
    }
}
