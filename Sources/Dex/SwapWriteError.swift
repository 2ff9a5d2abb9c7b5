import SolanaCore

/// Why a simulated swap cannot be written back.
public enum SwapWriteError: Error, CustomStringConvertible, Equatable {
    case unsupported(DexKind, String)
    case missing(Pubkey)
    case partialFill(String)
    public var description: String {
        switch self {
        case .unsupported(let d, let why): return "simulated swaps cannot be written for this \(d.rawValue) pool: \(why)"
        case .missing(let k): return "account \(k) missing from the cluster"
        case .partialFill(let why): return "the swap would only fill partially (\(why)); the program would fail it"
        }
    }
}
