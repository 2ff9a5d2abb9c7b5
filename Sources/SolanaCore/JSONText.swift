/// Minimal ordered JSON writer: keys keep their order, numbers we pass are already strings
/// (u64 amounts are always emitted as JSON strings so JavaScript never loses precision).
///
/// ```swift
/// JSONText.object([("pool", .string(key.base58)), ("amount_out", .string("81386311"))])
/// ```
public indirect enum JSONText: Sendable, Equatable {
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    case array([JSONText])
    case object([(String, JSONText)])

    public static func == (a: JSONText, b: JSONText) -> Bool { a.rendered == b.rendered }

    public var rendered: String {
        var out = ""
        write(into: &out)
        return out
    }

    public func write(into out: inout String) {
        switch self {
        case .string(let s): JSONText.quote(s, into: &out)
        case .number(let n): out += n
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            out += "["
            for (i, v) in items.enumerated() {
                if i > 0 { out += "," }
                v.write(into: &out)
            }
            out += "]"
        case .object(let pairs):
            out += "{"
            for (i, (k, v)) in pairs.enumerated() {
                if i > 0 { out += "," }
                JSONText.quote(k, into: &out)
                out += ":"
                v.write(into: &out)
            }
            out += "}"
        }
    }

    /// A quote, a backslash or a control character anywhere (a plain loop over the contiguous
    /// UTF-8 when the string has it: the closure-based `contains(where:)` was 8 % of `/prices`).
    static func needsEscaping(_ s: String) -> Bool {
        @inline(__always) func special(_ b: UInt8) -> Bool { b == 0x22 || b == 0x5C || b < 0x20 }
        if let found = s.utf8.withContiguousStorageIfAvailable({ bytes -> Bool in
            for b in bytes where special(b) { return true }
            return false
        }) {
            return found
        }
        return s.utf8.contains(where: special)
    }

    public static func quote(_ s: String, into out: inout String) {
        out += "\""
        // Keys, base58 and base64 never need escaping: append them whole, not scalar by scalar.
        guard needsEscaping(s) else {
            out += s
            out += "\""
            return
        }
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}
