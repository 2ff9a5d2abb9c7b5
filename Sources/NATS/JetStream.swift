import Foundation

/// The JetStream JSON API over a `NATSClient` (https://docs.nats.io/reference/reference-protocols/nats_api_reference):
/// streams that keep the last message per subject, and ordered push consumers.
///
/// ```swift
/// let js = JetStream(client: client)
/// try await js.ensureStream(.init(name: "SPC_ACCT", subjects: ["spc.acct.>"], replicas: 3))
/// let pending = try await js.createOrderedConsumer(stream: "SPC_ACCT", filter: "spc.acct.>", deliverTo: inbox)
/// ```
public struct JetStream: Sendable {
    public let client: NATSClient

    public init(client: NATSClient) { self.client = client }

    public struct StreamConfig: Sendable, Equatable {
        public var name: String
        public var subjects: [String]
        public var replicas = 1
        public var maxMsgsPerSubject = 1
        public var fileStorage = true
        public init(name: String, subjects: [String], replicas: Int = 1) {
            self.name = name; self.subjects = subjects; self.replicas = replicas
        }

        var json: [String: Any] {
            [
                "name": name, "subjects": subjects, "retention": "limits", "max_msgs_per_subject": maxMsgsPerSubject,
                "storage": fileStorage ? "file" : "memory", "num_replicas": replicas, "discard": "old", "allow_direct": true,
            ]
        }
    }

    /// What `STREAM.INFO` reports that callers use.
    public struct StreamState: Sendable, Equatable {
        public var messages: UInt64
        public var lastSequence: UInt64
        public var replicas: Int
        public var leader: String?
    }

    /// Creates the stream, or updates it when it exists with another configuration.
    @discardableResult
    public func ensureStream(_ config: StreamConfig) async throws -> StreamState {
        do {
            return try Self.state(try await api("STREAM.CREATE.\(config.name)", config.json))
        } catch NATSError.jetStream(_, let errCode, _) where errCode == 10_058 {
            // "stream name already in use with a different configuration"
            return try Self.state(try await api("STREAM.UPDATE.\(config.name)", config.json))
        }
    }

    public func streamInfo(_ name: String) async throws -> StreamState {
        try Self.state(try await api("STREAM.INFO.\(name)", nil))
    }

    /// An ordered, ephemeral push consumer: no acks, flow control and idle heartbeats, starting
    /// from the last message of every subject under `filter`. Returns the messages pending at creation.
    public func createOrderedConsumer(stream: String, filter: String, deliverTo: String, heartbeatSeconds: Double = 2) async throws -> UInt64 {
        let config: [String: Any] = [
            "deliver_subject": deliverTo, "deliver_policy": "last_per_subject", "filter_subject": filter, "ack_policy": "none",
            "max_deliver": 1, "replay_policy": "instant", "flow_control": true,
            "idle_heartbeat": Int64(heartbeatSeconds * 1e9), "mem_storage": true, "num_replicas": 1,
            "inactive_threshold": Int64(max(5, heartbeatSeconds * 5) * 1e9),
        ]
        let reply = try await api("CONSUMER.CREATE.\(stream)", ["stream_name": stream, "config": config])
        return (reply["num_pending"] as? NSNumber)?.uint64Value ?? 0
    }

    /// One API call; an `error` object in the answer is thrown as `NATSError.jetStream`.
    public func api(_ suffix: String, _ body: [String: Any]?) async throws -> [String: Any] {
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) }.map { Array($0) } ?? []
        let reply = try await client.request("$JS.API.\(suffix)", payload: payload)
        guard let object = try? JSONSerialization.jsonObject(with: Data(reply.payload)), let o = object as? [String: Any] else {
            throw NATSError.badReply("\(suffix): not a JSON object")
        }
        if let e = o["error"] as? [String: Any] {
            throw NATSError.jetStream(
                code: (e["code"] as? NSNumber)?.intValue ?? 0, errCode: (e["err_code"] as? NSNumber)?.intValue ?? 0,
                description: e["description"] as? String ?? "")
        }
        return o
    }

    static func state(_ o: [String: Any]) throws -> StreamState {
        guard let state = o["state"] as? [String: Any], let config = o["config"] as? [String: Any] else {
            throw NATSError.badReply("stream info without state/config")
        }
        let cluster = o["cluster"] as? [String: Any]
        return StreamState(
            messages: (state["messages"] as? NSNumber)?.uint64Value ?? 0, lastSequence: (state["last_seq"] as? NSNumber)?.uint64Value ?? 0,
            replicas: (config["num_replicas"] as? NSNumber)?.intValue ?? 1, leader: cluster?["leader"] as? String)
    }
}

/// The metadata JetStream puts in a delivered message's reply subject:
/// `$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<ns>.<pending>` (v1), or
/// `$JS.ACK.<domain>.<account>.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ns>.<pending>[.<token>]` (v2).
public struct JetStreamDelivery: Sendable, Equatable {
    public var stream: String
    public var streamSequence: UInt64
    public var consumerSequence: UInt64
    public var timestampNanos: Int64
    public var pending: UInt64

    public init?(replyTo: String) {
        let t = replyTo.split(separator: ".", omittingEmptySubsequences: false)
        guard t.count >= 9, t[0] == "$JS", t[1] == "ACK" else { return nil }
        let base = t.count == 9 ? 2 : 4
        guard t.count >= base + 7, let s = UInt64(t[base + 3]), let c = UInt64(t[base + 4]), let ns = Int64(t[base + 5]),
            let p = UInt64(t[base + 6])
        else { return nil }
        stream = String(t[base]); streamSequence = s; consumerSequence = c; timestampNanos = ns; pending = p
    }
}
