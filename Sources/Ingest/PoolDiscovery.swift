import Cache
import Dex
import RPC
import SolanaCore

/// Where each pool layout keeps its two mints, for `getProgramAccounts` discovery by mint pair
/// (dex-layouts.md; the same offsets the decoders read).
///
/// ```swift
/// for query in PoolDiscovery.queries(mintA: sol, mintB: usdc) {
///     let (_, found) = try await rpc.getProgramAccounts(query.program, filters: query.filters, commitment: "confirmed")
/// }
/// ```
public enum PoolDiscovery {
    public struct Layout: Sendable {
        public var dex: DexKind
        public var program: Pubkey
        /// Exact account size, when the layout has one (PumpSwap pools grew over time: none).
        public var dataSize: Int?
        public var mintOffsets: (Int, Int)
    }

    public static let layouts: [Layout] = [
        Layout(dex: .raydiumAmmV4, program: ProgramIds.raydiumAmmV4, dataSize: 752, mintOffsets: (400, 432)),
        Layout(dex: .raydiumCpmm, program: ProgramIds.raydiumCpmm, dataSize: 637, mintOffsets: (168, 200)),
        Layout(dex: .raydiumClmm, program: ProgramIds.raydiumClmm, dataSize: 1544, mintOffsets: (73, 105)),
        Layout(dex: .orcaWhirlpool, program: ProgramIds.orcaWhirlpool, dataSize: 653, mintOffsets: (101, 181)),
        Layout(dex: .meteoraDlmm, program: ProgramIds.meteoraDlmm, dataSize: 904, mintOffsets: (88, 120)),
        Layout(dex: .meteoraDammV2, program: ProgramIds.meteoraDammV2, dataSize: 1112, mintOffsets: (168, 200)),
        Layout(dex: .meteoraDammV1, program: ProgramIds.meteoraDammV1, dataSize: 1387, mintOffsets: (40, 72)),
        Layout(dex: .orcaTokenSwapV2, program: ProgramIds.orcaTokenSwapV2, dataSize: 324, mintOffsets: (131, 163)),
        Layout(dex: .pumpSwap, program: ProgramIds.pumpSwap, dataSize: nil, mintOffsets: (43, 75)),
    ]

    public struct Query: Sendable {
        public var dex: DexKind
        public var program: Pubkey
        public var filters: [JSONRPCClient.Filter]
    }

    /// Both orders of the pair for every layout (pools store mints in their own order).
    public static func queries(mintA: Pubkey, mintB: Pubkey, dexes: Set<DexKind>? = nil) -> [Query] {
        var out: [Query] = []
        for l in layouts where dexes?.contains(l.dex) ?? true {
            for (first, second) in mintA == mintB ? [(mintA, mintB)] : [(mintA, mintB), (mintB, mintA)] {
                var f: [JSONRPCClient.Filter] = []
                if let n = l.dataSize { f.append(.dataSize(n)) }
                f.append(.memcmp(offset: l.mintOffsets.0, bytes: first.bytes))
                f.append(.memcmp(offset: l.mintOffsets.1, bytes: second.bytes))
                out.append(Query(dex: l.dex, program: l.program, filters: f))
            }
        }
        return out
    }
}
