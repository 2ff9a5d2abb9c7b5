import Cache
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import SolanaCore

/// `/v1/stream` WebSocket: pushes `{"type":"pool_update",…}` for every re-priced pool,
/// `{"type":"opportunity","event":"appeared"|"updated",…}` when an opportunity appears or changes
/// and `{"type":"opportunity_gone",…}` when it no longer stands, filtered by `?pools=a,b` and/or
/// `?mints=x,y`. A client may replace its filter by sending `{"pools":[…],"mints":[…]}`.
struct StreamRoute {
    // Only what this handler reads (not the whole server).
    let store: PoolStore
    let settings: APISettings
    let metrics: ServiceMetrics
    let logger: Logger
    let streamCount: ClientCount
    /// Renders each change once for every client.
    let fanout: StreamFanout
    let clock: @Sendable () -> Double

    /// What one client wants to see (empty sets = everything).
    struct Filter: Sendable {
        var pools: Set<Pubkey> = []
        var mints: Set<Pubkey> = []
        static let maxKeys = 1_000

        func wants(pool: Pubkey, mints poolMints: [Pubkey]) -> Bool {
            if pools.isEmpty && mints.isEmpty { return true }
            return pools.contains(pool) || poolMints.contains { mints.contains($0) }
        }

        func wants(_ m: StreamFanout.Message) -> Bool {
            if pools.isEmpty && mints.isEmpty { return true }
            return m.pools.contains { wants(pool: $0.pool, mints: $0.mints) }
        }

        static func parse(pools: String?, mints: String?) throws -> Filter {
            func keys(_ s: String?, _ name: String) throws -> Set<Pubkey> {
                guard let s, !s.isEmpty else { return [] }
                let parts = s.split(separator: ",")
                guard parts.count <= maxKeys else { throw APIError.badParam(name, "at most \(maxKeys) keys") }
                return Set(try parts.map { try APIServer.pubkey(String($0), name) })
            }
            return Filter(pools: try keys(pools, "pools"), mints: try keys(mints, "mints"))
        }
    }

    func register(on router: Router<BasicWebSocketRequestContext>) {
        let api = self
        router.ws("/v1/stream") { request, _ in
            let q = request.uri.queryParameters
            _ = try Filter.parse(pools: (q["pools"] ?? q["pool"]).map(String.init), mints: (q["mints"] ?? q["mint"]).map(String.init))
            // The HTTP router answers this path too: a plain GET gets 426, not an empty 200.
            guard request.headers[.upgrade]?.lowercased().contains("websocket") == true else {
                throw APIError(.upgradeRequired, "upgrade_required", "/v1/stream is a WebSocket: send Upgrade: websocket")
            }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            // Over the limit: an error thrown before the upgrade reaches a WebSocket client as a
            // bare 400, so the client is upgraded and told why in the close frame instead
            // (1013 Try Again Later, RFC 6455 §7.4.1 / IANA registry).
            guard api.streamCount.tryIncrement(limit: api.settings.maxStreamClients) else {
                api.metrics.streamDropped.increment()
                try await outbound.close(
                    .unknown(1013), reason: "too_many_stream_clients: stream client limit (\(api.settings.maxStreamClients)) reached")
                return
            }
            api.metrics.streamClients.increment()
            defer { api.streamCount.decrement(); api.metrics.streamClients.decrement() }
            let q = context.request.uri.queryParameters
            let initial =
                (try? Filter.parse(pools: (q["pools"] ?? q["pool"]).map(String.init), mints: (q["mints"] ?? q["mint"]).map(String.init))) ?? Filter()
            let filter = FilterBox(initial)
            let (fanoutID, messages) = api.fanout.subscribe()
            defer { api.fanout.unsubscribe(fanoutID) }
            // A client that stops reading fills its socket buffer and `outbound.write` stops
            // returning. A watchdog ends the session when no write has completed for the
            // timeout while one is pending, so memory per client stays at the pending message(s)
            // plus the bounded change buffer, and the slot is freed.
            let timeout = api.settings.streamWriteTimeoutSeconds
            let progress = WriteProgress()
            let send: @Sendable (String) async throws -> Void = { text in
                progress.begin()
                defer { progress.end() }
                try await outbound.write(.text(text))
            }
            try await send(JSONText.object([("type", .string("hello")), ("pools", J.int(api.store.poolCount))]).rendered)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    while true {
                        try await Task.sleep(for: .milliseconds(200))
                        if progress.stalled(timeout: timeout) {
                            api.metrics.streamSlowDropped.increment()
                            api.logger.info("dropped a /v1/stream client: not reading for \(timeout)s")
                            throw StreamWriteTimeout()
                        }
                    }
                }
                group.addTask {
                    for try await message in inbound.messages(maxSize: 16 * 1024) {
                        guard case .text(let text) = message else { continue }
                        do {
                            let body = try Body.decode(Array(text.utf8), as: StreamFilterBody.self)
                            filter.set(try Filter.parse(pools: body.pools?.joined(separator: ","), mints: body.mints?.joined(separator: ",")))
                            try await send(#"{"type":"filter","ok":true}"#)
                        } catch let e as APIError {
                            try await send(
                                JSONText.object([
                                    ("type", .string("error")), ("error", .string(e.code)),
                                    ("message", .string(e.message)),
                                ]).rendered)
                        }
                    }
                }
                group.addTask {
                    // Rendered once by the fanout; each client only filters and writes.
                    for await m in messages {
                        guard filter.get().wants(m) else { continue }
                        try await send(m.text)
                        api.metrics.streamMessages.increment()
                    }
                }
                // The client leaving (inbound ends) ends the session.
                _ = try await group.next()
                group.cancelAll()
            }
        }
    }
}

/// The filter a client may change while its stream runs.
// @unchecked Sendable: `lock` guards filter.
final class FilterBox: @unchecked Sendable {
    private let lock = NSLock()
    private var filter: StreamRoute.Filter
    init(_ f: StreamRoute.Filter) { filter = f }
    func get() -> StreamRoute.Filter { lock.withLock { filter } }
    func set(_ f: StreamRoute.Filter) { lock.withLock { filter = f } }
}

/// A stream client did not accept a message within `streamWriteTimeoutSeconds`.
struct StreamWriteTimeout: Error {}

/// Write progress of one stream client: stalled when a write is pending and none has completed
/// for longer than the timeout.
// @unchecked Sendable: `lock` guards inFlight and lastProgress.
final class WriteProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var inFlight = 0
    private var lastProgress = ContinuousClock.now

    func begin() {
        lock.withLock {
            if inFlight == 0 { lastProgress = .now }; inFlight += 1
        }
    }
    func end() {
        lock.withLock {
            inFlight -= 1; lastProgress = .now
        }
    }
    func stalled(timeout: Double) -> Bool {
        lock.withLock { inFlight > 0 && ContinuousClock.now - lastProgress > .milliseconds(Int(timeout * 1000)) }
    }
}
