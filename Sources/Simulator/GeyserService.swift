import Foundation
import GRPCCore
import Geyser
import SolanaCore

/// The simulator's Yellowstone-compatible gRPC service (`geyser.Geyser`, see
/// Generated/Geyser/geyser.proto): `Subscribe` streams the account writes matching the request's
/// filters with their `write_version`, slot updates, a ping every `pingInterval` and a pong for
/// every client ping; `from_slot` replays the retained slots (`GeyserFeed`) before the live
/// ones; a later request with filters replaces them (a ping-only request does not, as in
/// Yellowstone). Faults: `cut` ends every stream (UNAVAILABLE), `stall` holds them silent (messages are delayed, not lost),
/// `duplicate` sends every account update twice, `older_slot` follows each with the
/// account's previous write.
///
/// ```swift
/// let service = GeyserService(feed: feed, faults: faults)
/// let server = GRPCServer(transport: transport, services: [service])
/// ```
public final class GeyserService: Geyser_Geyser.ServiceProtocol {
    let feed: GeyserFeed
    let faults: FaultState
    let xToken: String?
    let pingInterval: Duration

    public init(feed: GeyserFeed, faults: FaultState, xToken: String? = nil, pingInterval: Duration = .seconds(5)) {
        self.feed = feed; self.faults = faults; self.xToken = xToken; self.pingInterval = pingInterval
    }

    public func subscribe(
        request: StreamingServerRequest<Geyser_SubscribeRequest>, context: ServerContext
    ) async throws -> StreamingServerResponse<Geyser_SubscribeUpdate> {
        try authorize(request.metadata)
        if faults.active(.refuse) { throw RPCError(code: .unavailable, message: "refusing new streams (simulator fault)") }
        let messages = request.messages
        return StreamingServerResponse { writer in
            try await self.serve(messages, writer)
            return [:]
        }
    }

    public func subscribeReplayInfo(
        request: ServerRequest<Geyser_SubscribeReplayInfoRequest>, context: ServerContext
    ) async throws -> ServerResponse<Geyser_SubscribeReplayInfoResponse> {
        try authorize(request.metadata)
        var reply = Geyser_SubscribeReplayInfoResponse()
        if let first = feed.firstAvailable { reply.firstAvailable = first }
        return ServerResponse(message: reply)
    }

    public func ping(request: ServerRequest<Geyser_PingRequest>, context: ServerContext) async throws -> ServerResponse<Geyser_PongResponse> {
        try authorize(request.metadata)
        var pong = Geyser_PongResponse()
        pong.count = request.message.count
        return ServerResponse(message: pong)
    }

    /// Yellowstone checks the `x-token` header when configured with one.
    private func authorize(_ metadata: Metadata) throws {
        guard let xToken else { return }
        guard metadata[stringValues: "x-token"].contains(xToken) else {
            throw RPCError(code: .unauthenticated, message: "missing or wrong x-token")
        }
    }

    /// One stream: the first request opens the feed subscription (with replay); later requests
    /// swap filters or ask for pongs. Three tasks: requests, the writer, pings and the cut watch.
    private func serve(_ requests: RPCAsyncSequence<Geyser_SubscribeRequest, any Error>, _ writer: RPCWriter<Geyser_SubscribeUpdate>) async throws {
        let box = StreamBox()
        let (opened, openedSink) = AsyncStream<(GeyserFeed.Subscription, GeyserFilter, Geyser_SubscribeRequest)>.makeStream()
        let generation = faults.cutGeneration
        defer { if let s = box.subscription { feed.end(s.id) } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [feed] in
                defer { openedSink.finish() }
                for try await r in requests {
                    if let s = box.subscription {
                        if GeyserFilter.hasFilters(r) { s.continuation.yield(.filters(try Self.filter(r))) }
                        if r.hasPing { s.continuation.yield(.pong(r.ping.id)) }
                        continue
                    }
                    let filter = try Self.filter(r)
                    let s: GeyserFeed.Subscription
                    do { s = try feed.subscribe(fromSlot: r.hasFromSlot ? r.fromSlot : nil) } catch let e as GeyserFeed.ReplayUnavailable {
                        throw RPCError(code: .invalidArgument, message: e.description)
                    }
                    box.subscription = s
                    openedSink.yield((s, filter, r))
                    openedSink.finish()
                }
                // The client closed its side: Yellowstone keeps streaming until the call ends.
                while !Task.isCancelled { try await Task.sleep(for: .seconds(3_600)) }
            }
            group.addTask { [self] in
                var it = opened.makeAsyncIterator()
                // No subscription: the request task failed (its error ends the call) or the client sent nothing.
                guard let (s, first, request) = await it.next() else { while true { try await Task.sleep(for: .seconds(3_600)) } }
                try await write(s, first, request, writer)
            }
            group.addTask { [self] in
                var lastPing = ContinuousClock.now
                while faults.cutGeneration == generation {
                    try await Task.sleep(for: .milliseconds(50))
                    if ContinuousClock.now - lastPing >= pingInterval, let s = box.subscription {
                        lastPing = .now
                        s.continuation.yield(.ping)
                    }
                }
                throw RPCError(code: .unavailable, message: "stream cut (simulator fault)")
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    private static func filter(_ r: Geyser_SubscribeRequest) throws -> GeyserFilter {
        do { return try GeyserFilter(r) } catch { throw RPCError(code: .invalidArgument, message: error.description) }
    }

    /// The writer: replay, then the feed's slots and the stream's control items, in order.
    private func write(
        _ s: GeyserFeed.Subscription, _ first: GeyserFilter, _ request: Geyser_SubscribeRequest, _ writer: RPCWriter<Geyser_SubscribeUpdate>
    ) async throws {
        var filter = first
        let status: Geyser_SlotStatus =
            switch request.commitment {
            case .finalized: .slotFinalized
            case .confirmed: .slotConfirmed
            default: .slotProcessed
            }
        try await whileStalled()
        if request.hasPing { try await writer.write(Self.pong(request.ping.id)) }
        for slot in s.replay { try await send(slot, filter, status, writer) }
        for await item in s.items {
            try await whileStalled()
            switch item {
            case .slot(let slot): try await send(slot, filter, status, writer)
            case .filters(let f): filter = f
            case .pong(let id): try await writer.write(Self.pong(id))
            case .ping:
                var u = Geyser_SubscribeUpdate()
                u.ping = Geyser_SubscribeUpdatePing()
                try await writer.write(u)
            }
        }
        if Task.isCancelled { return }
        throw RPCError(code: .resourceExhausted, message: "the client fell \(feed.bufferLimit) messages behind; stream ended")
    }

    /// A stall holds the stream (nothing is lost: HTTP/2 does not drop messages, it delays them);
    /// the client sees silence and, past its deadline, reconnects and replays.
    private func whileStalled() async throws {
        while faults.active(.stall) { try await Task.sleep(for: .milliseconds(20)) }
    }

    private func send(_ slot: GeyserSlot, _ filter: GeyserFilter, _ status: Geyser_SlotStatus, _ writer: RPCWriter<Geyser_SubscribeUpdate>)
        async throws
    {
        for w in slot.writes {
            let names = filter.names(w.account)
            if names.isEmpty { continue }
            let update = Self.update(w, names)
            try await writer.write(update)
            if faults.active(.duplicate) { try await writer.write(update) }
            if faults.active(.olderSlot), let old = feed.previousWrite(w.account.address), old.writeVersion < w.writeVersion {
                try await writer.write(Self.update(old, names))
            }
        }
        if !filter.slots.isEmpty {
            var u = Geyser_SubscribeUpdate()
            u.filters = filter.slots
            var info = Geyser_SubscribeUpdateSlot()
            info.slot = slot.slot
            info.parent = slot.slot &- 1
            info.status = status
            u.slot = info
            try await writer.write(u)
        }
    }

    static func update(_ w: GeyserWrite, _ names: [String]) -> Geyser_SubscribeUpdate {
        var info = Geyser_SubscribeUpdateAccountInfo()
        info.pubkey = Data(w.account.address.bytes)
        info.lamports = w.account.lamports
        info.owner = Data(w.account.owner.bytes)
        info.data = Data(w.account.data)
        info.writeVersion = w.writeVersion
        var account = Geyser_SubscribeUpdateAccount()
        account.account = info
        account.slot = w.account.slot
        var u = Geyser_SubscribeUpdate()
        u.filters = names
        u.account = account
        return u
    }

    static func pong(_ id: Int32) -> Geyser_SubscribeUpdate {
        var u = Geyser_SubscribeUpdate()
        var p = Geyser_SubscribeUpdatePong()
        p.id = id
        u.pong = p
        return u
    }
}

/// The stream's feed subscription, set once by the request task, read by the others.
// @unchecked Sendable: `lock` guards `_subscription`.
final class StreamBox: @unchecked Sendable {
    private let lock = NSLock()
    private var _subscription: GeyserFeed.Subscription?
    var subscription: GeyserFeed.Subscription? {
        get { lock.withLock { _subscription } }
        set { lock.withLock { _subscription = newValue } }
    }
}
