import Foundation

/// A shard's heartbeat on `spc.shard.<name>`: its newest slot and the time, as JSON. Pure.
public struct ShardHeartbeat: Sendable, Equatable {
    public var shard: String
    public var slot: UInt64
    public var unixMs: Int64
    public var pools: Int

    public init(shard: String, slot: UInt64, unixMs: Int64, pools: Int) {
        self.shard = shard; self.slot = slot; self.unixMs = unixMs; self.pools = pools
    }

    public var payload: [UInt8] { Array(#"{"shard":"\#(shard)","slot":\#(slot),"unix_ms":\#(unixMs),"pools":\#(pools)}"#.utf8) }

    public init?(payload: [UInt8]) {
        guard let o = (try? JSONSerialization.jsonObject(with: Data(payload))) as? [String: Any], let shard = o["shard"] as? String,
            let slot = (o["slot"] as? NSNumber)?.uint64Value, let ms = (o["unix_ms"] as? NSNumber)?.int64Value
        else { return nil }
        self.init(shard: shard, slot: slot, unixMs: ms, pools: (o["pools"] as? NSNumber)?.intValue ?? 0)
    }
}
