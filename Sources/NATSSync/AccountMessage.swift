import NATS
import SolanaCore

/// One account update as a bus message: the raw account bytes as the payload; slot, lamports,
/// the publisher's write order, its shard and the publish time in headers. Pure.
///
/// ```swift
/// let (subject, headers) = AccountMessage.encode(account, order: 7, shard: "a", publishedAtMs: now, subjects: subjects)
/// let decoded = try AccountMessage.decode(message, subjects: subjects)
/// ```
public enum AccountMessage {
    public static let slotHeader = "Spc-Slot"
    public static let lamportsHeader = "Spc-Lamports"
    public static let orderHeader = "Spc-Order"
    public static let shardHeader = "Spc-Shard"
    public static let timeHeader = "Spc-Time-Ms"

    public struct Decoded: Sendable, Equatable {
        public var account: AccountData
        public var order: UInt64
        public var shard: String
        public var publishedAtMs: Int64
    }

    public static func encode(_ a: AccountData, order: UInt64, shard: String, publishedAtMs: Int64, subjects: BusSubjects) -> (String, NATSHeaders) {
        let h = NATSHeaders([
            (slotHeader, String(a.slot)), (lamportsHeader, String(a.lamports)), (orderHeader, String(order)), (shardHeader, shard),
            (timeHeader, String(publishedAtMs)),
        ])
        return (subjects.account(owner: a.owner, address: a.address), h)
    }

    public static func decode(_ m: NATSMessage, subjects: BusSubjects) throws(AccountMessageError) -> Decoded {
        guard let (owner, address) = subjects.parseAccount(m.subject) else { throw .badSubject(String(m.subject.prefix(120))) }
        return try decode(m, owner: owner, address: address)
    }

    /// `decode` with the subject's keys already known (a follower caches them per subject: base58
    /// decoding two keys per message was most of its per-message cost).
    public static func decode(_ m: NATSMessage, owner: Pubkey, address: Pubkey) throws(AccountMessageError) -> Decoded {
        guard let h = m.headers else { throw .missingHeader(slotHeader) }
        func number(_ name: String) throws(AccountMessageError) -> UInt64 {
            guard let text = h[name] else { throw .missingHeader(name) }
            guard let v = UInt64(text) else { throw .badHeader(name, String(text.prefix(40))) }
            return v
        }
        let slot = try number(slotHeader)
        let lamports = try number(lamportsHeader)
        let order = try number(orderHeader)
        let time = try number(timeHeader)
        guard let shard = h[shardHeader], NATSEncoder.isValidToken(shard) else { throw .missingHeader(shardHeader) }
        return Decoded(
            account: AccountData(address: address, owner: owner, data: m.payload, lamports: lamports, slot: slot), order: order, shard: shard,
            publishedAtMs: Int64(clamping: time))
    }
}

/// Why a bus message is not an account update (counted, logged, skipped).
public enum AccountMessageError: Error, Equatable, CustomStringConvertible {
    case badSubject(String)
    case missingHeader(String)
    case badHeader(String, String)
    public var description: String {
        switch self {
        case .badSubject(let s): return "not an account subject: \(s)"
        case .missingHeader(let h): return "account message without a valid \(h) header"
        case .badHeader(let h, let v): return "account message header \(h) is not a number: \(v)"
        }
    }
}
