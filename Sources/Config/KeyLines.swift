/// Where each key of a TOML document is written, so errors can name a line. TOMLKit (toml++)
/// does not expose value positions, so this is a line scan that tracks `[table]` and
/// `[[array]]` headers; it only needs to agree with the parser on documents that parsed.
///
/// ```swift
/// let lines = KeyLines("[api]\nport = 1\n")
/// lines.line(of: "api.port")   // 2
/// ```
public struct KeyLines: Sendable {
    private var lines: [String: Int] = [:]

    public init(_ text: String) {
        var table = ""
        var arrayCounts: [String: Int] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[[") {
                let name = Self.headerName(line.dropFirst(2), closing: "]]")
                let i = arrayCounts[name, default: 0]
                arrayCounts[name] = i + 1
                table = "\(name)[\(i)]"
                record(table, number)
            } else if line.hasPrefix("[") {
                table = Self.headerName(line.dropFirst(1), closing: "]")
                record(table, number)
            } else if let eq = line.firstIndex(of: "=") {
                let key = Self.normalise(String(line[..<eq]))
                record(table.isEmpty ? key : "\(table).\(key)", number)
            }
        }
    }

    /// Line of a dotted key (`pools[2].name`), or of its table when the key is absent.
    public func line(of key: String) -> Int? {
        if let l = lines[key] { return l }
        var parts = key
        while let dot = parts.lastIndex(of: ".") {
            parts = String(parts[..<dot])
            if let l = lines[parts] { return l }
        }
        return nil
    }

    private mutating func record(_ key: String, _ line: Int) {
        if lines[key] == nil { lines[key] = line }
    }

    private static func headerName(_ s: Substring, closing: String) -> String {
        let body = s.components(separatedBy: closing).first ?? String(s)
        return normalise(body)
    }

    private static func normalise(_ key: String) -> String {
        key.split(separator: ".").map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'")) }
            .joined(separator: ".")
    }
}

import Foundation
