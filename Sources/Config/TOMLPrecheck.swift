/// Rejects TOML text that would reach an internal assertion of toml++ (the C++ parser inside
/// TOMLKit), which aborts the process in debug builds and is undefined behaviour in release
/// builds. Each rule was found by the `config-toml` fuzz target (its crashers are regression
/// inputs in Tests/FuzzCorpus/config-toml); each rejects only text that is invalid TOML or uses
/// a TOML feature this config never needs, with the line named.
///
/// ```swift
/// try TOMLPrecheck.check("[\n", file: "config.toml")   // config.toml:1: TOML syntax error: table header without a name
/// ```
enum TOMLPrecheck {
    static func check(_ text: String, file: String) throws {
        var line = 1
        var scanner = Scanner(Array(text.utf8))
        // toml++ skips a UTF-8 byte order mark: so does this scan, or a header after it would
        // not count as at the start of a line.
        if scanner.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { scanner.index = 3 }
        func fail(_ message: String) -> ConfigError { ConfigError(file: file, line: line, key: "", message: message) }
        var atLineStart = true
        // The last significant byte outside strings and comments ("v" after a whole value or
        // key), to catch a value that is missing where toml++ assumes one starts.
        var previous: UInt8 = UInt8(ascii: "\n")
        let missingValue = "TOML syntax error: missing value"
        while let c = scanner.peek() {
            switch c {
            case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"):
                let afterOpen =
                    previous == UInt8(ascii: "=") || previous == UInt8(ascii: ",")
                    || previous == UInt8(ascii: "[") || previous == UInt8(ascii: "{")
                let allowed =
                    (c == UInt8(ascii: "]") && previous != UInt8(ascii: "="))  // [] and [1,]
                    || (c == UInt8(ascii: "}") && previous == UInt8(ascii: "{"))  // {}
                if afterOpen && !allowed { throw fail(missingValue) }
                scanner.index += 1; previous = c; atLineStart = false; continue
            case UInt8(ascii: "\n"):
                if previous == UInt8(ascii: "=") { throw fail(missingValue) }
                line += 1; atLineStart = true; scanner.index += 1; continue
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                scanner.index += 1; continue
            case UInt8(ascii: "#"):
                while let d = scanner.peek(), d != UInt8(ascii: "\n") { scanner.index += 1 }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                line += scanner.skipString()
                previous = UInt8(ascii: "v")
            case UInt8(ascii: "[") where atLineStart:
                // A table header: its name must start with a key character or a quote.
                scanner.index += 1
                if scanner.peek() == UInt8(ascii: "[") { scanner.index += 1 }
                while let d = scanner.peek(), d == UInt8(ascii: " ") || d == UInt8(ascii: "\t") { scanner.index += 1 }
                guard let d = scanner.peek(), d != UInt8(ascii: "\n"), d != UInt8(ascii: "\r") else {
                    throw fail("TOML syntax error: table header without a name")
                }
                guard Self.isKeyStart(d) || d == UInt8(ascii: "]") else {
                    throw fail("TOML syntax error: a table name cannot start with \(Self.describe(d))")
                }
                previous = UInt8(ascii: "v")
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                // A bare token starting with a digit: a number, or a date/time (which this config
                // never uses, and whose malformed forms trip toml++).
                let start = scanner.index
                while let d = scanner.peek(), !Self.isTokenEnd(d) { scanner.index += 1 }
                let token = scanner.bytes[start..<scanner.index]
                var before: UInt8 = 0
                for d in token {
                    if d == UInt8(ascii: ":") || (d == UInt8(ascii: "-") && before != UInt8(ascii: "e") && before != UInt8(ascii: "E")) {
                        throw fail(
                            "date and time values are not used in this config (\(String(decoding: token.prefix(40), as: UTF8.self).debugDescription))"
                        )
                    }
                    before = d
                }
                previous = UInt8(ascii: "v")
            default:
                // Any other bare token (a key, true/false, a signed number) is skipped whole, so a
                // digit inside it is not taken for the start of a date.
                scanner.index += 1
                if Self.isKeyStart(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: ".") {
                    while let d = scanner.peek(), !Self.isTokenEnd(d) { scanner.index += 1 }
                    previous = UInt8(ascii: "v")
                } else {
                    previous = c
                }
            }
            atLineStart = false
        }
        if previous == UInt8(ascii: "=") { throw fail(missingValue) }
    }

    static func isKeyStart(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "\""), UInt8(ascii: "'"):
            return true
        default: return false
        }
    }

    static func isTokenEnd(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"), UInt8(ascii: ","), UInt8(ascii: "]"),
            UInt8(ascii: "}"), UInt8(ascii: "="), UInt8(ascii: "#"), UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "\""), UInt8(ascii: "'"):
            return true
        default: return false
        }
    }

    static func describe(_ c: UInt8) -> String {
        (0x21...0x7E).contains(c) ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x\(String(c, radix: 16))"
    }

    struct Scanner {
        let bytes: [UInt8]
        var index = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        func peek(_ offset: Int = 0) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }

        /// Skips a basic or literal string, single- or multi-line; returns the newlines inside.
        mutating func skipString() -> Int {
            guard let quote = peek() else { return 0 }
            let multi = peek(1) == quote && peek(2) == quote
            index += multi ? 3 : 1
            var newlines = 0
            while let c = peek() {
                if c == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") { index += 2; continue }
                if c == UInt8(ascii: "\n") { newlines += 1; if !multi { index += 1; return newlines } }
                if c == quote {
                    if !multi { index += 1; return newlines }
                    if peek(1) == quote && peek(2) == quote { index += 3; return newlines }
                }
                index += 1
            }
            return newlines
        }
    }
}
