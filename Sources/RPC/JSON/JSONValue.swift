/// A parsed JSON document for JSON-RPC replies (numbers kept as text, so u64 slots and
/// lamports never pass through a Double).
///
/// ```swift
/// let v = try JSONValue.parse(Array(#"{"result":{"context":{"slot":5}}}"#.utf8))
/// v["result"]?["context"]?["slot"]?.uint64   // 5
/// ```
public indirect enum JSONValue: Sendable, Equatable {
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { buf in
            var s = JSONScanner(buf)
            let v = try read(&s, depth: 0)
            guard s.atEnd else { throw JSONError.unexpected(byte: (try? s.peek()) ?? 0, at: s.index) }
            return v
        }
    }

    static func read(_ s: inout JSONScanner, depth: Int) throws -> JSONValue {
        guard depth < JSONScanner.maxDepth else { throw JSONError.tooDeep }
        switch try s.peek() {
        case 0x22: return .string(try s.readString())
        case 0x7B:
            var out: [String: JSONValue] = [:]
            try s.objectFields { key, s in
                let k = String(decoding: UnsafeBufferPointer(rebasing: s.bytes[key]), as: UTF8.self)
                out[k] = try read(&s, depth: depth + 1)
            }
            return .object(out)
        case 0x5B:
            var out: [JSONValue] = []
            try s.arrayElements { s in out.append(try read(&s, depth: depth + 1)) }
            return .array(out)
        case 0x74: try s.literal("true"); return .bool(true)
        case 0x66: try s.literal("false"); return .bool(false)
        case 0x6E: try s.literal("null"); return .null
        default: return .number(try s.readNumberText())
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var uint64: UInt64? { if case .number(let n) = self { return UInt64(n) }; return nil }
    public var int: Int? { if case .number(let n) = self { return Int(n) }; return nil }
    public var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var isNull: Bool { self == .null }
}
