import Foundation
import Geyser
import SolanaCore

/// A Subscribe request's account and slot filters, as the simulator matches them. Follows
/// Yellowstone's semantics (yellowstone-grpc-geyser `filters.rs`): one named account filter
/// matches an account when each of its non-empty parts does — the pubkey list, the owner list,
/// and every `memcmp`/`datasize` condition; an update lists the names of the filters it matched.
struct GeyserFilter: Sendable {
    struct Accounts: Sendable {
        var keys: Set<Pubkey> = []
        var owners: Set<Pubkey> = []
        var dataSize: Int?
        var memcmp: [(offset: Int, bytes: [UInt8])] = []

        func matches(_ a: AccountData) -> Bool {
            if !keys.isEmpty && !keys.contains(a.address) { return false }
            if !owners.isEmpty && !owners.contains(a.owner) { return false }
            if let n = dataSize, a.data.count != n { return false }
            for m in memcmp {
                guard m.offset >= 0, m.offset + m.bytes.count <= a.data.count else { return false }
                if !a.data[m.offset..<(m.offset + m.bytes.count)].elementsEqual(m.bytes) { return false }
            }
            return true
        }
    }

    /// Named account filters, sorted by name.
    var accounts: [(name: String, filter: Accounts)] = []
    /// Names of the slot filters (slot updates go to each).
    var slots: [String] = []

    /// Parses `request`'s filters; a bad pubkey or memcmp is the client's error (INVALID_ARGUMENT).
    init(_ request: Geyser_SubscribeRequest) throws(GeyserFilterError) {
        for (name, f) in request.accounts.sorted(by: { $0.key < $1.key }) {
            var parsed = Accounts()
            for k in f.account { parsed.keys.insert(try Self.key(k)) }
            for k in f.owner { parsed.owners.insert(try Self.key(k)) }
            for c in f.filters {
                switch c.filter {
                case .datasize(let n): parsed.dataSize = Int(clamping: n)
                case .memcmp(let m):
                    let bytes: [UInt8]
                    switch m.data {
                    case .bytes(let b): bytes = Array(b)
                    case .base58(let s):
                        guard let b = Base58.decode(s) else { throw .init("memcmp base58 '\(s.prefix(64))' does not decode") }
                        bytes = b
                    case .base64(let s):
                        guard let b = Data(base64Encoded: s).map({ [UInt8]($0) }) else {
                            throw .init("memcmp base64 '\(s.prefix(64))' does not decode")
                        }
                        bytes = b
                    case nil: throw .init("memcmp without data")
                    }
                    parsed.memcmp.append((Int(clamping: m.offset), bytes))
                case nil: throw .init("empty account filter condition")
                }
            }
            accounts.append((name, parsed))
        }
        slots = request.slots.keys.sorted()
    }

    /// Whether the request carries filters at all (a ping-only request keeps the old ones).
    static func hasFilters(_ request: Geyser_SubscribeRequest) -> Bool { !request.accounts.isEmpty || !request.slots.isEmpty }

    /// The names of the account filters `a` matches (empty: not sent).
    func names(_ a: AccountData) -> [String] { accounts.compactMap { $0.filter.matches(a) ? $0.name : nil } }

    private static func key(_ text: String) throws(GeyserFilterError) -> Pubkey {
        do { return try Pubkey(base58: text) } catch { throw .init("invalid pubkey '\(text.prefix(64))'") }
    }
}

struct GeyserFilterError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
