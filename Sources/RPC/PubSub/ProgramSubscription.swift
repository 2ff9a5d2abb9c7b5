import SolanaCore

/// One `programSubscribe`: the accounts owned by `program` that match every filter (exact data
/// size, bytes at an offset), the same filter shape as `getProgramAccounts`
/// (https://solana.com/docs/rpc/websocket/programsubscribe).
///
/// ```swift
/// let pools = ProgramSubscription(program: whirlpoolProgram, filters: [.dataSize(653)])
/// let vaults = ProgramSubscription(program: ProgramIds.splToken, filters: [.dataSize(165), .memcmp(offset: 32, bytes: authority.bytes)])
/// pools.matches(account)
/// ```
public struct ProgramSubscription: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var program: Pubkey
    public var filters: [JSONRPCClient.Filter]

    public init(program: Pubkey, filters: [JSONRPCClient.Filter]) {
        self.program = program; self.filters = filters
    }

    /// True when `account` is one this subscription delivers (owner and every filter).
    public func matches(_ account: AccountData) -> Bool { matches(owner: account.owner, data: account.data) }

    public func matches(owner: Pubkey, data: [UInt8]) -> Bool {
        guard owner == program else { return false }
        for f in filters {
            switch f {
            case .dataSize(let n): if data.count != n { return false }
            case let .memcmp(offset, bytes):
                guard offset >= 0, offset + bytes.count <= data.count else { return false }
                for (i, b) in bytes.enumerated() where data[offset + i] != b { return false }
            }
        }
        return true
    }

    /// The `programSubscribe` params: program, base64 encoding, commitment, filters.
    public func params(commitment: String) -> JSONText {
        var config: [(String, JSONText)] = [("encoding", .string("base64")), ("commitment", .string(commitment))]
        if !filters.isEmpty { config.append(("filters", .array(filters.map(\.json)))) }
        return .array([.string(program.base58), .object(config)])
    }

    public var description: String {
        let parts = filters.map { f -> String in
            switch f {
            case .dataSize(let n): return "dataSize=\(n)"
            case let .memcmp(offset, bytes): return "memcmp@\(offset)=\(bytes.count == 32 ? Pubkey(bytes: bytes)!.base58 : Base58.encode(bytes))"
            }
        }
        return ([program.base58] + parts).joined(separator: " ")
    }

    public static func < (a: Self, b: Self) -> Bool { a.description < b.description }
}
