/// One message delivered to a subscription (`MSG` or `HMSG`).
public struct NATSMessage: Sendable, Equatable {
    public var subject: String
    public var sid: String
    public var replyTo: String?
    /// Parsed `HMSG` header block (nil for a plain `MSG`).
    public var headers: NATSHeaders?
    public var payload: [UInt8]

    public init(subject: String, sid: String, replyTo: String? = nil, headers: NATSHeaders? = nil, payload: [UInt8]) {
        self.subject = subject; self.sid = sid; self.replyTo = replyTo; self.headers = headers; self.payload = payload
    }

    /// The status line's code (`NATS/1.0 503`): JetStream's no-responders, flow control (100), heartbeats.
    public var status: Int? { headers?.status }
}

/// What the server sends, one operation per control line (protocol:
/// https://docs.nats.io/reference/reference-protocols/nats-protocol).
public enum NATSServerOp: Sendable, Equatable {
    case info(String)
    case msg(NATSMessage)
    case ping
    case pong
    case ok
    case err(String)
}
