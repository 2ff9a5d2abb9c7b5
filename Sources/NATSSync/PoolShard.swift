import Foundation
import SolanaCore

/// `shard_of = "k/n"`: shard k of n owns the pools whose address hashes to k (FNV-1a 64 over the
/// 32 address bytes, mod n). Every process computes the same split from the same pool list.
public struct PoolShard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws(PoolShardError) {
        guard count >= 1, count <= 1_024, index >= 0, index < count else { throw .outOfRange(index, count) }
        self.index = index; self.count = count
    }

    public init(parsing text: String) throws(PoolShardError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0].trimmingCharacters(in: .whitespaces)),
            let n = Int(parts[1].trimmingCharacters(in: .whitespaces))
        else { throw .malformed(text) }
        try self.init(index: k, count: n)
    }

    public static func hash(_ key: Pubkey) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key.bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }

    public func owns(_ pool: Pubkey) -> Bool { Int(Self.hash(pool) % UInt64(count)) == index }

    public var description: String { "\(index)/\(count)" }
}

public enum PoolShardError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case outOfRange(Int, Int)
    public var description: String {
        switch self {
        case .malformed(let t): return "expected \"k/n\" (e.g. \"0/2\"), got \"\(t)\""
        case .outOfRange(let k, let n): return "shard \(k)/\(n): need 0 <= k < n <= 1024"
        }
    }
}
