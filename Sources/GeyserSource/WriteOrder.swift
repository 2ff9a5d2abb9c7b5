import SolanaCore

/// Per-account order of a Geyser stream's writes: by slot, then `write_version` (the validator's
/// global write counter, so within a slot a higher one is the later write). A write not newer
/// than the last admitted one of its account is refused: replayed overlap, duplicates, and a
/// stale version sent after a newer one.
///
/// ```swift
/// var order = WriteOrder()
/// order.admit(key, slot: 10, writeVersion: 5)   // .newer
/// order.admit(key, slot: 10, writeVersion: 7)   // .sameSlotNewer
/// order.admit(key, slot: 10, writeVersion: 7)   // .older (duplicate)
/// ```
struct WriteOrder {
    enum Verdict: Equatable { case newer, sameSlotNewer, older }
    private var last: [Pubkey: (slot: UInt64, writeVersion: UInt64)] = [:]

    mutating func admit(_ key: Pubkey, slot: UInt64, writeVersion: UInt64) -> Verdict {
        if let held = last[key] {
            if slot < held.slot || (slot == held.slot && writeVersion <= held.writeVersion) { return .older }
            last[key] = (slot, writeVersion)
            return slot == held.slot ? .sameSlotNewer : .newer
        }
        last[key] = (slot, writeVersion)
        return .newer
    }

    /// Forgets accounts no longer followed (a later follow starts them afresh).
    mutating func keep(_ keys: Set<Pubkey>) {
        if last.count > keys.count || last.keys.contains(where: { !keys.contains($0) }) { last = last.filter { keys.contains($0.key) } }
    }
}
