import Foundation

/// A bad invocation or bad input: printed as one line on stderr, exit code 2 (usage) or 1. Shared by every
/// command: it lives here because the CLI depends on the soak harness, not the other way round.
public enum CommandError: Error, CustomStringConvertible {
    case usage(String)
    case bad(String)
    public var description: String {
        switch self {
        case .usage(let s): return "usage: solana-pool-cache \(s)"
        case .bad(let s): return "error: \(s)"
        }
    }
    public var exitCode: Int32 { if case .usage = self { return 2 } else { return 1 } }
}
