import PoolMath
import SolanaCore

/// The state a swap leaves behind, as the program writes it: balance moves of the token accounts it
/// touches, fee counters it accrues, and the curve position of concentrated pools. Fields a DEX does
/// not keep stay nil / empty.
///
/// ```swift
/// let effect = try pool.simulate(amountIn: 1_000_000, inputMint: usdc, context: ctx)
/// if let after = effect.after { print(after.sqrtPrice ?? 0, after.tokenAccountDeltas[vaultA] ?? 0) }
/// ```
public struct PoolStateAfter: Sendable, Equatable {
    /// Signed change of each token account's `amount` (vaults, DAMM v1 LP-token accounts), base units.
    public var tokenAccountDeltas: [Pubkey: Int128] = [:]
    /// Protocol-fee token accounts outside the pool's reserves that the swap pays into (DAMM v1 admin
    /// fee accounts); written only where the account is known.
    public var feeAccountDeltas: [Pubkey: Int128] = [:]
    /// Signed change of mint supplies (DAMM v1 vault LP minted on deposit, burned on withdraw).
    public var mintSupplyDeltas: [Pubkey: Int128] = [:]
    /// Meteora vault `total_amount` after the swap (DAMM v1 deposits into / withdraws from vaults).
    public var meteoraVaultTotals: [Pubkey: UInt64] = [:]
    /// Protocol / fund fees accrued in the pool account by this swap (token A, token B order).
    public var protocolFeeA: UInt64 = 0
    public var protocolFeeB: UInt64 = 0
    public var fundFeeA: UInt64 = 0
    public var fundFeeB: UInt64 = 0
    /// Concentrated pools: price (Q64.64 sqrt), current tick and active liquidity after the swap.
    public var sqrtPrice: UInt128?
    public var tickCurrent: Int32?
    public var liquidity: UInt128?
    /// Raydium CLMM: the dynamic-fee state written back to the pool (nil for pools without it).
    public var clmmDynamicFee: RaydiumClmmDynamicFeeInfo?
    /// Raydium CLMM: ticks whose limit-order amounts the swap filled, as they are after it.
    public var clmmTicks: [RaydiumClmmTick] = []
    /// Orca Whirlpool (adaptive fee): the oracle's variables after the swap.
    public var whirlpoolAdaptiveFee: WhirlpoolAdaptiveFeeAfter?
    /// Meteora DLMM: active bin and the amounts of every bin the swap touched.
    public var activeBinId: Int32?
    public var binAmounts: [Int32: DlmmBinAmounts] = [:]
    public var dlmmVolatility: DlmmVolatilityAfter?
    /// Meteora DAMM v2: the pool's own token_a_amount / token_b_amount (compounding pools).
    public var poolTokenAmountA: UInt64?
    public var poolTokenAmountB: UInt64?
    /// Meteora DAMM v2: the dynamic-fee variables after the swap (nil without a dynamic fee).
    public var dammV2DynamicFee: DammV2DynamicFeeAfter?
    /// Accounts the program writes on this swap in bytes no model here keeps (tick arrays of crossed
    /// ticks: fee growth outside; the DLMM oracle's observations): written back unchanged, so the
    /// cluster still notifies them as the chain does.
    public var touchedAccounts: Set<Pubkey> = []

    public init() {}

    /// Adds `delta` to a token account's pending change.
    public mutating func move(_ account: Pubkey, by delta: Int128) { tokenAccountDeltas[account, default: 0] += delta }
}
