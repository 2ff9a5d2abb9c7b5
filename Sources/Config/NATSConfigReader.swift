import NATSSync

extension ConfigLoader.Reader {
    /// `[nats]`: the shard publisher (`publish`) or the follower (`follow`); secrets only by the
    /// name of an environment variable (`token_env`, `user_env`, `password_env`).
    mutating func readNATS() throws -> NATSSettings? {
        guard let t = try table("nats") else { return nil }
        noteUnknown(t, prefix: "nats", pattern: "nats")
        let urls: [String]
        if let one = t["urls"]?.string {
            urls = [one]
        } else {
            urls = try strings(t, "urls", at: "nats.urls") ?? []
        }
        guard !urls.isEmpty else { throw fail("nats.urls", "missing: one nats://host:port, or every node of the cluster") }
        for u in urls {
            if let why = NATSSettings.problem(url: u) { throw fail("nats.urls", why) }
        }
        var n = NATSSettings(urls: urls)
        n.publish = try bool(t, "publish", at: "nats.publish") ?? false
        n.follow = try bool(t, "follow", at: "nats.follow") ?? false
        guard n.publish != n.follow else {
            throw fail("nats.publish", "set exactly one of publish = true (a shard) or follow = true (a follower)")
        }
        if let s = try string(t, "shard", at: "nats.shard") {
            guard NATSSettings.isValidShardName(s) else {
                throw fail("nats.shard", "expected 1-64 letters, digits, '-' or '_', got \"\(s.prefix(70))\"")
            }
            n.shard = s
        }
        if let s = try string(t, "shard_of", at: "nats.shard_of") {
            guard n.publish else { throw fail("nats.shard_of", "only a publisher (publish = true) splits the pools") }
            do { n.shardOf = try PoolShard(parsing: s) } catch { throw fail("nats.shard_of", error.description) }
        }
        func secret(_ key: String) throws -> String? {
            guard let name = try string(t, key, at: "nats.\(key)") else { return nil }
            guard let value = environment[name], !value.isEmpty else {
                throw fail("nats.\(key)", "environment variable \(name) is not set")
            }
            return value
        }
        n.token = try secret("token_env")
        n.user = try secret("user_env")
        n.password = try secret("password_env")
        if let s = try string(t, "stream", at: "nats.stream") {
            guard NATSSettings.isValidShardName(s) else { throw fail("nats.stream", "expected 1-64 letters, digits, '-' or '_'") }
            n.stream = s
        }
        if let s = try string(t, "subject_prefix", at: "nats.subject_prefix") {
            guard NATSSettings.isValidShardName(s) else {
                throw fail("nats.subject_prefix", "expected one subject token (letters, digits, '-', '_')")
            }
            n.subjectPrefix = s
        }
        n.replicas = try int(t, "replicas", at: "nats.replicas", range: 1...5)
        if let v = try double(t, "heartbeat_seconds", at: "nats.heartbeat_seconds", range: 0.05...60) { n.heartbeatSeconds = v }
        if let v = try double(t, "shard_deadline_seconds", at: "nats.shard_deadline_seconds", range: 0.2...3_600) { n.shardDeadlineSeconds = v }
        guard n.shardDeadlineSeconds > n.heartbeatSeconds else {
            throw fail("nats.shard_deadline_seconds", "must exceed nats.heartbeat_seconds (\(n.heartbeatSeconds))")
        }
        if let v = try int(t, "max_pending_bytes", at: "nats.max_pending_bytes", range: (64 << 10)...(1 << 30)) { n.maxPendingBytes = v }
        if let v = try double(t, "ack_timeout_seconds", at: "nats.ack_timeout_seconds", range: 0.1...600) { n.ackTimeoutSeconds = v }
        if let v = try int(t, "max_accounts", at: "nats.max_accounts", range: 1...100_000_000) { n.maxAccounts = v }
        return n
    }
}
