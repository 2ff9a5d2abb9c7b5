import Cache
import Hummingbird
import SolanaCore

/// `/v1/discovery`: what `[discovery]` searched for, when it last ran, and every pool it found
/// with its state (followed, below the liquidity floor, rejected, or configured anyway).
struct DiscoveryRoutes {
    // Only what these handlers read (not the whole server).
    let ingest: (any IngestControl)?

    func register(on router: Router<some RequestContext>) {
        router.get("/v1/discovery") { _, _ in jsonResponse(Self.json(self.ingest?.discovery())) }
    }

    static func json(_ report: DiscoveryReport?) -> JSONText {
        guard let r = report else { return .object([("enabled", .bool(false))]) }
        var byState: [String: Int] = [:]
        for p in r.pools { byState[p.state.rawValue, default: 0] += 1 }
        return .object([
            ("enabled", .bool(true)),
            ("mints", .array(r.mints.map(J.key))),
            ("dexes", .array(r.dexes.map { .string($0) })),
            ("min_reserve_usd", J.num(r.minReserveUSD)),
            ("refresh_seconds", J.num(r.refreshSeconds)),
            ("runs", J.int(r.runs)),
            ("queries_per_run", J.int(r.queriesPerRun)),
            ("last_run_at", J.num(r.lastRunAt)),
            ("last_duration_s", J.num(r.lastDurationSeconds)),
            ("last_error", J.str(r.lastError)),
            ("added", J.int(r.added)),
            ("dropped", J.int(r.dropped)),
            ("pools_found", J.int(r.pools.count)),
            ("pools_by_state", .object(byState.sorted { $0.key < $1.key }.map { ($0.key, J.int($0.value)) })),
            (
                "pools",
                .array(
                    r.pools.map { p in
                        .object([
                            ("address", J.key(p.address)), ("dex", .string(p.dex)), ("mint_a", J.key(p.mintA)), ("mint_b", J.key(p.mintB)),
                            ("state", .string(p.state.rawValue)), ("reserve_usd", J.num(p.reserveUSD)), ("reason", J.str(p.reason)),
                            ("found_at", J.num(p.foundAt)),
                        ])
                    })
            ),
        ])
    }
}
