import Dex
import Foundation
import PoolMath
import SolanaCore

/// The offline commands of `solana-pool-cache`: `decode`, `quote`, `price`. Each returns the
/// text to print (one JSON object per line) or throws a `CommandError` whose description is the
/// one line printed on stderr. Pure apart from reading the given files.
///
/// ```swift
/// let out = try SnapshotCommands.quote(["--accounts", "snapshots", "--pool", "58oQ…", "--input-mint", "So11…", "--amount-in", "1000000000"])
/// ```
public enum SnapshotCommands {
    public static func decode(_ args: [String]) throws -> String {
        guard !args.isEmpty else { throw CommandError.usage("decode FILE... (account JSON or saved getAccountInfo/getMultipleAccounts answers)") }
        var lines: [String] = []
        for path in args {
            if path.hasPrefix("-") { throw CommandError.usage("decode: unknown option \(path)") }
            let loaded = try AccountFile.load(path: path)
            if loaded.isEmpty { throw CommandError.bad("\(path): no account in file (value is null)") }
            for item in loaded {
                let decoded: DecodedAccount
                do { decoded = try AccountRegistry.decode(item.account) } catch let e as DecodeError {
                    throw CommandError.bad("\(path): \(item.address?.base58 ?? "account"): \(e)")
                }
                lines.append(JSONText.object([
                    ("address", item.address.map { .string($0.base58) } ?? .null),
                    ("owner", .string(item.account.owner.base58)),
                    ("program", .string(decoded.program)),
                    ("kind", .string(decoded.kind)),
                    ("fields", .object(decoded.fields.map { ($0.0, json($0.1)) })),
                ]).rendered)
            }
        }
        return lines.joined(separator: "\n")
    }

    public static func quote(_ args: [String]) throws -> String {
        let o = try Options(args, allowed: ["--accounts", "--pool", "--input-mint", "--amount-in", "--now", "--epoch", "--slot"], command: "quote")
        let pool = try o.pool(), context = try o.context()
        let inputMint = try o.pubkey("--input-mint")
        let amountText = try o.single("--amount-in")
        guard let amount = UInt64(amountText) else { throw CommandError.bad("--amount-in '\(amountText)' is not a u64 (0…18446744073709551615)") }
        let q: Quote
        do { q = try pool.quote(amountIn: amount, inputMint: inputMint, context: context) } catch let e as QuoteError {
            throw CommandError.bad("\(e)")
        }
        var pairs: [(String, JSONText)] = [
            ("pool", .string(q.pool.base58)), ("dex", .string(q.dex.rawValue)),
            ("input_mint", .string(q.inputMint.base58)), ("output_mint", .string(q.outputMint.base58)),
            ("amount_in", .string(String(q.amountIn))), ("amount_out", .string(String(q.amountOut))),
            ("fee_amount", .string(String(q.feeAmount))), ("fee_mint", .string(q.feeMint.base58)),
            ("price_before", .string(q.priceBefore.decimalString(significant: 20))),
            ("price_after", .string(q.priceAfter.decimalString(significant: 20))),
        ]
        if let p = q.partial {
            pairs.append(("partial", .object([
                ("filled_in", .string(String(p.filledIn))),
                ("next_missing_account", p.nextMissingAccount.map { .string($0.base58) } ?? .null),
                ("reason", .string(p.reason)),
            ])))
        }
        return JSONText.object(pairs).rendered
    }

    public static func price(_ args: [String]) throws -> String {
        let o = try Options(args, allowed: ["--accounts", "--pool", "--now", "--epoch", "--slot"], command: "price")
        let pool = try o.pool(), context = try o.context()
        let p: PoolPrice
        do { p = try pool.price(context: context) } catch let e as QuoteError { throw CommandError.bad("\(e)") }
        return JSONText.object([
            ("pool", .string(pool.address.base58)), ("dex", .string(pool.dex.rawValue)),
            ("mint_a", .string(p.mintA.base58)), ("mint_b", .string(p.mintB.base58)),
            ("decimals_a", .number(String(p.decimalsA))), ("decimals_b", .number(String(p.decimalsB))),
            ("reserve_a", p.reserveA.map { .string(String($0)) } ?? .null),
            ("reserve_b", p.reserveB.map { .string(String($0)) } ?? .null),
            ("price_b_per_a", .string(p.priceBPerA.decimalString(significant: 20))),
            ("price_a_per_b", .string(p.priceBPerA.inverted.decimalString(significant: 20))),
        ]).rendered
    }

    static func json(_ v: FieldValue) -> JSONText {
        switch v {
        case .int(let s): return .string(s)
        case .pubkey(let k): return .string(k.base58)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .null: return .null
        case .list(let l): return .array(l.map(json))
        }
    }
}

/// A bad invocation or bad input: printed as one line on stderr, exit code 2 (usage) or 1.
public enum CommandError: Error, CustomStringConvertible {
    case usage(String)
    case bad(String)
    public var description: String {
        switch self {
        case .usage(let s): return "usage: solana-pool-cache \(s)"
        case .bad(let s): return "error: \(s)"
        }
    }
    public var exitCode: Int32 { if case .usage = self { return 2 } else { return 1 } }
}

/// `--flag value…` parsing for the snapshot commands (`--accounts` takes several paths).
struct Options {
    var values: [String: [String]] = [:]
    let command: String

    init(_ args: [String], allowed: Set<String>, command: String) throws {
        self.command = command
        var current: String?
        for a in args {
            if a.hasPrefix("--") {
                var flag = a, inline: String?
                if let eq = a.firstIndex(of: "=") { flag = String(a[..<eq]); inline = String(a[a.index(after: eq)...]) }
                guard allowed.contains(flag) else { throw CommandError.usage("\(command): unknown option \(flag)") }
                values[flag, default: []] += inline.map { [$0] } ?? []
                current = inline == nil ? flag : nil
            } else if let c = current {
                values[c, default: []].append(a)
                if c != "--accounts" { current = nil }
            } else {
                throw CommandError.usage("\(command): unexpected argument '\(a)'")
            }
        }
    }

    func single(_ flag: String) throws -> String {
        guard let v = values[flag], !v.isEmpty else { throw CommandError.usage("\(command): \(flag) is required") }
        guard v.count == 1 else { throw CommandError.usage("\(command): \(flag) given \(v.count) times") }
        return v[0]
    }
    func optionalInt(_ flag: String) throws -> Int64? {
        guard values[flag] != nil else { return nil }
        let s = try single(flag)
        guard let n = Int64(s) else { throw CommandError.bad("\(flag) '\(s)' is not an integer") }
        return n
    }
    func pubkey(_ flag: String) throws -> Pubkey {
        let s = try single(flag)
        do { return try Pubkey(base58: s) } catch { throw CommandError.bad("\(flag): \(error)") }
    }
    func context() throws -> QuoteContext {
        let epoch = try optionalInt("--epoch"), slot = try optionalInt("--slot")
        guard (epoch ?? 0) >= 0, (slot ?? 0) >= 0 else { throw CommandError.bad("--epoch and --slot must be non-negative") }
        // Without --now, time-gated checks use the current clock, as the chain would.
        let now = try optionalInt("--now") ?? Int64(Date().timeIntervalSince1970)
        return QuoteContext(now: now, epoch: UInt64(epoch ?? 0), slot: UInt64(slot ?? 0))
    }
    func pool() throws -> any PoolModel {
        guard let paths = values["--accounts"], !paths.isEmpty else { throw CommandError.usage("\(command): --accounts PATH... is required") }
        let address = try pubkey("--pool")
        let accounts = SnapshotQuoter.index(try AccountFile.loadAll(paths: paths))
        do { return try SnapshotQuoter.pool(address: address, accounts: accounts) } catch let e as QuoteError {
            throw CommandError.bad("\(e)")
        } catch let e as DecodeError {
            throw CommandError.bad("pool \(address): \(e)")
        }
    }
}
