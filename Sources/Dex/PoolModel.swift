import PoolMath
import SolanaCore

/// The DEX programs we price. Raw values are the names used in JSON (`dex`) and fixtures.
public enum DexKind: String, Sendable, CaseIterable, Codable {
    case raydiumAmmV4 = "raydium-amm-v4"
    case raydiumCpmm = "raydium-cpmm"
    case raydiumClmm = "raydium-clmm"
    case orcaWhirlpool = "orca-whirlpool"
    case meteoraDlmm = "meteora-dlmm"
    case meteoraDammV2 = "meteora-damm-v2"
    case meteoraDammV1 = "meteora-damm-v1"
    case orcaTokenSwapV2 = "orca-token-swap-v2"
    case pumpSwap = "pumpswap"
}

/// What a quote may depend on besides account state: the cluster clock.
public struct QuoteContext: Sendable {
    /// Unix timestamp (seconds) of the clock sysvar; drives open times, fee schedulers, DLMM references.
    public var now: Int64
    /// Epoch, for Token-2022 transfer-fee schedules.
    public var epoch: UInt64
    /// Current slot, for activation points expressed in slots.
    public var slot: UInt64
    public init(now: Int64 = 0, epoch: UInt64 = 0, slot: UInt64 = 0) { self.now = now; self.epoch = epoch; self.slot = slot }
}

/// An exact-in quote. Amounts are base units; prices are output per input in human units.
public struct Quote: Sendable {
    public var pool: Pubkey
    public var dex: DexKind
    public var inputMint: Pubkey
    public var outputMint: Pubkey
    public var amountIn: UInt64
    public var amountOut: UInt64
    /// Trading fee charged, in units of the token it is charged in (`feeMint`).
    public var feeAmount: UInt64
    public var feeMint: Pubkey
    public var priceBefore: Ratio
    public var priceAfter: Ratio
    /// Set when the known liquidity (provided tick/bin arrays) ran out before `amountIn` was used.
    public var partial: PartialFill?
    /// What the program would write back if this swap executed (nil when a model cannot say exactly).
    /// Quoting never reads it; the local cluster uses it to move pools the way the chain does.
    public var stateAfter: PoolStateAfter?

    public init(pool: Pubkey, dex: DexKind, inputMint: Pubkey, outputMint: Pubkey, amountIn: UInt64, amountOut: UInt64,
                feeAmount: UInt64, feeMint: Pubkey, priceBefore: Ratio, priceAfter: Ratio, partial: PartialFill? = nil,
                stateAfter: PoolStateAfter? = nil) {
        self.pool = pool; self.dex = dex; self.inputMint = inputMint; self.outputMint = outputMint
        self.amountIn = amountIn; self.amountOut = amountOut; self.feeAmount = feeAmount; self.feeMint = feeMint
        self.priceBefore = priceBefore; self.priceAfter = priceAfter; self.partial = partial; self.stateAfter = stateAfter
    }
}

/// The state a swap leaves behind, as the program writes it: balance moves of the token accounts it
/// touches, fee counters it accrues, and the curve position of concentrated pools. Fields a DEX does
/// not keep stay nil / empty.
///
/// ```swift
/// let q = try pool.quote(amountIn: 1_000_000, inputMint: usdc, context: ctx)
/// if let after = q.stateAfter { print(after.sqrtPrice ?? 0, after.tokenAccountDeltas[vaultA] ?? 0) }
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

    public init() {}

    /// Adds `delta` to a token account's pending change.
    public mutating func move(_ account: Pubkey, by delta: Int128) { tokenAccountDeltas[account, default: 0] += delta }
}

/// Token amounts of one DLMM bin after a swap, and the Q64.64 price the program stores in it
/// (`get_or_store_bin_price`).
public struct DlmmBinAmounts: Sendable, Equatable {
    public var amountX: UInt64
    public var amountY: UInt64
    public var price: UInt128
    public init(amountX: UInt64, amountY: UInt64, price: UInt128) { self.amountX = amountX; self.amountY = amountY; self.price = price }
}

/// DLMM `v_parameters` after a swap (volatility accumulator, references, last update).
public struct DlmmVolatilityAfter: Sendable, Equatable {
    public var volatilityAccumulator: UInt32
    public var volatilityReference: UInt32
    public var indexReference: Int32
    public var lastUpdateTimestamp: Int64
}

/// Orca Whirlpool oracle `AdaptiveFeeVariables` after a swap.
public struct WhirlpoolAdaptiveFeeAfter: Sendable, Equatable {
    public var lastReferenceUpdateTimestamp: UInt64
    public var lastMajorSwapTimestamp: UInt64
    public var volatilityReference: UInt32
    public var tickGroupIndexReference: Int32
    public var volatilityAccumulator: UInt32
}

/// How much of an exact-in amount could be filled from the accounts we have.
public struct PartialFill: Sendable, Equatable {
    /// Input actually consumed (including fees).
    public var filledIn: UInt64
    /// The next tick/bin array the swap would need, when known.
    public var nextMissingAccount: Pubkey?
    public var reason: String
    public init(filledIn: UInt64, nextMissingAccount: Pubkey?, reason: String) {
        self.filledIn = filledIn; self.nextMissingAccount = nextMissingAccount; self.reason = reason
    }
}

/// Reserves, decimals and spot price of a pool, in its own token order (A = token0/coin/base/x).
public struct PoolPrice: Sendable {
    public var mintA: Pubkey
    public var mintB: Pubkey
    public var decimalsA: UInt8
    public var decimalsB: UInt8
    /// Tradable reserves (vault minus pending fees), or vault balances for concentrated pools when known.
    public var reserveA: UInt64?
    public var reserveB: UInt64?
    /// B per A in human units.
    public var priceBPerA: Ratio
    public init(mintA: Pubkey, mintB: Pubkey, decimalsA: UInt8, decimalsB: UInt8, reserveA: UInt64?, reserveB: UInt64?, priceBPerA: Ratio) {
        self.mintA = mintA; self.mintB = mintB; self.decimalsA = decimalsA; self.decimalsB = decimalsB
        self.reserveA = reserveA; self.reserveB = reserveB; self.priceBPerA = priceBPerA
    }
}

public enum QuoteError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A dependent account is needed and has not been provided/applied. `role` is e.g. "vault", "amm config", "tick array".
    case missingAccount(role: String, address: Pubkey)
    case invalidAccount(role: String, address: Pubkey, reason: String)
    case mintNotInPool(Pubkey)
    case swapDisabled(String)
    case notOpenYet(String)
    case zeroAmount
    case zeroOutput
    case insufficientLiquidity(String)
    case mathOverflow(String)
    case unsupported(String)

    public var description: String {
        switch self {
        case let .missingAccount(role, address): return "\(role) \(address) not provided"
        case let .invalidAccount(role, address, reason): return "\(role) \(address) is invalid: \(reason)"
        case let .mintNotInPool(m): return "input mint \(m) is not a token of this pool"
        case let .swapDisabled(why): return "swaps are disabled: \(why)"
        case let .notOpenYet(why): return "pool not open yet: \(why)"
        case .zeroAmount: return "amount_in must be greater than 0"
        case .zeroOutput: return "amount too small: the swap would output 0"
        case let .insufficientLiquidity(why): return "insufficient liquidity: \(why)"
        case let .mathOverflow(where_): return "math overflow in \(where_)"
        case let .unsupported(why): return "unsupported: \(why)"
        }
    }
}

/// One pool of one DEX, in the spirit of Jupiter's `Amm` trait: built from the pool
/// account, fed its dependent accounts, and able to quote exactly as the program swaps.
///
/// ```swift
/// var pool = try RaydiumAmmV4Pool(pool: ammAccount)
/// for key in pool.accountsToWatch() { _ = try pool.apply(store[key]!) }
/// let q = try pool.quote(amountIn: 1_000_000_000, inputMint: KnownMints.wsol, context: .init())
/// ```
public protocol PoolModel: Sendable {
    static var dex: DexKind { get }
    /// True when owner, size and discriminator say this account is a pool of this DEX.
    static func isPool(_ account: AccountData) -> Bool
    init(pool: AccountData) throws
    var address: Pubkey { get }
    var mintA: Pubkey { get }
    var mintB: Pubkey { get }
    /// Accounts (besides the pool) needed to price and quote around the current state:
    /// vaults, configs, mints with fee extensions, tick/bin arrays. May change after `apply`.
    func accountsToWatch() -> [Pubkey]
    /// Applies the pool's own account or one of its dependent accounts. Returns false when the
    /// account is not one this pool uses. Throws (leaving the model unchanged) on bad bytes.
    mutating func apply(_ account: AccountData) throws -> Bool
    /// Reserves and spot price; throws `missingAccount` when something needed is absent.
    func price(context: QuoteContext) throws -> PoolPrice
    /// Exact-in quote as the on-chain program computes it.
    func quote(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> Quote
}

extension PoolModel {
    public var dex: DexKind { Self.dex }
    /// Input/output direction check shared by every model: true when input is token A.
    public func isAToB(_ inputMint: Pubkey) throws -> Bool {
        if inputMint == mintA { return true }
        if inputMint == mintB { return false }
        throw QuoteError.mintNotInPool(inputMint)
    }
}
