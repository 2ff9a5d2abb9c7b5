import NATS
import SolanaCore

/// The subjects the cache publishes on, under one prefix (`spc`):
/// `spc.acct.<owner>.<pubkey>` (raw account bytes, kept in JetStream, last per subject),
/// `spc.pool.<dex>.<pool>` (the `/v1/pools/:id` JSON), `spc.opp.<input mint>` (an opportunity),
/// `spc.shard.<name>` (a shard's heartbeat).
public struct BusSubjects: Sendable, Equatable {
    public let prefix: String

    public init(prefix: String = "spc") { self.prefix = prefix }

    public func account(owner: Pubkey, address: Pubkey) -> String { "\(prefix).acct.\(owner.base58).\(address.base58)" }
    public var accounts: String { "\(prefix).acct.>" }
    public func pool(dex: String, address: Pubkey) -> String { "\(prefix).pool.\(dex).\(address.base58)" }
    public func opportunity(inputMint: Pubkey) -> String { "\(prefix).opp.\(inputMint.base58)" }
    public func shard(_ name: String) -> String { "\(prefix).shard.\(name)" }
    public var shards: String { "\(prefix).shard.*" }

    /// (owner, address) of an account subject; nil for any other subject or a bad key.
    public func parseAccount(_ subject: String) -> (owner: Pubkey, address: Pubkey)? {
        let t = subject.split(separator: ".", omittingEmptySubsequences: false)
        let p = prefix.split(separator: ".", omittingEmptySubsequences: false).count
        guard t.count == p + 3, t[p] == "acct", let owner = try? Pubkey(base58: String(t[p + 1])),
            let address = try? Pubkey(base58: String(t[p + 2]))
        else { return nil }
        return (owner, address)
    }

    /// The shard name of a heartbeat subject.
    public func parseShard(_ subject: String) -> String? {
        let head = "\(prefix).shard."
        guard subject.hasPrefix(head) else { return nil }
        let name = String(subject.dropFirst(head.count))
        return NATSEncoder.isValidToken(name) ? name : nil
    }
}
