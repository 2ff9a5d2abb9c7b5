/// Incremental parser of what a NATS server sends: feed it bytes as they arrive (frames split
/// anywhere), take whole operations out. Pure: no I/O, no clock.
///
/// ```swift
/// var parser = NATSParser()
/// for op in try parser.feed(bytes) { handle(op) }
/// ```
public struct NATSParser: Sendable {
    public static let maxControlLine = 4_096
    public let maxPayload: Int
    private var buffer: [UInt8] = []
    private var start = 0
    /// A control line (`MSG`/`HMSG`) whose payload has not fully arrived yet.
    private var pending: (NATSMessage, headerBytes: Int, totalBytes: Int)?

    public init(maxPayload: Int = 64 << 20) { self.maxPayload = maxPayload }

    /// Bytes held for an incomplete operation.
    public var buffered: Int { buffer.count - start }

    public mutating func feed<C: Collection>(_ bytes: C) throws(NATSProtocolError) -> [NATSServerOp] where C.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        var ops: [NATSServerOp] = []
        while let op = try next() { ops.append(op) }
        if start > 0 && (start == buffer.count || start > 65_536) {
            buffer.removeFirst(start)
            start = 0
        }
        return ops
    }

    private mutating func next() throws(NATSProtocolError) -> NATSServerOp? {
        if let (message, headerBytes, total) = pending {
            guard buffer.count - start >= total + 2 else { return nil }
            let end = start + total
            guard buffer[end] == 13, buffer[end + 1] == 10 else { throw .missingPayloadTerminator }
            var m = message
            if headerBytes > 0 {
                m.headers = try NATSHeaders.parse(buffer[start..<(start + headerBytes)])
            }
            m.payload = Array(buffer[(start + headerBytes)..<end])
            start = end + 2
            pending = nil
            return .msg(m)
        }
        guard let lf = buffer[start...].firstIndex(of: 10) else {
            if buffer.count - start > Self.maxControlLine { throw .controlLineTooLong(Self.maxControlLine) }
            return nil
        }
        let lineEnd = lf > start && buffer[lf - 1] == 13 ? lf - 1 : lf
        let line = String(decoding: buffer[start..<lineEnd], as: UTF8.self)
        start = lf + 1
        return try op(line)
    }

    private mutating func op(_ line: String) throws(NATSProtocolError) -> NATSServerOp? {
        let word = line.prefix { $0 != " " && $0 != "\t" }.uppercased()
        let args = line.dropFirst(word.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        switch word {
        case "PING": return .ping
        case "PONG": return .pong
        case "+OK": return .ok
        case "-ERR":
            var text = line.dropFirst(4).drop { $0 == " " }
            if text.hasPrefix("'") && text.hasSuffix("'") && text.count >= 2 { text = text.dropFirst().dropLast() }
            return .err(String(text))
        case "INFO": return .info(String(line.dropFirst(4).drop { $0 == " " }))
        case "MSG":
            // MSG <subject> <sid> [reply-to] <#bytes>
            guard args.count == 3 || args.count == 4, let n = Int(args.last!), n >= 0 else { throw .badControlLine(String(line.prefix(80))) }
            guard n <= maxPayload else { throw .payloadTooLarge(n) }
            pending = (NATSMessage(subject: args[0], sid: args[1], replyTo: args.count == 4 ? args[2] : nil, payload: []), 0, n)
            return try next()
        case "HMSG":
            // HMSG <subject> <sid> [reply-to] <#header bytes> <#total bytes>
            guard args.count == 4 || args.count == 5, let h = Int(args[args.count - 2]), let n = Int(args.last!), h >= 0, n >= h else {
                throw .badControlLine(String(line.prefix(80)))
            }
            guard n <= maxPayload else { throw .payloadTooLarge(n) }
            pending = (NATSMessage(subject: args[0], sid: args[1], replyTo: args.count == 5 ? args[2] : nil, payload: []), h, n)
            return try next()
        case "":
            return try next()
        default:
            throw .badControlLine(String(line.prefix(80)))
        }
    }
}
