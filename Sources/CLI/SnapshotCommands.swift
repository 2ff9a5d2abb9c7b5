import Dex
import Foundation
import PoolMath
import Soak
import SolanaCore

/// What the offline commands `decode`, `quote`, `price` print. Each returns the text to print (one
/// JSON object per line) or throws a `CommandError` whose description is the one line printed on
/// stderr. Pure apart from reading the given files.
///
/// ```swift
/// let model = try SnapshotQuoter.pool(address: pool, accounts: SnapshotQuoter.index(try AccountFile.loadAll(paths: ["snapshots"])))
/// let out = try SnapshotCommands.quote(model, inputMint: sol, amountIn: 1_000_000_000, context: QuoteContext(now: 1_783_355_400))
/// ```
public enum SnapshotCommands {
    public static func decode(_ paths: [String]) throws -> String {
        guard !paths.isEmpty else { throw CommandError.usage("decode FILE... (account JSON or saved getAccountInfo/getMultipleAccounts answers)") }
        var lines: [String] = []
        for path in paths {
            let loaded = try AccountFile.load(path: path)
            if loaded.isEmpty { throw CommandError.bad("\(path): no account in file (value is null)") }
            for item in loaded {
                let decoded: DecodedAccount
                do { decoded = try AccountRegistry.decode(item.account) } catch let e as DecodeError {
                    throw CommandError.bad("\(path): \(item.address?.base58 ?? "account"): \(e)")
                }
                lines.append(
                    JSONText.object([
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

    public static func quote(_ pool: any PoolModel, inputMint: Pubkey, amountIn amount: UInt64, context: QuoteContext) throws -> String {
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
            pairs.append(
                (
                    "partial",
                    .object([
                        ("filled_in", .string(String(p.filledIn))),
                        ("next_missing_account", p.nextMissingAccount.map { .string($0.base58) } ?? .null),
                        ("reason", .string(p.reason)),
                    ])
                ))
        }
        return JSONText.object(pairs).rendered
    }

    public static func price(_ pool: any PoolModel, context: QuoteContext) throws -> String {
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
