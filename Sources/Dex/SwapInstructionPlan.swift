import SolanaCore

/// Everything a wallet signs to take a route through cached pools, in the shape of Jupiter's
/// `/swap-instructions`: compute budget, setup (idempotent ATA creation, SOL wrap), one program swap
/// instruction per hop, cleanup (SOL unwrap). Pure: accounts come from a lookup, nothing is fetched.
///
/// ```swift
/// let hop = SwapInstructionPlan.Hop(model: pool, inputMint: wsol, amount: .exactIn(amountIn: 1_000_000, minimumAmountOut: 990))
/// let plan = try SwapInstructionPlan.build(hops: [hop], user: user, wrapAndUnwrapSol: true, accounts: store, context: ctx)
/// print(plan.json(contextSlot: 0).rendered)
/// ```
public struct SwapInstructionPlan: Sendable {
    public struct Hop: Sendable {
        public var model: any PoolModel
        public var inputMint: Pubkey
        public var amount: SwapAmount
        public init(model: any PoolModel, inputMint: Pubkey, amount: SwapAmount) {
            self.model = model; self.inputMint = inputMint; self.amount = amount
        }
    }

    public var computeBudget: [Instruction]
    public var setup: [Instruction]
    public var swaps: [Instruction]
    public var cleanup: Instruction?
    public var computeUnitEstimate: UInt32

    /// Compute units an idempotent ATA creation (or the wrap's transfer and SyncNative) may take, a
    /// bound above what the ATA program spends creating a Token-2022 account (~25k).
    public static let setupComputeUnits: UInt32 = 30_000

    /// The input floor for a quoted output at `slippageBps` (floor(out × (10000 − bps) / 10000)), as `/v1/quote`'s
    /// `otherAmountThreshold`.
    public static func minimumOut(_ out: UInt64, slippageBps: Int) -> UInt64 {
        UInt64(UInt128(out) * UInt128(10_000 - max(0, min(10_000, slippageBps))) / 10_000)
    }

    /// The input ceiling for a quoted exact-out input at `slippageBps` (ceil(in × (10000 + bps) / 10000),
    /// capped at u64), as an ExactOut `/v1/quote`'s `otherAmountThreshold`.
    public static func maximumIn(_ amountIn: UInt64, slippageBps: Int) -> UInt64 {
        UInt64(min((UInt128(amountIn) * UInt128(10_000 + max(0, min(10_000, slippageBps))) + 9_999) / 10_000, UInt128(UInt64.max)))
    }

    /// `parallel`: the hops are the legs of a split route (each from the same input to the same
    /// output), not a chain: a wSOL input is wrapped once for all of them.
    public static func build(
        hops: [Hop], user: Pubkey, wrapAndUnwrapSol: Bool, accounts: any AccountLookup, context: QuoteContext,
        compactVariants: Bool = false, parallel: Bool = false
    ) throws -> SwapInstructionPlan {
        guard let first = hops.first else { throw SwapInstructionError.unsupported("a route needs at least one hop") }
        var setup: [Instruction] = [], swaps: [Instruction] = []
        var created = Set<Pubkey>()
        var units: UInt32 = 0
        func ata(_ mint: Pubkey, _ program: Pubkey) throws -> Pubkey {
            guard let a = AssociatedTokenAccount.address(wallet: user, mint: mint, tokenProgram: program) else {
                throw SwapInstructionError.unsupported("no associated token account for \(mint)")
            }
            return a
        }
        func create(_ mint: Pubkey, _ program: Pubkey) throws {
            let a = try ata(mint, program)
            guard created.insert(a).inserted else { return }
            setup.append(AssociatedTokenAccount.createIdempotent(payer: user, ata: a, wallet: user, mint: mint, tokenProgram: program))
            units += setupComputeUnits
        }
        let wsol = KnownMints.wsol
        var finalOutput = first.inputMint
        for (i, hop) in hops.enumerated() {
            guard let builder = hop.model as? any SwapInstructionBuilder else {
                throw SwapInstructionError.unsupported("\(hop.model.dex.rawValue) pools have no instruction builder")
            }
            let out = try hop.model.isAToB(hop.inputMint) ? hop.model.mintB : hop.model.mintA
            var programs: [Pubkey: Pubkey] = [:]
            for mint in [hop.model.mintA, hop.model.mintB] { programs[mint] = try tokenProgram(of: mint, accounts: accounts) }
            let inProgram = programs[hop.inputMint] ?? ProgramIds.splToken, outProgram = programs[out] ?? ProgramIds.splToken
            if i == 0 && wrapAndUnwrapSol && hop.inputMint == wsol {
                try create(wsol, inProgram)
                var lamports: UInt64 = 0
                for h in parallel ? hops : [hop] {
                    switch h.amount {
                    case let .exactIn(a, _): lamports = lamports.addingReportingOverflow(a).partialValue
                    case let .exactOut(_, maxIn): lamports = lamports.addingReportingOverflow(maxIn).partialValue
                    }
                }
                let account = try ata(wsol, inProgram)
                setup.append(TokenInstructions.systemTransfer(from: user, to: account, lamports: lamports))
                setup.append(TokenInstructions.syncNative(account, tokenProgram: inProgram))
                units += 2 * 5_000
            }
            try create(out, outProgram)
            let request = SwapRequest(
                user: user, inputMint: hop.inputMint, amount: hop.amount, userSource: try ata(hop.inputMint, inProgram),
                userDestination: try ata(out, outProgram), tokenPrograms: programs, compactVariant: compactVariants)
            swaps.append(try builder.swapInstruction(request, context: context))
            units += DexRegistry.descriptor(hop.model.dex)?.swapComputeUnits ?? DexDescriptor.defaultSwapComputeUnits
            finalOutput = out
        }
        var cleanup: Instruction?
        if wrapAndUnwrapSol && (first.inputMint == wsol || finalOutput == wsol) {
            let program = try tokenProgram(of: wsol, accounts: accounts)
            cleanup = TokenInstructions.closeAccount(try ata(wsol, program), destination: user, owner: user, tokenProgram: program)
            units += 5_000
        }
        return SwapInstructionPlan(
            computeBudget: [TokenInstructions.setComputeUnitLimit(units)], setup: setup, swaps: swaps, cleanup: cleanup,
            computeUnitEstimate: units)
    }

    /// The mint's token program, from its account (SPL Token when the account was not given); a
    /// Token-2022 mint with a transfer hook is refused (the hook's extra accounts are not resolved).
    public static func tokenProgram(of mint: Pubkey, accounts: any AccountLookup) throws -> Pubkey {
        guard let a = accounts.account(mint) else { return ProgramIds.splToken }
        guard a.owner == ProgramIds.splToken || a.owner == ProgramIds.token2022 else {
            throw SwapInstructionError.unsupported("mint \(mint) is owned by \(a.owner), not a token program")
        }
        if a.owner == ProgramIds.token2022 {
            let m: TokenMint
            do { m = try TokenMint(a) } catch { throw SwapInstructionError.unsupported("mint \(mint): \(error)") }
            if let hook = m.transferHookProgram { throw SwapInstructionError.transferHook(mint: mint, program: hook) }
        }
        return a.owner
    }

    /// Jupiter's `/swap-instructions` answer.
    public func json(contextSlot: UInt64, extra: [(String, JSONText)] = []) -> JSONText {
        .object(
            [
                ("computeBudgetInstructions", .array(computeBudget.map(\.json))),
                ("setupInstructions", .array(setup.map(\.json))),
                ("swapInstructions", .array(swaps.map(\.json))),
                ("cleanupInstruction", cleanup?.json ?? .null),
                ("addressLookupTableAddresses", .array([])),
                ("contextSlot", .number(String(contextSlot))),
                ("computeUnitEstimate", .number(String(computeUnitEstimate))),
            ] + extra)
    }
}
