import Foundation
import PoolMath
import SolanaCore

// Raydium CLMM (CAMMCzo5…): account decoders and the exact-in quoting model.
// Source of truth: raydium-io/raydium-clmm @03b44b7f, programs/amm/src/
//   states/{pool.rs, config.rs, tick_array.rs, tickarray_bitmap_extension.rs, pool_fee.rs, oracle.rs},
//   libraries/{tick_math, sqrt_price_math, liquidity_math, swap_math, tick_array_bit_map}.rs (ported in
//   PoolMath/ClmmMath.swift), instructions/swap.rs (`swap_internal`) and swap_v2.rs (transfer fees).
// Offsets: dex-layouts.md §5 (zero_copy packed structs, 8-byte Anchor discriminator first).

/// Memo of Raydium CLMM PDA derivations (SHA-256 + curve check per bump are the expensive part).
// @unchecked Sendable: `lock` guards found (released while a missing PDA is derived).
final class RaydiumClmmPDACache: @unchecked Sendable {
    static let shared = RaydiumClmmPDACache()
    private let lock = NSLock()
    private var found: [[UInt8]: Pubkey] = [:]

    func find(seeds: [[UInt8]]) -> Pubkey? {
        let key = seeds.flatMap { [UInt8($0.count)] + $0 }
        lock.lock()
        if let k = found[key] { lock.unlock(); return k }
        lock.unlock()
        guard let k = ProgramAddress.find(seeds: seeds, programId: ProgramIds.raydiumClmm)?.0 else { return nil }
        lock.lock()
        if found.count > 100_000 { found.removeAll() }
        found[key] = k
        lock.unlock()
        return k
    }
}
