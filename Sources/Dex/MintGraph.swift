import SolanaCore

/// Pools as edges between their two mints, indexed both ways: the one mint graph behind
/// `/v1/quote` routing (kept by the store as pools come and go) and the arbitrage engine's cycles.
/// Mints are interned to small ids; a pair of ids is one `UInt64` key. A value type: a copy is a
/// consistent snapshot, and copies share storage until one side changes (pool set changes are rare).
///
/// ```swift
/// var graph = MintGraph()
/// graph.insert(pool: p, mintA: sol, mintB: usdc)
/// graph.pools(of: sol)            // [p]
/// graph.pools(between: usdc, sol) // [p]
/// ```
public struct MintGraph: Sendable {
    public private(set) var mints: [Pubkey] = []
    private var ids: [Pubkey: Int] = [:]
    private var poolsOfMint: [[Pubkey]] = []
    private var poolsOfPair: [UInt64: [Pubkey]] = [:]
    private var pairOfPool: [Pubkey: (a: Int, b: Int)] = [:]

    public init() {}

    public var poolCount: Int { pairOfPool.count }

    /// The id of a mint, interning it when new.
    public mutating func intern(_ mint: Pubkey) -> Int {
        if let id = ids[mint] { return id }
        ids[mint] = mints.count
        mints.append(mint)
        poolsOfMint.append([])
        return mints.count - 1
    }

    public func id(of mint: Pubkey) -> Int? { ids[mint] }

    /// Adds (or moves) a pool between two mints; returns false when it was already there unchanged.
    @discardableResult
    public mutating func insert(pool: Pubkey, mintA: Pubkey, mintB: Pubkey) -> Bool {
        let a = intern(mintA), b = intern(mintB)
        if let old = pairOfPool[pool] {
            if old.a == a && old.b == b { return false }
            remove(pool: pool)
        }
        pairOfPool[pool] = (a, b)
        poolsOfMint[a].append(pool)
        if b != a { poolsOfMint[b].append(pool) }
        poolsOfPair[Self.pairKey(a, b), default: []].append(pool)
        return true
    }

    /// Removes a pool; returns false when it was not in the graph.
    @discardableResult
    public mutating func remove(pool: Pubkey) -> Bool {
        guard let (a, b) = pairOfPool.removeValue(forKey: pool) else { return false }
        poolsOfMint[a].removeAll { $0 == pool }
        if b != a { poolsOfMint[b].removeAll { $0 == pool } }
        let key = Self.pairKey(a, b)
        poolsOfPair[key]?.removeAll { $0 == pool }
        if poolsOfPair[key]?.isEmpty == true { poolsOfPair.removeValue(forKey: key) }
        return true
    }

    /// The pool's two mint ids, in its own (A, B) order.
    public func pair(of pool: Pubkey) -> (a: Int, b: Int)? { pairOfPool[pool] }

    /// Pools trading `mint`, in insertion order.
    public func pools(of mint: Pubkey) -> [Pubkey] { ids[mint].map { poolsOfMint[$0] } ?? [] }

    /// Pools between two mints, either order.
    public func pools(between x: Pubkey, _ y: Pubkey) -> [Pubkey] {
        guard let a = ids[x], let b = ids[y] else { return [] }
        return poolsOfPair[Self.pairKey(a, b)] ?? []
    }

    /// Pools between two mint ids, either order.
    public func pools(betweenIds a: Int, _ b: Int) -> [Pubkey] { poolsOfPair[Self.pairKey(a, b)] ?? [] }

    /// Unordered pair key of two mint ids.
    public static func pairKey(_ a: Int, _ b: Int) -> UInt64 { UInt64(min(a, b)) << 32 | UInt64(max(a, b)) }
}
