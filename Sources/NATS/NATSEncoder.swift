/// The client side of the protocol as bytes: `CONNECT`, `PUB`, `HPUB`, `SUB`, `UNSUB`, `PING`, `PONG`.
/// Pure; subjects are the caller's (they must hold no whitespace).
public enum NATSEncoder {
    public static func connect(_ json: String) -> [UInt8] { Array("CONNECT \(json)\r\n".utf8) }
    public static let ping = Array("PING\r\n".utf8)
    public static let pong = Array("PONG\r\n".utf8)

    public static func pub(into out: inout [UInt8], subject: String, replyTo: String? = nil, payload: [UInt8]) {
        out += Array("PUB \(subject) \(replyTo.map { "\($0) " } ?? "")\(payload.count)\r\n".utf8)
        out += payload
        out += [13, 10]
    }

    public static func hpub(into out: inout [UInt8], subject: String, replyTo: String? = nil, headers: NATSHeaders, payload: [UInt8]) {
        hpub(into: &out, subject: subject, replyTo: replyTo, encodedHeaders: headers.encoded, payload: payload)
    }

    /// `hpub` with the header block already encoded (`NATSHeaders.encoded`).
    public static func hpub(into out: inout [UInt8], subject: String, replyTo: String? = nil, encodedHeaders h: [UInt8], payload: [UInt8]) {
        out += Array("HPUB \(subject) \(replyTo.map { "\($0) " } ?? "")\(h.count) \(h.count + payload.count)\r\n".utf8)
        out += h
        out += payload
        out += [13, 10]
    }

    public static func sub(subject: String, queue: String? = nil, sid: String) -> [UInt8] {
        Array("SUB \(subject) \(queue.map { "\($0) " } ?? "")\(sid)\r\n".utf8)
    }

    public static func unsub(sid: String, max: Int? = nil) -> [UInt8] { Array("UNSUB \(sid)\(max.map { " \($0)" } ?? "")\r\n".utf8) }

    /// A subject token must not hold `.`, `*`, `>` or whitespace.
    public static func isValidToken(_ s: String) -> Bool {
        !s.isEmpty && !s.contains { $0 == "." || $0 == "*" || $0 == ">" || $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
    }
}
