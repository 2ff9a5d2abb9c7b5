import Cache
import SolanaCore

/// The `/v1/health` view of a NATS link (`nats`: publisher or follower, per-shard lag).
enum BusJSON {
    static func link(_ b: BusStatus) -> JSONText {
        .object([
            ("role", .string(b.role)), ("shard", J.str(b.shard)), ("state", .string(b.state)), ("server", J.str(b.server)),
            ("published", J.u64(b.published)), ("received", J.u64(b.received)), ("dropped", J.u64(b.dropped)),
            ("republished", J.u64(b.republished)), ("republishes", J.u64(b.republishes)), ("malformed", J.u64(b.malformed)),
            ("connects", J.u64(b.connects)), ("last_error", J.str(b.lastError)),
            (
                "shards",
                .array(
                    b.shards.map { s in
                        .object([
                            ("name", .string(s.name)), ("alive", .bool(s.alive)), ("heartbeat_age_ms", J.num(s.heartbeatAgeMs?.rounded())),
                            ("slot_lag", J.u64(s.slotLag)), ("lag_p50_ms", J.num(s.lagP50Ms)), ("lag_p99_ms", J.num(s.lagP99Ms)),
                            ("last_lag_ms", J.num(s.lastLagMs)), ("accounts", J.int(s.accounts)),
                        ])
                    })
            ),
        ])
    }
}
