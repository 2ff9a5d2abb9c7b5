import Config
import Dex
import Foundation
import RPC
import SolanaCore

/// Entry points shared by the libFuzzer harnesses (`scripts/fuzz.sh`) and the regression tests
/// that replay the saved corpus (`Tests/FuzzTests`). Each takes raw bytes and must never trap.
public enum FuzzTargets {
    /// Every program owning an account we decode, from the DEX registry.
    static let owners: [Pubkey] = DexRegistry.programs

    /// Byte 0 picks the owner program, the rest is account data: decode, build a pool model,
    /// apply it, quote both ways and price.
    public static func accountDecoders(_ input: [UInt8]) {
        guard let first = input.first else { return }
        let owner = owners[Int(first) % owners.count]
        let account = AccountData(address: Pubkey(w0: 1, w1: 2, w2: 3, w3: 4), owner: owner, data: Array(input.dropFirst()), slot: 1)
        _ = try? AccountRegistry.decode(account)
        guard var model = try? AccountRegistry.poolModel(for: account) else { return }
        _ = try? model.apply(account)
        for mint in [model.mintA, model.mintB] {
            _ = try? model.quote(amountIn: 1_000_000, inputMint: mint, context: QuoteContext(now: 1_783_355_400))
        }
        _ = try? model.price(context: QuoteContext())
        _ = model.accountsToWatch()
    }

    /// Account files / saved JSON-RPC answers (the `decode` command's input).
    public static func accountFileJSON(_ input: [UInt8]) {
        guard let loaded = try? AccountFile.parse(Data(input), file: "fuzz") else { return }
        for l in loaded { _ = try? AccountRegistry.decode(l.account) }
    }

    /// PubSub text frames (the ingestion hot path). One parser is reused for every input of a
    /// run, as a connection reuses it, so its owner cache is exercised across frames too.
    public static func pubSubFrames(_ input: [UInt8]) {
        pubSubParser.withLock { parser in
            guard case .account(let note)? = try? parser.parse(input) else { return }
            _ = try? AccountRegistry.decode(note.account(address: Pubkey(w0: 9, w1: 9, w2: 9, w3: 9)))
        }
    }
    static let pubSubParser = Locked(PubSubParser())

    /// JSON-RPC HTTP reply bodies, decoded as each method the client calls. Byte 0 picks how many
    /// keys a `getMultipleAccounts` request asked for (the reply must match that count).
    public static func jsonRPCReplies(_ input: [UInt8]) {
        guard let first = input.first else { return }
        guard let result = try? RPCReply.result(body: Array(input.dropFirst()), method: "fuzz") else { return }
        let keys = (0..<Int(first % 8)).map { Pubkey(w0: UInt64($0), w1: 0, w2: 0, w3: 1) }
        if let (_, accounts) = try? RPCReply.multipleAccounts(result, keys: keys) {
            for case let a? in accounts { _ = try? AccountRegistry.decode(a) }
        }
        if let (_, accounts) = try? RPCReply.programAccounts(result) {
            for a in accounts { _ = try? AccountRegistry.decode(a) }
        }
        _ = try? RPCReply.slot(result)
    }

    /// Config files: TOML text through the full loader (parse, environment substitution,
    /// validation of every key). Any outcome but a `ConfigError` or a config is a bug.
    public static func configTOML(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        _ = try? ConfigLoader.parse(
            text, file: "fuzz.toml",
            environment: ["RPC_URL": "http://127.0.0.1:8899", "SOLANA_WS_URL": "ws://127.0.0.1:8900", "DATABASE_URL": "postgres://u@127.0.0.1/db"])
    }

    /// Registered targets by name (the harness picks one with FUZZ_TARGET).
    public static let all: [String: ([UInt8]) -> Void] = [
        "account-decoders": accountDecoders,
        "account-file-json": accountFileJSON,
        "pubsub-frames": pubSubFrames,
        "jsonrpc-replies": jsonRPCReplies,
        "config-toml": configTOML,
    ]
}

/// A value behind a lock (the fuzz entry points are plain functions, the parser is stateful).
// @unchecked Sendable: `lock` guards value (reachable only through withLock).
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R { lock.lock(); defer { lock.unlock() }; return try body(&value) }
}
