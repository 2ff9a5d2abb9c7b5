import NATS

/// `[nats]`: the cache as a shard publishing to a NATS JetStream cluster, or as a follower
/// reading it (docs/nats.md).
public struct NATSSettings: Sendable, Equatable {
    /// One server or every node of the cluster (`nats://host:port`).
    public var urls: [String]
    public var publish = false
    public var follow = false
    /// This publisher's name (subject `spc.shard.<shard>`, header `Spc-Shard`).
    public var shard = "default"
    /// `shard_of = "k/n"`: keep only the configured pools whose address hashes to k of n.
    public var shardOf: PoolShard?
    /// Resolved from the environment variables `token_env` / `user_env` / `password_env` name.
    public var token: String?
    public var user: String?
    public var password: String?
    /// The JetStream stream holding the last message of every account subject.
    public var stream = "SPC_ACCT"
    /// Stream replicas; nil: the cluster's size up to 3.
    public var replicas: Int?
    public var heartbeatSeconds = 1.0
    /// A follower marks a shard's pools `stale` when its heartbeat is older than this.
    public var shardDeadlineSeconds = 5.0
    /// Publish buffer: beyond it messages are dropped (counted, then republished from the store).
    public var maxPendingBytes = 8 << 20
    /// A published account message not acknowledged by JetStream within this is counted lost.
    public var ackTimeoutSeconds = 3.0
    /// Follower: accounts mirrored at most (beyond: counted as dropped, not held).
    public var maxAccounts = 2_000_000
    public var subjectPrefix = "spc"

    public init(urls: [String]) { self.urls = urls }
}

extension NATSSettings {
    /// Why `url` is not a NATS server URL (nil when it is one).
    public static func problem(url: String) -> String? {
        do {
            _ = try NATSEndpoint(url: url)
            return nil
        } catch { return error.description }
    }

    /// Shard names are subject tokens and JSON strings: letters, digits, `-` and `_`.
    public static func isValidShardName(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 64 && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }
}
