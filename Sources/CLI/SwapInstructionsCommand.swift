import ArgumentParser
import Dex
import Soak
import SolanaCore

/// `solana-pool-cache swap-instructions`: the `/v1/swap-instructions` answer for one pool, offline,
/// from account snapshots.
struct SwapInstructionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swap-instructions",
        abstract: "The program's own swap instruction (plus ATA setup, SOL wrap/unwrap) for one pool, from account snapshots.",
        discussion: """
            Exact in (--amount-in): the quote's output is the answer's outAmount and minimum_amount_out is it less \
            --slippage-bps. Exact out (--amount-out with --max-amount-in): the program's exact-out variant with the \
            amounts as given (no quote). Prints {computeBudgetInstructions, setupInstructions, swapInstructions, \
            cleanupInstruction, addressLookupTableAddresses, contextSlot, computeUnitEstimate, inAmount, outAmount, \
            otherAmountThreshold}; instruction data is base64.
            """)

    @OptionGroup var snapshot: SnapshotOptions

    @Option(help: ArgumentHelp("Mint of the input token (base58).", valueName: "mint"), transform: ArgumentValue.pubkey("--input-mint"))
    var inputMint: Pubkey

    @Option(
        parsing: .unconditional, help: ArgumentHelp("Exact input amount in base units.", valueName: "u64"),
        transform: ArgumentValue.u64("--amount-in"))
    var amountIn: UInt64?

    @Option(
        parsing: .unconditional, help: ArgumentHelp("Exact output amount (exact-out variant).", valueName: "u64"),
        transform: ArgumentValue.u64("--amount-out"))
    var amountOut: UInt64?

    @Option(
        parsing: .unconditional, help: ArgumentHelp("Most input the exact-out swap may take.", valueName: "u64"),
        transform: ArgumentValue.u64("--max-amount-in"))
    var maxAmountIn: UInt64?

    @Option(
        help: ArgumentHelp("The user's wallet: signer and owner of its token accounts.", valueName: "pubkey"),
        transform: ArgumentValue.pubkey("--user"))
    var user: Pubkey

    @Option(
        parsing: .unconditional, help: ArgumentHelp("Slippage for minimum_amount_out (default 50).", valueName: "bps"),
        transform: ArgumentValue.int("--slippage-bps", 0...10_000))
    var slippageBps: Int = 50

    @Flag(inversion: .prefixedNo, help: "Wrap SOL input into wSOL before and close the wSOL account after (default on).")
    var wrapAndUnwrapSol = true

    @Flag(help: "The program's newer variant with fewer accounts where it has one (AMM v4 swap_base_in_v2).")
    var compactVariant = false

    func run() throws {
        let (model, accounts) = try snapshot.modelAndAccounts(command: "swap-instructions")
        let context = try snapshot.context()
        let amount: SwapAmount
        var inAmount: UInt64, outAmount: UInt64
        switch (amountIn, amountOut, maxAmountIn) {
        case let (a?, nil, nil):
            let q: Quote
            do { q = try model.quote(amountIn: a, inputMint: inputMint, context: context) } catch let e as QuoteError {
                throw CommandError.bad("\(e)")
            }
            if let p = q.partial { throw CommandError.bad("the cached accounts fill only \(p.filledIn) of \(a): \(p.reason)") }
            amount = .exactIn(amountIn: a, minimumAmountOut: SwapInstructionPlan.minimumOut(q.amountOut, slippageBps: slippageBps))
            (inAmount, outAmount) = (a, q.amountOut)
        case let (nil, o?, m?):
            amount = .exactOut(amountOut: o, maximumAmountIn: m)
            (inAmount, outAmount) = (m, o)
        default:
            throw CommandError.usage("swap-instructions: give --amount-in N, or --amount-out N with --max-amount-in M")
        }
        let plan: SwapInstructionPlan
        do {
            plan = try SwapInstructionPlan.build(
                hops: [.init(model: model, inputMint: inputMint, amount: amount)], user: user, wrapAndUnwrapSol: wrapAndUnwrapSol,
                accounts: accounts, context: context, compactVariants: compactVariant)
        } catch let e as SwapInstructionError { throw CommandError.bad("\(e)") } catch let e as QuoteError { throw CommandError.bad("\(e)") }
        let threshold: UInt64
        switch amount {
        case let .exactIn(_, m): threshold = m
        case let .exactOut(_, m): threshold = m
        }
        let extra: [(String, JSONText)] = [
            ("inAmount", .string(String(inAmount))), ("outAmount", .string(String(outAmount))),
            ("otherAmountThreshold", .string(String(threshold))), ("swapMode", .string(amount.isExactIn ? "ExactIn" : "ExactOut")),
        ]
        // The slot the answer reflects: --slot, else the newest slot among the pool's snapshots.
        let contextSlot = snapshot.slot.map { UInt64($0) } ?? accounts[snapshot.pool]?.slot ?? 0
        CommandOutput.line(plan.json(contextSlot: contextSlot, extra: extra).rendered)
    }
}
