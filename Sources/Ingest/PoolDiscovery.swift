import Cache
import Dex
import Foundation
import RPC
import SolanaCore

/// `getProgramAccounts` queries that find every pool whose two mints are both in a list, built
/// from each DEX descriptor's program, pool size and mint offsets (dex-layouts.md; the same
/// offsets the decoders read). One query per DEX and listed mint, matching that mint as the
/// pool's first mint (`memcmp`); the second mint is checked here, so each pool is found exactly
/// once. Where the pool size is fixed, the reply carries only the bytes spanning both mints
/// (`dataSlice`); where pools grew over time there is no size filter, so the whole account comes
/// back and is checked to be a pool.
///
/// ```swift
/// for query in PoolDiscovery.queries(mints: [sol, usdc]) {
///     let found = try await reader.programAccounts(query.program, filters: query.filters, dataSlice: query.dataSlice)
///     let pools = found.compactMap { query.pool(in: $0, mints: [sol, usdc]) }
/// }
/// ```
public enum PoolDiscovery {
    public struct Query: Sendable {
        public var dex: DexKind
        public var program: Pubkey
        public var filters: [ProgramAccountFilter]
        public var dataSlice: JSONRPCClient.DataSlice?
        /// The descriptor's mint offsets, relative to the bytes the reply carries.
        let mintOffsets: (a: Int, b: Int)

        /// The pool in one reply item, when it is one and both its mints are in `mints`.
        public func pool(in account: AccountData, mints: Set<Pubkey>) -> DiscoveredPool? {
            let r = ByteReader(account.data)
            guard let a = try? r.pubkey(mintOffsets.a), let b = try? r.pubkey(mintOffsets.b), mints.contains(a), mints.contains(b) else {
                return nil
            }
            // A sliced reply passed the exact pool size; a whole one must decode as a pool.
            if dataSlice == nil && DexRegistry.descriptor(forPool: account)?.kind != dex { return nil }
            return DiscoveredPool(address: account.address, dex: dex, mintA: a, mintB: b)
        }
    }

    /// One query per DEX (of `dexes`, default all) and mint.
    public static func queries(mints: [Pubkey], dexes: Set<DexKind>? = nil) -> [Query] {
        var out: [Query] = []
        for d in DexRegistry.all where dexes?.contains(d.kind) ?? true {
            for mint in Set(mints).sorted() {
                var filters: [ProgramAccountFilter] = []
                if let n = d.poolDataSize { filters.append(.dataSize(n)) }
                filters.append(.memcmp(offset: d.mintOffsets.a, bytes: mint.bytes))
                let low = min(d.mintOffsets.a, d.mintOffsets.b)
                let slice = d.poolDataSize.map { _ in
                    JSONRPCClient.DataSlice(offset: low, length: max(d.mintOffsets.a, d.mintOffsets.b) + 32 - low)
                }
                let offsets = slice == nil ? d.mintOffsets : (d.mintOffsets.a - low, d.mintOffsets.b - low)
                out.append(Query(dex: d.kind, program: d.program, filters: filters, dataSlice: slice, mintOffsets: offsets))
            }
        }
        return out
    }

    /// Runs every query through `reader` (paced by its rate limiter) and returns the pools found,
    /// sorted by address.
    public static func run(
        _ reader: any ProgramAccountsReader, mints: [Pubkey], dexes: Set<DexKind>? = nil,
        progress: (ProgressRate, _ found: Int) -> Void = { _, _ in }
    ) async throws -> [DiscoveredPool] {
        let wanted = Set(mints)
        var found: [Pubkey: DiscoveredPool] = [:]
        let all = queries(mints: mints, dexes: dexes)
        let started = Date().timeIntervalSince1970
        for (i, q) in all.enumerated() {
            for account in try await reader.programAccounts(q.program, filters: q.filters, dataSlice: q.dataSlice) {
                if let pool = q.pool(in: account, mints: wanted) { found[pool.address] = pool }
            }
            progress(ProgressRate(done: i + 1, total: all.count, elapsedSeconds: Date().timeIntervalSince1970 - started), found.count)
        }
        return found.values.sorted { $0.address < $1.address }
    }
}
