/// Why bytes from a server could not be read as the NATS protocol (the connection is dropped).
public enum NATSProtocolError: Error, Equatable, CustomStringConvertible {
    /// A control line with an unknown operation or the wrong number of arguments.
    case badControlLine(String)
    /// No CRLF within `maxControlLine` bytes.
    case controlLineTooLong(Int)
    /// A payload larger than the parser accepts (the server's `max_payload` is far below it).
    case payloadTooLarge(Int)
    /// A payload not followed by CRLF.
    case missingPayloadTerminator
    case badHeaders(String)

    public var description: String {
        switch self {
        case .badControlLine(let l): return "bad NATS control line: \(l)"
        case .controlLineTooLong(let n): return "NATS control line longer than \(n) bytes"
        case .payloadTooLarge(let n): return "NATS payload of \(n) bytes exceeds the limit"
        case .missingPayloadTerminator: return "NATS payload not followed by CRLF"
        case .badHeaders(let h): return "bad NATS headers: \(h)"
        }
    }
}
