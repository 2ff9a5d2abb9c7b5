import SolanaCore

/// `--flag value…` parsing for the soak harness (the other commands are on ArgumentParser;
/// flags listed in `multi` take several values).
struct SoakOptions {
    var values: [String: [String]] = [:]
    let command: String

    init(_ args: [String], allowed: Set<String>, command: String, multi: Set<String> = []) throws {
        self.command = command
        var current: String?
        for a in args {
            if a.hasPrefix("--") {
                var flag = a, inline: String?
                if let eq = a.firstIndex(of: "=") { flag = String(a[..<eq]); inline = String(a[a.index(after: eq)...]) }
                guard allowed.contains(flag) else { throw CommandError.usage("\(command): unknown option \(flag)") }
                values[flag, default: []] += inline.map { [$0] } ?? []
                current = inline == nil ? flag : nil
            } else if let c = current {
                values[c, default: []].append(a)
                if !multi.contains(c) { current = nil }
            } else {
                throw CommandError.usage("\(command): unexpected argument '\(a)'")
            }
        }
    }

    func single(_ flag: String) throws -> String {
        guard let v = values[flag], !v.isEmpty else { throw CommandError.usage("\(command): \(flag) is required") }
        guard v.count == 1 else { throw CommandError.usage("\(command): \(flag) given \(v.count) times") }
        return v[0]
    }
    func optionalInt(_ flag: String) throws -> Int64? {
        guard values[flag] != nil else { return nil }
        let s = try single(flag)
        guard let n = Int64(s) else { throw CommandError.bad("\(flag) '\(s)' is not an integer") }
        return n
    }
    func pubkey(_ flag: String) throws -> Pubkey {
        let s = try single(flag)
        do { return try Pubkey(base58: s) } catch { throw CommandError.bad("\(flag): \(error)") }
    }
}
