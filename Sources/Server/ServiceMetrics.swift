import Cache
import Foundation
import Persistence
import Prometheus

/// The service's Prometheus registry: HTTP, stream, pool and ingestion figures, rendered by
/// `/metrics` in the text exposition format.
///
/// ```swift
/// let metrics = ServiceMetrics()
/// metrics.request(route: "/prices", method: "GET", status: 200, seconds: 0.0004)
/// print(metrics.render(store: store, ingest: nil))
/// ```
// @unchecked Sendable: `lock` guards lastIngest and lastStream; the registry and metric handles are lets (swift-prometheus types are thread-safe).
public final class ServiceMetrics: @unchecked Sendable {
    public let registry = PrometheusCollectorRegistry()
    let internalErrors: Counter
    let rejected: Counter
    let badRequests: Counter
    let streamClients: Gauge
    let streamMessages: Counter
    let streamDropped: Counter
    let persistenceErrors: Counter
    let httpConnections: Gauge
    let connectionLimitReached: Counter
    let connectionTimeouts: Counter
    let streamSlowDropped: Counter
    let unauthorized: Counter
    let staleQuotes: Counter
    let swapInstructionRefusals: Counter
    let streamRenders: Counter
    let streamUnchangedSkipped: Counter
    let latency: ValueHistogram
    private let lock = NSLock()
    private var lastIngest = IngestCounters()
    /// The gRPC stream counters as last exported, by series (source, connection, outcome).
    private var lastStream: [String: UInt64] = [:]

    public init() {
        internalErrors = registry.counter("spc_http_internal_errors_total", help: "Requests that failed with an internal error")
        rejected = registry.counter("spc_http_rejected_total", help: "Requests rejected by size limits")
        badRequests = registry.counter("spc_http_bad_requests_total", help: "Requests answered 4xx")
        streamClients = registry.gauge("spc_stream_clients", help: "Connected /v1/stream clients")
        streamMessages = registry.counter("spc_stream_messages_total", help: "Messages sent to stream clients")
        streamDropped = registry.counter("spc_stream_refused_total", help: "Stream connections refused (limit)")
        httpConnections = registry.gauge("spc_http_connections", help: "Open HTTP/WebSocket connections")
        connectionLimitReached = registry.counter(
            "spc_http_connection_limit_reached_total",
            help: "Times accepting paused because max_connections were open")
        connectionTimeouts = registry.counter(
            "spc_http_connection_timeouts_total",
            help: "Connections closed for a slow or missing request head/body")
        streamSlowDropped = registry.counter("spc_stream_slow_dropped_total", help: "Stream clients dropped for not reading")
        unauthorized = registry.counter("spc_http_unauthorized_total", help: "Requests refused for a missing or wrong bearer token")
        staleQuotes = registry.counter("spc_swap_instructions_stale_total", help: "Swap-instruction requests refused 409: the route's state moved")
        swapInstructionRefusals = registry.counter(
            "spc_swap_instructions_unsupported_total", help: "Swap-instruction requests refused: no builder, transfer hook, unsupported pool")
        streamRenders = registry.counter("spc_stream_renders_total", help: "Stream messages rendered (once each, whatever the client count)")
        streamUnchangedSkipped = registry.counter(
            "spc_stream_opportunities_unchanged_total", help: "Opportunity events not sent because nothing in them changed")
        persistenceErrors = registry.counter("spc_persistence_errors_total", help: "Failed database writes")
        latency = registry.valueHistogram(
            "spc_http_request_seconds", buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
            help: "Time to answer an HTTP request")
    }

    func request(route: String, method: String, status: Int, seconds: Double) {
        registry.counter(
            "spc_http_requests_total", labels: [("route", route), ("method", method), ("status", String(status))],
            help: "HTTP requests by route template and status"
        ).increment()
        if (400..<500).contains(status) { badRequests.increment() }
        latency.record(seconds)
    }

    /// Refreshes the gauges that mirror current state, then renders everything.
    public func render(store: PoolStore, ingest: (any IngestControl)?, snapshots: SnapshotHealth? = nil, bus: (any BusStatusProvider)? = nil)
        -> String
    {
        var byStatus: [String: Int] = [:]
        for label in ["pending", "ok", "not_found", "wrong_owner", "unsupported", "stale", "error"] { byStatus[label] = 0 }
        let entries = store.entries()
        for e in entries { byStatus[e.status.label, default: 0] += 1 }
        for (label, n) in byStatus {
            registry.gauge("spc_pools", labels: [("status", label)], help: "Configured pools by status").set(Double(n))
        }
        registry.gauge("spc_accounts_watched", help: "Accounts the cache holds or waits for").set(Double(store.watchedAccounts().count))
        if let s = snapshots {
            registry.gauge("spc_snapshot_failures", help: "Account snapshot flushes that failed since start").set(Double(s.failuresTotal))
            registry.gauge("spc_snapshot_consecutive_failures", help: "Account snapshot flushes failed in a row (0: the database takes writes)")
                .set(Double(s.consecutiveFailures))
            registry.gauge("spc_snapshot_last_success_timestamp_seconds", help: "Unix time of the last account snapshot that reached the database")
                .set(s.lastSuccessAt ?? 0)
        }
        if let ingest {
            let c = ingest.counters()
            lock.withLock {
                func bump(_ name: String, _ help: String, _ now: UInt64, _ before: UInt64) {
                    let counter = registry.counter(name, help: help)
                    if now > before { counter.increment(by: Int64(clamping: now - before)) }
                }
                bump("spc_ingest_notifications_total", "Account notifications received", c.notifications, lastIngest.notifications)
                bump("spc_ingest_applied_total", "Updates applied to the store", c.appliedUpdates, lastIngest.appliedUpdates)
                bump("spc_ingest_ignored_older_total", "Updates ignored as older than the held slot", c.ignoredOlder, lastIngest.ignoredOlder)
                bump("spc_ingest_decode_errors_total", "Updates that failed to decode", c.decodeErrors, lastIngest.decodeErrors)
                bump("spc_ingest_reconnects_total", "PubSub reconnects", c.reconnects, lastIngest.reconnects)
                bump("spc_ingest_resnapshots_total", "Re-snapshots after a gap", c.resnapshots, lastIngest.resnapshots)
                bump("spc_rpc_requests_total", "JSON-RPC HTTP requests", c.httpRequests, lastIngest.httpRequests)
                bump(
                    "spc_ingest_subscriptions_refused_total", "Account subscriptions an endpoint refused", c.subscriptionsRefused,
                    lastIngest.subscriptionsRefused)
                bump("spc_rpc_429_total", "JSON-RPC answers 429", c.http429, lastIngest.http429)
                lastIngest = c
            }
            if let d = ingest.discovery() {
                var byState = Dictionary(uniqueKeysWithValues: DiscoveryReport.Pool.State.allCases.map { ($0.rawValue, 0) })
                for p in d.pools { byState[p.state.rawValue, default: 0] += 1 }
                for (state, n) in byState {
                    registry.gauge("spc_discovery_pools", labels: [("state", state)], help: "Pools found by the last discovery run, by state")
                        .set(Double(n))
                }
                registry.gauge("spc_discovery_runs", help: "Discovery runs since start").set(Double(d.runs))
                registry.gauge("spc_discovery_last_run_failed", help: "1 when the last discovery run failed").set(d.lastError == nil ? 0.0 : 1.0)
            }
            let connections = ingest.connections()
            let live = connections.filter { $0.state == .live }.count
            for conn in connections {
                let id = String(conn.id)
                for (kind, n) in [("account", conn.accountSubscriptions), ("program", conn.programSubscriptions)] {
                    registry.gauge(
                        "spc_connection_subscriptions", labels: [("connection", id), ("kind", kind)],
                        help: "Subscriptions per PubSub connection: accountSubscribe / programSubscribe (the slot heartbeat not counted)"
                    ).set(Double(n))
                }
                let outcomes = [
                    ("received", conn.updatesReceived), ("applied", conn.updatesApplied), ("dropped_unfollowed", conn.updatesDroppedUnfollowed),
                ]
                for (outcome, n) in outcomes {
                    registry.gauge(
                        "spc_connection_updates", labels: [("connection", id), ("outcome", outcome)],
                        help: "Notifications per PubSub connection since start: received, applied to the store, dropped as not followed"
                    ).set(Double(n))
                }
            }
            streamCounters(connections)
            registry.gauge("spc_connections_live", help: "PubSub connections live").set(Double(live))
            if !c.latencySamples.isEmpty {
                let sorted = c.latencySamples.sorted()
                registry.gauge("spc_ingest_latency_p50_seconds", help: "Receive-to-visible latency, median of the recent window")
                    .set(sorted[sorted.count / 2])
            }
        }
        if let bus { busGauges(bus.busStatus()) }
        return registry.emitToString()
    }
}

extension ServiceMetrics {
    /// Per gRPC stream: updates by outcome, catch-ups by kind (replay or re-snapshot), filters.
    func streamCounters(_ connections: [ConnectionHealth]) {
        for c in connections {
            guard let st = c.stream else { continue }
            let who = [("source", c.source), ("connection", String(c.id))]
            registry.gauge("spc_grpc_filters", labels: who, help: "Account filters in the stream's last Subscribe request")
                .set(Double(st.filters))
            let series: [(String, String, String, UInt64)] = [
                ("spc_grpc_updates_total", "outcome", "received", st.received), ("spc_grpc_updates_total", "outcome", "applied", st.applied),
                ("spc_grpc_updates_total", "outcome", "unfollowed", st.unfollowed),
                ("spc_grpc_updates_total", "outcome", "duplicate", st.duplicates),
                ("spc_grpc_catchups_total", "kind", "replay", UInt64(st.replays)),
                ("spc_grpc_catchups_total", "kind", "resnapshot", UInt64(st.resnapshots)),
            ]
            lock.withLock {
                for (name, label, value, now) in series {
                    let id = "\(name)|\(c.source)|\(c.id)|\(value)"
                    let before = lastStream[id] ?? 0
                    let help =
                        name == "spc_grpc_updates_total"
                        ? "gRPC account updates: received, applied, dropped as unfollowed or as not newer (slot, write_version)"
                        : "gRPC stream (re)connects caught up by from_slot replay or by a getMultipleAccounts re-snapshot"
                    let counter = registry.counter(name, labels: who + [(label, value)], help: help)
                    if now > before { counter.increment(by: Int64(clamping: now - before)) }
                    lastStream[id] = now
                }
            }
        }
    }
}

/// Metric names are written whole (`spc_…_total`), so the descriptor carries the full name and
/// an empty unit; this replaces swift-prometheus's deprecated `make…(name:help:)`.
extension PrometheusCollectorRegistry {
    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
    func counter(_ name: String, labels: [(String, String)] = [], help: String) -> Counter {
        makeCounter(descriptor: Self.descriptor(name, help), labels: labels)
    }
    func gauge(_ name: String, labels: [(String, String)] = [], help: String) -> Gauge {
        makeGauge(descriptor: Self.descriptor(name, help), labels: labels)
    }
    func valueHistogram(_ name: String, buckets: [Double], help: String) -> ValueHistogram {
        makeValueHistogram(descriptor: Self.descriptor(name, help), buckets: buckets)
    }
}
