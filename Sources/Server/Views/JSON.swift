import SolanaCore

/// Small JSON helpers over `JSONText`: u64 as strings, doubles as numbers (null when not finite).
enum J {
    static func u64(_ v: UInt64) -> JSONText { .string(String(v)) }
    static func u64(_ v: UInt64?) -> JSONText { v.map { .string(String($0)) } ?? .null }
    static func int(_ v: Int) -> JSONText { .number(String(v)) }
    static func int(_ v: UInt64) -> JSONText { .number(String(v)) }
    static func num(_ v: Double) -> JSONText { v.isFinite ? .number(String(v)) : .null }
    static func num(_ v: Double?) -> JSONText { v.map(num) ?? .null }
    static func str(_ v: String?) -> JSONText { v.map { .string($0) } ?? .null }
    static func key(_ k: Pubkey) -> JSONText { .string(k.base58) }
}
