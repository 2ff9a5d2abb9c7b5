import SolanaCore

/// What a swap instruction trades: exact in with a floor on the output (`minimum_amount_out`), or
/// exact out with a ceiling on the input (`maximum_amount_in`) — the two variants every program here
/// but token-swap has.
public enum SwapAmount: Sendable, Equatable {
    case exactIn(amountIn: UInt64, minimumAmountOut: UInt64)
    case exactOut(amountOut: UInt64, maximumAmountIn: UInt64)

    /// (amount specified, other amount threshold): the order of the concentrated-liquidity programs'
    /// `amount, other_amount_threshold` arguments.
    public var specifiedAndThreshold: (UInt64, UInt64) {
        switch self {
        case let .exactIn(a, m): return (a, m)
        case let .exactOut(a, m): return (a, m)
        }
    }
    /// (amount in or maximum in, minimum out or amount out): the order of the constant-product
    /// programs' exact-in (`amount_in, minimum_amount_out`) and exact-out (`max_amount_in, amount_out`) arguments.
    public var inThenOut: (UInt64, UInt64) {
        switch self {
        case let .exactIn(a, m): return (a, m)
        case let .exactOut(o, m): return (m, o)
        }
    }
    public var isExactIn: Bool { if case .exactIn = self { return true } else { return false } }
}

/// One hop for one user: the accounts around the pool the builder cannot know by itself.
public struct SwapRequest: Sendable {
    /// Signer and owner of the user's token accounts.
    public var user: Pubkey
    public var inputMint: Pubkey
    public var amount: SwapAmount
    /// The user's token accounts (normally their ATAs) for the input and output mints.
    public var userSource: Pubkey
    public var userDestination: Pubkey
    /// Token program owning each mint of the pool (SPL Token or Token-2022), from the mint accounts.
    public var tokenPrograms: [Pubkey: Pubkey]
    /// The program's newer variant with fewer accounts where it has one (AMM v4 `swap_base_in_v2`);
    /// off by default: the program binaries the builders are checked against predate them.
    public var compactVariant: Bool

    public init(
        user: Pubkey, inputMint: Pubkey, amount: SwapAmount, userSource: Pubkey, userDestination: Pubkey, tokenPrograms: [Pubkey: Pubkey],
        compactVariant: Bool = false
    ) {
        self.user = user; self.inputMint = inputMint; self.amount = amount
        self.userSource = userSource; self.userDestination = userDestination; self.tokenPrograms = tokenPrograms
        self.compactVariant = compactVariant
    }

    /// The mint's token program; SPL Token when the mint account was not given.
    public func tokenProgram(_ mint: Pubkey) -> Pubkey { tokenPrograms[mint] ?? ProgramIds.splToken }
}

/// Why a swap instruction cannot be built.
public enum SwapInstructionError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Transfers of this mint invoke a hook program whose accounts we do not resolve.
    case transferHook(mint: Pubkey, program: Pubkey)
    case unsupported(String)
    case quote(QuoteError)

    public var description: String {
        switch self {
        case let .transferHook(m, p): return "mint \(m) has a Token-2022 transfer hook (program \(p)); hooked mints are not supported"
        case let .unsupported(why): return "unsupported: \(why)"
        case let .quote(e): return e.description
        }
    }
}

/// A pool model that can state the program's own swap instruction at its cached state. Each DEX
/// implements it in its folder (`<Dex>SwapInstruction.swift`), citing the program's IDL or source.
///
/// ```swift
/// let ix = try (model as! any SwapInstructionBuilder).swapInstruction(request, context: ctx)
/// ```
public protocol SwapInstructionBuilder: PoolModel {
    /// The swap instruction for `request` (exact in or exact out) against the applied state.
    func swapInstruction(_ request: SwapRequest, context: QuoteContext) throws -> Instruction
}

extension SwapInstructionBuilder {
    /// Output mint of a swap from `input` (throws when `input` is not a token of the pool).
    func outputMint(_ input: Pubkey) throws -> Pubkey { try isAToB(input) ? mintB : mintA }

    /// Direction and amounts of a program with no exact-out swap (exact out is a typed refusal).
    func exactInOnly(_ r: SwapRequest) throws -> (aToB: Bool, amountIn: UInt64, minimumOut: UInt64) {
        let aToB = try isAToB(r.inputMint)
        guard case let .exactIn(amountIn, minimumOut) = r.amount else {
            throw SwapInstructionError.unsupported("\(dex.rawValue) has no exact-out swap")
        }
        return (aToB, amountIn, minimumOut)
    }

    /// Anchor `#[event_cpi]` event authority: PDA of "__event_authority" under `program`.
    static func eventAuthority(_ program: Pubkey) throws -> Pubkey {
        try pda([Array("__event_authority".utf8)], program)
    }

    static func pda(_ seeds: [[UInt8]], _ program: Pubkey) throws -> Pubkey {
        guard let (k, _) = ProgramAddress.find(seeds: seeds, programId: program) else {
            throw SwapInstructionError.unsupported("no program address for seeds under \(program)")
        }
        return k
    }

    /// Anchor data: 8-byte discriminator of `name`, then two u64 arguments.
    static func anchorData(_ name: String, _ args: (UInt64, UInt64)) -> InstructionData {
        var d = InstructionData(Instruction.anchorDiscriminator(name))
        d.u64(args.0)
        d.u64(args.1)
        return d
    }
}
