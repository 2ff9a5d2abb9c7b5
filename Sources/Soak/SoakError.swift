import Foundation

/// A bad soak invocation or input: one line on stderr, exit code 2 (usage) or 1 (the CLI's convention).
public enum SoakError: Error, CustomStringConvertible {
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
