import Cache
import Foundation
import Hummingbird
import Persistence
import SolanaCore

/// `/v1/health`: overall state, every pool's status and freshness, every PubSub connection or gRPC stream,
/// config entries that were rejected, and the database.
struct HealthRoutes {
    // Only what these handlers read (not the whole server).
    let store: PoolStore
    let ingest: (any IngestControl)?
    let opportunities: (any OpportunityProvider)?
    let persistence: (any PersistenceStore)?
    let snapshots: AccountSnapshotter?
    let configNotes: [APIServer.ConfigNote]
    let startedAt: Double
    let streamCount: ClientCount
    let phase: StartupPhase
    let clock: @Sendable () -> Double
    let bus: (any BusStatusProvider)?

    func register(on router: Router<some RequestContext>) {
        router.get("/v1/health") { _, _ in await self.health() }
    }

    func health() async -> Response {
        let now = clock()
        let entries = store.entries()
        var counts: [String: Int] = [:]
        for e in entries { counts[e.status.label, default: 0] += 1 }
        let connections = ingest?.connections() ?? []
        let live = connections.filter { $0.state == .live }.count
        let ok = counts["ok", default: 0]
        let links = bus?.busStatus() ?? []
        // A shard whose NATS link is down still serves, but its followers are not being fed.
        let busUp = links.allSatisfy { $0.state == "connected" }
        let status: String
        if entries.isEmpty || ok == 0 {
            status = counts["stale", default: 0] > 0 ? "stale" : "starting"
        } else if ok == entries.count && (ingest == nil || live == connections.count) && busUp {
            status = "ok"
        } else {
            status = "degraded"
        }
        let settled = entries.count - counts["pending", default: 0]
        let reading = phase.read(
            settled: settled, total: entries.count, connections: ingest == nil ? nil : (live, connections.count), now: now)

        var database: JSONText = .null
        if let db = persistence {
            // While the database is down the API keeps serving from memory; this says so.
            var fields: [(String, JSONText)] = [("backend", .string(db.backendName))]
            do {
                // Bounded: a health check answers even when the database does not.
                let version = try await Deadline.run("health check", seconds: 2) { try await db.schemaVersion() }
                fields += [("ok", .bool(true)), ("schema_version", J.int(version))]
            } catch {
                fields += [("ok", .bool(false)), ("error", .string("\(error)".prefix(200).description))]
            }
            if let s = snapshots?.status() {
                fields.append(
                    (
                        "snapshots",
                        .object([
                            ("last_success_at", J.num(s.lastSuccessAt)), ("consecutive_failures", J.int(s.consecutiveFailures)),
                            ("failures_total", J.int(s.failuresTotal)), ("last_error", J.str(s.lastError)),
                        ])
                    ))
            }
            database = .object(fields)
        }
        let nats: JSONText = bus == nil ? .null : .array(links.map(BusJSON.link))
        return jsonResponse(
            .object([
                ("status", .string(status)),
                ("phase", .string(reading.phase)),
                ("validation", Self.validation(reading)),
                ("uptime_s", J.num((now - startedAt).rounded())),
                ("pools_total", J.int(entries.count)),
                ("pools_by_status", .object(counts.sorted { $0.key < $1.key }.map { ($0.key, J.int($0.value)) })),
                (
                    "pools",
                    .array(
                        entries.map { e in
                            .object([
                                ("address", J.key(e.address)), ("name", J.str(e.config.name)), ("dex", J.str(e.dex?.rawValue)),
                                ("status", .string(e.status.label)),
                                ("detail", e.status.label == e.status.description ? .null : .string(e.status.description)),
                                ("slot", J.u64(e.lastSlot)),
                                ("age_ms", e.lastUpdate.map { J.int(max(0, Int(((now - $0) * 1000).rounded()))) } ?? .null),
                            ])
                        })
                ),
                (
                    "connections",
                    ingest == nil
                        ? .null
                        : .array(
                            connections.map { c in
                                .object([
                                    ("id", J.int(c.id)), ("endpoint", .string(c.endpoint)), ("state", .string(c.state.rawValue)),
                                    ("subscriptions", J.int(c.subscriptions)), ("reconnects", J.int(c.reconnects)),
                                    ("refused_subscriptions", J.int(c.refusedSubscriptions)),
                                    ("account_subscriptions", J.int(c.accountSubscriptions)),
                                    ("program_subscriptions", J.int(c.programSubscriptions)),
                                    ("updates_received", J.u64(c.updatesReceived)), ("updates_applied", J.u64(c.updatesApplied)),
                                    ("updates_dropped_unfollowed", J.u64(c.updatesDroppedUnfollowed)),
                                    ("last_message_age_ms", c.lastMessageAt.map { J.int(max(0, Int(((now - $0) * 1000).rounded()))) } ?? .null),
                                    ("last_error", J.str(c.lastError)), ("source", .string(c.source)),
                                    ("stream", c.stream.map(Self.stream) ?? .null),
                                ])
                            })
                ),
                (
                    "rejected_config",
                    .array(
                        configNotes.map { n in
                            .object([("entry", .string(n.entry)), ("address", .string(n.address)), ("reason", .string(n.reason))])
                        })
                ),
                ("ingest", ingest.map { Self.ingest($0.counters()) } ?? .null),
                ("router", router(opportunities?.routerStatus())),
                ("stream_clients", J.int(streamCount.current)),
                ("database", database),
                ("nats", nats),
            ]))
    }

    /// Validation progress while pools wait for it: settled of total, the batch's rate and ETA.
    static func validation(_ r: StartupPhase.Reading) -> JSONText {
        guard let b = r.batch else { return .null }
        return .object([
            ("settled", J.int(r.settled)), ("total", J.int(r.total)),
            ("per_second", b.perSecond.map { J.num(($0 * 10).rounded() / 10) } ?? .null),
            ("eta_s", b.etaSeconds.map { J.int($0) } ?? .null),
        ])
    }

    /// Update totals and receive-to-visible latency (the dashboard's charts): quantiles of the
    /// recent window, and the all-time histogram (`counts[i]` ≤ `bounds_s[i]`, the last one above).
    static func ingest(_ c: IngestCounters) -> JSONText {
        let sorted = c.latencySamples.sorted()
        func q(_ p: Double) -> JSONText {
            sorted.isEmpty ? .null : J.num(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000)
        }
        return .object([
            ("notifications", J.u64(c.notifications)), ("updates_applied", J.u64(c.appliedUpdates)),
            ("latency_ms", .object([("p50", q(0.5)), ("p90", q(0.9)), ("p99", q(0.99)), ("samples", J.int(sorted.count))])),
            (
                "latency_histogram",
                .object([
                    ("bounds_s", .array(LatencyHistogram.bounds.map(J.num))), ("counts", .array(c.latency.counts.map { J.int($0) })),
                    ("count", J.int(c.latency.count)), ("sum_s", J.num(c.latency.sum)),
                ])
            ),
        ])
    }

    /// A gRPC stream's counters (`ConnectionHealth.stream`).
    static func stream(_ s: StreamStats) -> JSONText {
        .object([
            ("filters", J.int(s.filters)), ("updates_received", J.int(s.received)),
            ("updates_applied", J.int(s.applied)), ("updates_unfollowed", J.int(s.unfollowed)),
            ("updates_duplicate", J.int(s.duplicates)), ("replays", J.int(s.replays)), ("resnapshots", J.int(s.resnapshots)),
        ])
    }

    /// The effective `[router]` settings (null when no arbitrage engine runs).
    func router(_ r: RouterStatus?) -> JSONText {
        guard let r else { return .null }
        return .object([
            ("mode", .string(r.mode)), ("mode_applied", .bool(r.modeApplied)),
            ("min_roi_percent", J.num(r.minROIPercent)), ("max_hops", J.int(r.maxHops)),
            ("cycles_by_hops", r.cyclesByHops.map { c in .object(c.sorted { $0.key < $1.key }.map { (String($0.key), J.int($0.value)) }) } ?? .null),
            ("cycles_truncated", .bool(r.cyclesTruncated)),
        ])
    }
}
