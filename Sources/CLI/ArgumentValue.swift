import Soak
import SolanaCore

/// Typed option values. A value that does not parse throws the same one-line `CommandError` the
/// hand-written parser gave; `CommandLineMain` takes it back out of ArgumentParser's message.
enum ArgumentValue {
    static func pubkey(_ flag: String) -> @Sendable (String) throws -> Pubkey {
        { text in
            do { return try Pubkey(base58: text) } catch { throw CommandError.bad("\(flag): \(error)") }
        }
    }

    static func int64(_ flag: String) -> @Sendable (String) throws -> Int64 {
        { text in
            guard let n = Int64(text) else { throw CommandError.bad("\(flag) '\(text)' is not an integer") }
            return n
        }
    }

    static func int(_ flag: String, _ range: ClosedRange<Int>) -> @Sendable (String) throws -> Int {
        { text in
            guard let n = Int64(text) else { throw CommandError.bad("\(flag) '\(text)' is not an integer") }
            guard let v = Int(exactly: n), range.contains(v) else {
                throw CommandError.bad("\(flag) must be in \(range.lowerBound)…\(range.upperBound)")
            }
            return v
        }
    }

    static func u64(_ flag: String) -> @Sendable (String) throws -> UInt64 {
        { text in
            guard let n = UInt64(text) else { throw CommandError.bad("\(flag) '\(text)' is not a u64 (0…18446744073709551615)") }
            return n
        }
    }
}
