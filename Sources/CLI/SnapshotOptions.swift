import ArgumentParser
import Dex
import Foundation
import Soak
import SolanaCore

/// The options `quote` and `price` share: the account snapshots, the pool, and the cluster clock.
struct SnapshotOptions: ParsableArguments {
    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp(
            "Account files and folders (searched recursively; for an address given twice the higher slot wins, then the shallower file).",
            valueName: "path"))
    var accounts: [String] = []

    @Option(help: ArgumentHelp("Pool account address (base58).", valueName: "address"), transform: ArgumentValue.pubkey("--pool"))
    var pool: Pubkey

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Cluster clock, Unix seconds, for open times, fee schedulers and DLMM volatility (default: now).",
            valueName: "unix-ts"), transform: ArgumentValue.int64("--now"))
    var now: Int64?

    @Option(
        parsing: .unconditional, help: ArgumentHelp("Epoch, selects Token-2022 transfer fees (default 0).", valueName: "n"),
        transform: ArgumentValue.int64("--epoch"))
    var epoch: Int64?

    @Option(parsing: .unconditional, help: ArgumentHelp("Slot (default 0).", valueName: "n"), transform: ArgumentValue.int64("--slot"))
    var slot: Int64?

    func context() throws -> QuoteContext {
        guard (epoch ?? 0) >= 0, (slot ?? 0) >= 0 else { throw CommandError.bad("--epoch and --slot must be non-negative") }
        // Without --now, time-gated checks use the current clock, as the chain would.
        let now = self.now ?? Int64(Date().timeIntervalSince1970)
        return QuoteContext(now: now, epoch: UInt64(epoch ?? 0), slot: UInt64(slot ?? 0))
    }

    func model(command: String) throws -> any PoolModel { try modelAndAccounts(command: command).0 }

    /// The pool model and every loaded account by address (mints, for instruction building).
    func modelAndAccounts(command: String) throws -> (any PoolModel, [Pubkey: AccountData]) {
        guard !accounts.isEmpty else { throw CommandError.usage("\(command): --accounts PATH... is required") }
        let index = SnapshotQuoter.index(try AccountFile.loadAll(paths: accounts))
        do { return (try SnapshotQuoter.pool(address: pool, accounts: index), index) } catch let e as QuoteError {
            throw CommandError.bad("\(e)")
        } catch let e as DecodeError {
            throw CommandError.bad("pool \(pool): \(e)")
        }
    }
}
