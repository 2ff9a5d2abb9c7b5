import Foundation
import SolanaCore

/// The invariant the soak checks with the cluster paused: every account the cache holds equals
/// the chain's bytes and owner, at a slot no older than the chain's last write and no newer than
/// the chain's slot; every watched account that exists on the chain is held.
///
/// ```swift
/// let problems = CacheAudit.mismatches(cached: cached, chain: chain, chainSlot: 1234)   // [] when equal
/// ```
enum CacheAudit {
    /// One line per mismatched account (`address: reason; reason`), so the count is of accounts.
    static func mismatches(cached: [CachedAccount], chain: [String: ChainAccount], chainSlot: UInt64) -> [String] {
        var out: [String] = []
        for c in cached {
            let onChain = chain[c.address]
            guard let held = c.held else {
                // Optional accounts that do not exist on the chain (a bitmap extension never created) cannot be held.
                if onChain != nil { out.append("\(c.address): watched but not cached") }
                continue
            }
            guard let chainAccount = onChain else { out.append("\(c.address): cached but not on the chain"); continue }
            var reasons: [String] = []
            if held.data != chainAccount.data {
                reasons.append("bytes differ (cached slot \(held.slot), chain write slot \(chainAccount.writeSlot))")
            }
            if held.owner != chainAccount.owner { reasons.append("owner differs") }
            if held.slot < chainAccount.writeSlot {
                reasons.append("cached slot \(held.slot) older than the chain's write at \(chainAccount.writeSlot)")
            }
            if held.slot > chainSlot { reasons.append("cached slot \(held.slot) is in the future (chain at \(chainSlot))") }
            if !reasons.isEmpty { out.append("\(c.address): \(reasons.joined(separator: "; "))") }
        }
        return out
    }
}
