import Foundation

/// What a server's `INFO` says that the client uses.
public struct NATSServerInfo: Sendable, Equatable {
    public var serverID = ""
    public var serverName = ""
    public var version = ""
    public var maxPayload = 1 << 20
    public var headers = false
    public var jetStream = false
    /// Client URLs of the cluster's servers (`host:port`), gossiped by the cluster.
    public var connectURLs: [String] = []
    public var authRequired = false

    public init() {}

    public init(json: String) throws(NATSError) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)), let o = object as? [String: Any] else {
            throw .badReply("INFO is not a JSON object")
        }
        serverID = o["server_id"] as? String ?? ""
        serverName = o["server_name"] as? String ?? ""
        version = o["version"] as? String ?? ""
        maxPayload = (o["max_payload"] as? NSNumber)?.intValue ?? maxPayload
        headers = o["headers"] as? Bool ?? false
        jetStream = o["jetstream"] as? Bool ?? false
        connectURLs = o["connect_urls"] as? [String] ?? []
        authRequired = o["auth_required"] as? Bool ?? false
    }
}
