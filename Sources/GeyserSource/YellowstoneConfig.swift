import Foundation
import RPC

/// The `[yellowstone]` table: a Yellowstone gRPC (Geyser `Subscribe`) endpoint that streams the
/// followed accounts instead of PubSub. Timeouts, backoff, the proxy, the commitment and the
/// CA file come from the `[ingest]`/`[rpc]` settings (`IngestConfig`); the JSON-RPC endpoints
/// still serve the `getMultipleAccounts` snapshot reads.
///
/// ```toml
/// [yellowstone]
/// endpoint = "https://grpc.example.com:443"
/// x_token = "${YELLOWSTONE_X_TOKEN}"
/// ```
public struct YellowstoneConfig: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// `http://host:port` (h2c, plaintext) or `https://host:port` (TLS, ALPN h2).
    public var endpoint: String
    /// Sent as the `x-token` metadata on every call; from the environment only, never logged.
    public var xToken: String?
    /// Ask the server to replay from the last slot seen after a reconnect (`from_slot`) when it
    /// offers that (`SubscribeReplayInfo`); false always re-snapshots with `getMultipleAccounts`.
    public var replay = true
    public init(endpoint: String, xToken: String? = nil, replay: Bool = true) {
        self.endpoint = endpoint; self.xToken = xToken; self.replay = replay
    }
    /// The endpoint's scheme://host:port and whether a token is set, never the token.
    public var description: String {
        "yellowstone \(Redact.endpoint(endpoint)) x_token=\(xToken == nil ? "none" : "***") replay=\(replay)"
    }
    public var debugDescription: String { description }
}
