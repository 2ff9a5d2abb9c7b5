import Cache

extension ServiceMetrics {
    /// NATS links: connection state, message counts, and per shard the follower's lag (slots, ms).
    /// Gauges mirroring the links' own monotonic counters (they survive reconnects, not restarts).
    func busGauges(_ links: [BusStatus]) {
        for b in links {
            let who = [("role", b.role)]
            registry.gauge("spc_nats_connected", labels: who, help: "1 while the NATS connection is up").set(b.state == "connected" ? 1.0 : 0.0)
            let counts: [(String, UInt64)] = [
                ("published", b.published), ("received", b.received), ("dropped", b.dropped), ("republished", b.republished),
                ("malformed", b.malformed),
            ]
            for (kind, n) in counts {
                registry.gauge(
                    "spc_nats_messages", labels: who + [("kind", kind)],
                    help:
                        "NATS messages since start: published, received, dropped (not published; recovered by a republish), republished from the store, malformed"
                ).set(Double(n))
            }
            registry.gauge("spc_nats_connects", labels: who, help: "NATS (re)connects since start").set(Double(b.connects))
            for s in b.shards {
                let shard = [("shard", s.name)]
                registry.gauge("spc_nats_shard_alive", labels: shard, help: "1 while the shard's heartbeat is within the deadline")
                    .set(s.alive ? 1.0 : 0.0)
                registry.gauge("spc_nats_shard_slot_lag", labels: shard, help: "Shard's heartbeat slot minus the newest slot applied from it")
                    .set(Double(s.slotLag))
                if let p = s.lagP50Ms {
                    registry.gauge("spc_nats_shard_lag_p50_ms", labels: shard, help: "Publish to applied on this follower, median (ms)").set(p)
                }
                if let p = s.lagP99Ms {
                    registry.gauge("spc_nats_shard_lag_p99_ms", labels: shard, help: "Publish to applied on this follower, p99 (ms)").set(p)
                }
            }
        }
    }
}
