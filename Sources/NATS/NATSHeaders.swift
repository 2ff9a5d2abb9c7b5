import Foundation

/// A NATS header block: `NATS/1.0[ <status>[ <description>]]\r\n` then `Key: Value\r\n` lines and an
/// empty line (the `HMSG`/`HPUB` format, https://github.com/nats-io/nats-architecture-and-design ADR-4).
/// Keys keep their case; lookups are case-insensitive, as the servers and clients treat them.
public struct NATSHeaders: Sendable, Equatable {
    public var status: Int?
    public var statusDescription: String?
    public private(set) var fields: [(String, String)] = []

    public init(_ fields: [(String, String)] = [], status: Int? = nil, statusDescription: String? = nil) {
        self.fields = fields; self.status = status; self.statusDescription = statusDescription
    }

    public static func == (a: NATSHeaders, b: NATSHeaders) -> Bool {
        a.status == b.status && a.statusDescription == b.statusDescription && a.fields.elementsEqual(b.fields) { $0 == $1 }
    }

    public subscript(_ key: String) -> String? {
        let k = key.lowercased()
        return fields.first { $0.0.lowercased() == k }?.1
    }

    public mutating func append(_ key: String, _ value: String) { fields.append((key, value)) }

    /// The block as sent in `HPUB` (values must not hold CR or LF; callers pass numbers and names);
    /// a status, when set, goes on the version line as the server writes it.
    public var encoded: [UInt8] {
        var s = "NATS/1.0"
        if let status { s += " \(status)" + (statusDescription.map { " \($0)" } ?? "") }
        s += "\r\n"
        for (k, v) in fields { s += "\(k): \(v)\r\n" }
        s += "\r\n"
        return Array(s.utf8)
    }

    /// Parses a header block; throws on a missing `NATS/1.0` version line.
    public static func parse(_ bytes: ArraySlice<UInt8>) throws(NATSProtocolError) -> NATSHeaders {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.components(separatedByCRLF: ())
        guard let first = lines.first, first.hasPrefix("NATS/1.0") else { throw .badHeaders(String(text.prefix(40))) }
        lines.removeFirst()
        var h = NATSHeaders()
        let rest = first.dropFirst("NATS/1.0".count).drop { $0 == " " }
        if !rest.isEmpty {
            let parts = rest.split(separator: " ", maxSplits: 1)
            h.status = Int(parts[0])
            if parts.count > 1 { h.statusDescription = String(parts[1]) }
        }
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw .badHeaders(String(line.prefix(40))) }
            let key = String(line[..<colon]).trimmingSpaces
            let value = String(line[line.index(after: colon)...]).trimmingSpaces
            h.fields.append((key, value))
        }
        return h
    }
}

extension String {
    fileprivate func components(separatedByCRLF: ()) -> [Substring] {
        var out: [Substring] = []
        var rest = self[...]
        while let r = rest.range(of: "\r\n") {
            out.append(rest[..<r.lowerBound])
            rest = rest[r.upperBound...]
        }
        if !rest.isEmpty { out.append(rest) }
        return out
    }

    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
