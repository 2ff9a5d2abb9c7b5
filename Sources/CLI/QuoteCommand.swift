import ArgumentParser
import SolanaCore

/// `solana-pool-cache quote`: an exact-in quote from account snapshots.
struct QuoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quote",
        abstract: "Exact-in swap quote from account snapshots, with the program's own integer arithmetic.",
        discussion: """
            A missing account needed for the quote is an error naming it. When tick/bin arrays run out before the \
            amount is filled, the answer carries "partial":{"filled_in","next_missing_account","reason"}.
            """)

    @OptionGroup var snapshot: SnapshotOptions

    @Option(help: ArgumentHelp("Mint of the input token (base58).", valueName: "mint"), transform: ArgumentValue.pubkey("--input-mint"))
    var inputMint: Pubkey

    // `.unconditional`: "-5" is this option's (refused) value, not an unknown flag.
    @Option(parsing: .unconditional, help: ArgumentHelp("Input amount in base units.", valueName: "u64"), transform: ArgumentValue.u64("--amount-in"))
    var amountIn: UInt64

    func run() throws {
        let model = try snapshot.model(command: "quote")
        CommandOutput.line(try SnapshotCommands.quote(model, inputMint: inputMint, amountIn: amountIn, context: try snapshot.context()))
    }
}
