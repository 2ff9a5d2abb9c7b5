/// A bounds-checked, allocation-free JSON tokenizer over UTF-8 bytes: the hot-path parser for
/// PubSub frames and the base of `JSONValue` for HTTP replies. Every read checks the remaining
/// length and throws `JSONError` instead of trapping, so hostile input is only ever an error.
///
/// ```swift
/// var s = JSONScanner(bytes)
/// try s.objectFields { key, s in
///     if key == "slot" { slot = try s.readUInt64() } else { try s.skipValue() }
/// }
/// ```
public struct JSONScanner {
    public let bytes: UnsafeBufferPointer<UInt8>
    public private(set) var index: Int = 0
    /// Nesting limit: deeper input is rejected (defends the recursive skip).
    public static let maxDepth = 64

    public init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    public var atEnd: Bool {
        mutating get { skipWhitespace(); return index >= bytes.count }
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// The next non-space byte, without consuming it.
    public mutating func peek() throws -> UInt8 {
        skipWhitespace()
        guard index < bytes.count else { throw JSONError.unexpectedEnd }
        return bytes[index]
    }

    mutating func expect(_ byte: UInt8) throws {
        let b = try peek()
        guard b == byte else { throw JSONError.unexpected(byte: b, at: index) }
        index += 1
    }

    /// Reads a string's raw bytes (between the quotes, escapes left as they are).
    /// `escaped` tells whether a backslash occurred (then decode with `readString`).
    public mutating func readRawString() throws -> (range: Range<Int>, escaped: Bool) {
        try expect(0x22)
        let start = index
        var escaped = false
        while index < bytes.count {
            let b = bytes[index]
            if b == 0x22 { let r = start..<index; index += 1; return (r, escaped) }
            if b == 0x5C { escaped = true; index += 2; continue }
            if b < 0x20 { throw JSONError.unexpected(byte: b, at: index) }
            index += 1
        }
        throw JSONError.unexpectedEnd
    }

    /// Reads a string, decoding escapes.
    public mutating func readString() throws -> String {
        let (range, escaped) = try readRawString()
        let raw = UnsafeBufferPointer(rebasing: bytes[range])
        if !escaped { return String(decoding: raw, as: UTF8.self) }
        return try Self.unescape(raw)
    }

    /// True when the next string equals `literal` (compared without allocating); consumes it.
    public mutating func readStringEquals(_ literal: StaticString) throws -> Bool {
        let (range, escaped) = try readRawString()
        if escaped { return false }
        return equals(range, literal)
    }

    func equals(_ range: Range<Int>, _ literal: StaticString) -> Bool {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        let lit = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        var i = 0
        for j in range { if bytes[j] != lit[i] { return false }; i += 1 }
        return true
    }

    static func unescape(_ raw: UnsafeBufferPointer<UInt8>) throws -> String {
        var out = [UInt8]()
        out.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            let b = raw[i]
            guard b == 0x5C else { out.append(b); i += 1; continue }
            guard i + 1 < raw.count else { throw JSONError.badEscape }
            let e = raw[i + 1]
            i += 2
            switch e {
            case 0x22: out.append(0x22)
            case 0x5C: out.append(0x5C)
            case 0x2F: out.append(0x2F)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                guard i + 4 <= raw.count, let v = UInt32(String(decoding: UnsafeBufferPointer(rebasing: raw[i..<(i + 4)]), as: UTF8.self), radix: 16)
                else { throw JSONError.badEscape }
                i += 4
                // Surrogate pairs are not needed by Solana replies; lone surrogates become U+FFFD.
                let scalar = Unicode.Scalar(v) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            default: throw JSONError.badEscape
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads a non-negative integer that fits in u64 (rejects fractions, signs, overflow).
    public mutating func readUInt64() throws -> UInt64 {
        skipWhitespace()
        var value: UInt64 = 0
        let start = index
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(bytes[index] - 0x30))
            guard !o1, !o2 else { throw JSONError.numberOutOfRange }
            value = a
            index += 1
        }
        guard index > start else {
            throw index < bytes.count ? JSONError.unexpected(byte: bytes[index], at: index) : JSONError.unexpectedEnd
        }
        if index < bytes.count, [0x2E, 0x65, 0x45].contains(bytes[index]) { throw JSONError.numberOutOfRange }
        return value
    }

    /// Raw text of a number (kept as text so u64 never passes through a Double).
    public mutating func readNumberText() throws -> String {
        skipWhitespace()
        let start = index
        while index < bytes.count {
            let b = bytes[index]
            guard (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x2B || b == 0x2E || b == 0x65 || b == 0x45 else { break }
            index += 1
        }
        guard index > start else { throw index < bytes.count ? JSONError.unexpected(byte: bytes[index], at: index) : JSONError.unexpectedEnd }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    /// Consumes `null` if it is next.
    public mutating func readNullIfPresent() throws -> Bool {
        guard try peek() == 0x6E else { return false }
        try literal("null")
        return true
    }

    mutating func literal(_ text: StaticString) throws {
        let n = text.utf8CodeUnitCount
        guard index + n <= bytes.count, equals(index..<(index + n), text) else {
            throw index < bytes.count ? JSONError.unexpected(byte: bytes[index], at: index) : JSONError.unexpectedEnd
        }
        index += n
    }

    /// Iterates an object's fields; `body` must consume each value (read or `skipValue`).
    public mutating func objectFields(_ body: (_ key: Range<Int>, inout JSONScanner) throws -> Void) throws {
        try expect(0x7B)
        if try peek() == 0x7D { index += 1; return }
        while true {
            let (key, _) = try readRawString()
            try expect(0x3A)
            try body(key, &self)
            let b = try peek()
            index += 1
            if b == 0x7D { return }
            guard b == 0x2C else { throw JSONError.unexpected(byte: b, at: index - 1) }
        }
    }

    /// Iterates an array's elements; `body` must consume each element.
    public mutating func arrayElements(_ body: (inout JSONScanner) throws -> Void) throws {
        try expect(0x5B)
        if try peek() == 0x5D { index += 1; return }
        while true {
            try body(&self)
            let b = try peek()
            index += 1
            if b == 0x5D { return }
            guard b == 0x2C else { throw JSONError.unexpected(byte: b, at: index - 1) }
        }
    }

    /// True when the key bytes equal `literal`.
    public func key(_ range: Range<Int>, is literal: StaticString) -> Bool { equals(range, literal) }

    public mutating func skipValue(depth: Int = 0) throws {
        guard depth < Self.maxDepth else { throw JSONError.tooDeep }
        switch try peek() {
        case 0x22: _ = try readRawString()
        case 0x7B: try objectFields { _, s in try s.skipValue(depth: depth + 1) }
        case 0x5B: try arrayElements { s in try s.skipValue(depth: depth + 1) }
        case 0x74: try literal("true")
        case 0x66: try literal("false")
        case 0x6E: try literal("null")
        default: _ = try readNumberText()
        }
    }
}

/// Why a JSON text could not be read.
public enum JSONError: Error, Equatable, CustomStringConvertible, Sendable {
    case unexpectedEnd
    case unexpected(byte: UInt8, at: Int)
    case badEscape
    case numberOutOfRange
    case tooDeep
    case missingField(String)
    case wrongType(String)

    public var description: String {
        switch self {
        case .unexpectedEnd: return "JSON ends early"
        case let .unexpected(b, at): return "unexpected byte 0x\(String(b, radix: 16)) at \(at)"
        case .badEscape: return "bad string escape"
        case .numberOutOfRange: return "number is not a u64"
        case .tooDeep: return "JSON nested too deeply"
        case .missingField(let f): return "missing field \(f)"
        case .wrongType(let f): return "field \(f) has the wrong type"
        }
    }
}
