import Cache
import Dex
import RPC
import SolanaCore

/// `getProgramAccounts` queries that find every pool of a mint pair, from each DEX descriptor's
/// program, pool size and mint offsets (dex-layouts.md; the same offsets the decoders read).
///
/// ```swift
/// for query in PoolDiscovery.queries(mintA: sol, mintB: usdc) {
///     let (_, found) = try await rpc.getProgramAccounts(query.program, filters: query.filters, commitment: "confirmed")
/// }
/// ```
public enum PoolDiscovery {
    public struct Query: Sendable {
        public var dex: DexKind
        public var program: Pubkey
        public var filters: [JSONRPCClient.Filter]
    }

    /// Both orders of the pair for every layout (pools store mints in their own order).
    public static func queries(mintA: Pubkey, mintB: Pubkey, dexes: Set<DexKind>? = nil) -> [Query] {
        var out: [Query] = []
        for d in DexRegistry.all where dexes?.contains(d.kind) ?? true {
            for (first, second) in mintA == mintB ? [(mintA, mintB)] : [(mintA, mintB), (mintB, mintA)] {
                var f: [JSONRPCClient.Filter] = []
                if let n = d.poolDataSize { f.append(.dataSize(n)) }
                f.append(.memcmp(offset: d.mintOffsets.a, bytes: first.bytes))
                f.append(.memcmp(offset: d.mintOffsets.b, bytes: second.bytes))
                out.append(Query(dex: d.kind, program: d.program, filters: f))
            }
        }
        return out
    }
}
