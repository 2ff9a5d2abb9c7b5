import Soak

/// Turns ArgumentParser's message for a rejected command line into the one-line `CommandError` the
/// hand-written parser gave (its tests and scripts read those lines). The message formats are
/// ArgumentParser 1.8's `ErrorMessageGenerator`; `CommandLineTests` pins the results.
enum ParseFailure {
    static func commandError(_ message: String, command: String?) -> CommandError {
        let text = message.split(separator: "\n").first.map(String.init) ?? message
        let prefix = command.map { "\($0): " } ?? ""
        // A typed value our transform refused: ArgumentParser appends the transform's error.
        for (marker, make) in [("': error: ", CommandError.bad), ("': usage: solana-pool-cache ", CommandError.usage)] {
            if let r = text.range(of: marker) { return make(String(text[r.upperBound...])) }
        }
        if let flag = quoted(text, after: "Missing expected argument '") { return .usage("\(prefix)\(name(flag)) is required") }
        if let flag = quoted(text, after: "Missing value for '") {
            let parts = flag.split(separator: " ")
            let value = parts.count > 1 ? parts[1].trimmingCharacters(in: ["<", ">"]) : "value"
            return .usage("\(prefix)\(parts[0]) needs a \(value)")
        }
        if let flag = quoted(text, after: "Unknown option '") { return .usage("\(prefix)unknown option \(flag)") }
        if let arg = quoted(text, after: "Unexpected argument '") { return .usage("\(prefix)unexpected argument '\(arg)'") }
        if let r = text.range(of: "The value '"), let flag = quoted(text, after: "' is invalid for '") {
            let value = text[r.upperBound...].prefix { $0 != "'" }
            return .usage("\(prefix)\(name(flag)): invalid value '\(value)'")
        }
        let lowered = text.prefix(1).lowercased() + text.dropFirst()
        return .usage("\(prefix)\(lowered)")
    }

    /// The text between `marker` and the next `'`.
    static func quoted(_ text: String, after marker: String) -> String? {
        guard let r = text.range(of: marker) else { return nil }
        let rest = text[r.upperBound...]
        guard let end = rest.firstIndex(of: "'") else { return nil }
        return String(rest[..<end])
    }

    /// `--amount-in <u64>` → `--amount-in`; a positional `<config.toml>` stays as it is.
    static func name(_ synopsis: String) -> String {
        synopsis.hasPrefix("-") ? String(synopsis.split(separator: " ")[0]) : synopsis
    }
}
