import PoolMath
import SolanaCore

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

    public init(
        pool: Pubkey, dex: DexKind, inputMint: Pubkey, outputMint: Pubkey, amountIn: UInt64, amountOut: UInt64,
        feeAmount: UInt64, feeMint: Pubkey, priceBefore: Ratio, priceAfter: Ratio, partial: PartialFill? = nil
    ) {
        self.pool = pool; self.dex = dex; self.inputMint = inputMint; self.outputMint = outputMint
        self.amountIn = amountIn; self.amountOut = amountOut; self.feeAmount = feeAmount; self.feeMint = feeMint
        self.priceBefore = priceBefore; self.priceAfter = priceAfter; self.partial = partial
    }
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
    /// The DEX's program has no exact-out swap (or the model does not implement it): `dex` names it.
    case exactOutUnsupported(dex: String)

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
        case let .exactOutUnsupported(dex): return "exact-out quotes are not supported for \(dex) pools"
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
    /// Exact-out quote as the program's exact-out instruction computes it: `amountOut` is what the
    /// user receives (exactly), `amountIn` the input the program debits for it, with the program's
    /// own rounding. DEXes whose programs have no exact-out swap throw `exactOutUnsupported`.
    func quoteExactOut(amountOut: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> Quote
    /// True when the trading fee can change only with the pool's accounts, never with the clock
    /// (no fee scheduler, volatility decay or adaptive fee): a fee seen in a quote then stays a
    /// lower bound until the pool changes, so rate bounds may discount it. Default false.
    var tradeFeeIsConstantOverTime: Bool { get }
}

extension PoolModel {
    public var dex: DexKind { Self.dex }
    public var tradeFeeIsConstantOverTime: Bool { false }
    public func quoteExactOut(amountOut: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> Quote {
        throw QuoteError.exactOutUnsupported(dex: Self.dex.rawValue)
    }
    /// Input/output direction check shared by every model: true when input is token A.
    public func isAToB(_ inputMint: Pubkey) throws -> Bool {
        if inputMint == mintA { return true }
        if inputMint == mintB { return false }
        throw QuoteError.mintNotInPool(inputMint)
    }
}
