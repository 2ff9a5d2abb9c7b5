import Dex
import SolanaCore

/// Health of one configured pool, as reported by the API (`status`).
public enum PoolStatus: Sendable, Equatable, CustomStringConvertible {
    /// Configured, not yet validated.
    case pending
    /// Validated and priced from a complete set of accounts.
    case ok
    case notFound
    case wrongOwner(Pubkey)
    /// The account exists but is no pool layout we support (or the configured type disagrees).
    case unsupported(String)
    /// No update within the staleness limit although the subscription should be live.
    case stale
    /// Decoding or quoting failed; the message says why.
    case error(String)

    public var label: String {
        switch self {
        case .pending: return "pending"
        case .ok: return "ok"
        case .notFound: return "not_found"
        case .wrongOwner: return "wrong_owner"
        case .unsupported: return "unsupported"
        case .stale: return "stale"
        case .error: return "error"
        }
    }

    public var description: String {
        switch self {
        case .wrongOwner(let o): return "wrong_owner: owned by \(o)"
        case .unsupported(let why): return "unsupported: \(why)"
        case .error(let why): return "error: \(why)"
        default: return label
        }
    }
}

/// A pool as configured (config file or `POST /v1/pools`).
public struct PoolConfig: Sendable, Equatable {
    public var address: Pubkey
    public var name: String?
    /// The original config's `pool_type` (`amm_v4`, `clmm`, `whirlpool`, `meteora_dlmm`, …); nil = detect.
    public var poolType: String?
    public init(address: Pubkey, name: String? = nil, poolType: String? = nil) {
        self.address = address; self.name = name; self.poolType = poolType
    }

    /// The DEX a configured `pool_type` names, nil when unknown/unsupported (reported per pool).
    public static func dex(forPoolType type: String) -> DexKind? { DexRegistry.descriptor(poolType: type)?.kind }
}
