import ArgumentParser

/// `solana-pool-cache price`: mints, decimals, reserves and the spot price both ways.
struct PriceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "price",
        abstract: "Reserves, decimals and spot price both ways from account snapshots.")

    @OptionGroup var snapshot: SnapshotOptions

    func run() throws {
        let model = try snapshot.model(command: "price")
        CommandOutput.line(try SnapshotCommands.price(model, context: try snapshot.context()))
    }
}
