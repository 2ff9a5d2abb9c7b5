import ArgumentParser
import Foundation

/// `solana-pool-cache decode FILE...`: one JSON object per account.
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode account snapshots (fixture JSON or saved getAccountInfo/getMultipleAccounts answers).",
        discussion: "Prints one JSON object per account: {\"address\",\"owner\",\"program\",\"kind\",\"fields\":{...}}.")

    @Argument(help: ArgumentHelp("Account JSON files ({address, owner, data_base64, ...}) or saved JSON-RPC answers.", valueName: "file"))
    var files: [String] = []

    func run() throws {
        CommandOutput.line(try SnapshotCommands.decode(files))
    }
}
