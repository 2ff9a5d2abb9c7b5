import Arbitrage
import Cache
import Dex
import Foundation
import GeyserSource
import Ingest
import Persistence
import RPC
import Server
import SolanaCore
import TOMLKit

/// Reads the service's TOML config: the original's files as they are (`[websocket]`, `[proxy]`,
/// `[database]`, `[router]`, `[[pools]]`) plus optional new keys; `${ENV}` in any value.
///
/// ```swift
/// let config = try ConfigLoader.load(path: "config.toml")                 // reads the process environment
/// let same = try ConfigLoader.parse(text, file: "x.toml", environment: ["RPC_KEY": "…"])
/// ```
public enum ConfigLoader {
    /// `pool_type`s of the original that name programs we cannot price from account state.
    public static let unsupportedPoolTypes: [String: String] = [
        "lifinity_v2": "Lifinity v2 is an oracle-driven prop AMM: its price cannot be derived from vaults",
        "lifinity": "Lifinity is an oracle-driven prop AMM: its price cannot be derived from vaults",
        "alphaq": "AlphaQ is a prop AMM (closed program): not priceable from account state",
        "solfi_v2": "SolFi is a prop AMM (closed program): not priceable from account state",
        "solfi": "SolFi is a prop AMM (closed program): not priceable from account state",
        "humidifi": "HumidiFi is a prop AMM (closed program): not priceable from account state",
        "goonfi": "GoonFi is a prop AMM (closed program): not priceable from account state",
        "tessera": "TesseraV is a prop AMM (closed program): not priceable from account state",
        "tesserav": "TesseraV is a prop AMM (closed program): not priceable from account state",
        "phoenix": "Phoenix is an order book: not supported yet",
        "openbook": "OpenBook is an order book, not a pool",
    ]

    static let knownKeys: Set<String> = [
        "websocket", "websocket.url",
        "rpc", "rpc.http_url", "rpc.commitment", "rpc.requests_per_second", "rpc.tls_ca_file",
        "endpoints", "endpoints.url", "endpoints.websocket_url", "endpoints.http_url", "endpoints.requests_per_second",
        "proxy", "proxy.enabled", "proxy.type", "proxy.host", "proxy.port", "proxy.username", "proxy.password",
        "database", "database.enabled", "database.url", "database.path", "database.record_opportunities",
        "database.record_pool_updates", "database.record_performance", "database.record_accounts", "database.snapshot_interval_seconds",
        "router", "router.mode", "router.min_roi_percent", "router.max_hops",
        "api", "api.host", "api.port", "api.max_body_bytes", "api.max_uri_bytes", "api.max_connections", "api.max_stream_clients",
        "api.max_header_bytes", "api.header_timeout_seconds", "api.body_timeout_seconds", "api.idle_timeout_seconds",
        "api.stream_write_timeout_seconds", "api.auth_token", "api.allow_unauthenticated",
        "ingest", "ingest.stale_after_seconds", "ingest.max_subscriptions_per_connection", "ingest.ping_interval_seconds",
        "ingest.silence_deadline_seconds", "ingest.connect_timeout_seconds", "ingest.request_timeout_seconds",
        "ingest.backoff_initial_seconds", "ingest.backoff_max_seconds", "ingest.failover_after_failures", "ingest.mode", "ingest.max_connections",
        "pools", "pools.address", "pools.name", "pools.pool_type",
        "discovery", "discovery.mints", "discovery.dexes", "discovery.min_reserve_usd", "discovery.refresh_seconds", "discovery.usd_mints",
        "yellowstone", "yellowstone.endpoint", "yellowstone.x_token", "yellowstone.replay",
        "nats", "nats.urls", "nats.publish", "nats.follow", "nats.shard", "nats.shard_of", "nats.token_env", "nats.user_env",
        "nats.password_env", "nats.stream", "nats.subject_prefix", "nats.replicas", "nats.heartbeat_seconds", "nats.shard_deadline_seconds",
        "nats.max_pending_bytes", "nats.ack_timeout_seconds", "nats.max_accounts",
    ]

    /// `authToken`: the API token from the command line (`--token-env`), used instead of `api.auth_token`.
    public static func load(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment, authToken: String? = nil
    ) throws -> ServiceConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, line: nil, key: "", message: "cannot read the config file (missing or not readable)")
        }
        guard data.count <= 4 << 20 else { throw ConfigError(file: path, line: nil, key: "", message: "config file larger than 4 MiB") }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, line: nil, key: "", message: "config file is not UTF-8 text")
        }
        return try parse(text, file: path, environment: environment, authToken: authToken)
    }

    public static func parse(
        _ text: String, file: String = "config.toml", environment: [String: String] = [:], authToken: String? = nil
    ) throws -> ServiceConfig {
        try TOMLPrecheck.check(text, file: file)
        let root: TOMLTable
        do { root = try TOMLTable(string: text) } catch let e as TOMLParseError {
            throw ConfigError(file: file, line: e.source.begin.line, key: "", message: "TOML syntax error: \(e.description)")
        }
        var r = Reader(root: root, lines: KeyLines(text), file: file, environment: environment, authTokenOverride: authToken)
        return try r.read()
    }

    /// Walks the parsed table; every accessor names the key and line in its error.
    struct Reader {
        let root: TOMLTable
        let lines: KeyLines
        let file: String
        let environment: [String: String]
        let authTokenOverride: String?
        var unknown: [String] = []
        var unused: [UnusedKey] = []

        func fail(_ key: String, _ message: String) -> ConfigError {
            ConfigError(file: file, line: lines.line(of: key), key: key, message: message)
        }

        func table(_ name: String) throws -> TOMLTable? {
            guard let v = root[name] else { return nil }
            guard let t = v.table else { throw fail(name, "expected a table [\(name)], got \(v.type)") }
            return t
        }

        func string(_ t: TOMLTable?, _ key: String, at path: String) throws -> String? {
            guard let v = t?[key] else { return nil }
            guard let s = v.string else { throw fail(path, "expected a string, got \(v.type)") }
            do { return try EnvironmentSubstitution.apply(s, environment: environment) } catch let e as EnvironmentSubstitution.Failure {
                switch e {
                case .missing(let name): throw fail(path, "environment variable \(name) is not set (value \"${\(name)}\")")
                case .unterminated: throw fail(path, "unterminated \"${\" in value")
                case .badName(let name): throw fail(path, "\"${\(name)}\" is not a valid environment variable name")
                }
            }
        }

        func int(_ t: TOMLTable?, _ key: String, at path: String, range: ClosedRange<Int>) throws -> Int? {
            guard let v = t?[key] else { return nil }
            let n: Int?
            if let i = v.int {
                n = i
            } else if v.string != nil, let s = try string(t, key, at: path) {
                n = Int(s.trimmingCharacters(in: .whitespaces))
            } else {
                n = nil
            }
            guard let value = n, range.contains(value) else {
                throw fail(
                    path, "expected an integer in \(range.lowerBound)…\(range.upperBound), got \(v.string.map { "\"\($0)\"" } ?? v.debugDescription)")
            }
            return value
        }

        func double(_ t: TOMLTable?, _ key: String, at path: String, range: ClosedRange<Double>) throws -> Double? {
            guard let v = t?[key] else { return nil }
            let n: Double?
            if let d = v.double {
                n = d
            } else if let i = v.int {
                n = Double(i)
            } else if v.string != nil, let s = try string(t, key, at: path) {
                n = Double(s)
            } else {
                n = nil
            }
            guard let value = n, value.isFinite, range.contains(value) else {
                throw fail(
                    path, "expected a number in \(range.lowerBound)…\(range.upperBound), got \(v.string.map { "\"\($0)\"" } ?? v.debugDescription)")
            }
            return value
        }

        func bool(_ t: TOMLTable?, _ key: String, at path: String) throws -> Bool? {
            guard let v = t?[key] else { return nil }
            if let b = v.bool { return b }
            if v.string != nil, let s = try string(t, key, at: path) {
                switch s.lowercased() {
                case "true", "1", "yes": return true;
                case "false", "0", "no": return false;
                default: break
                }
            }
            throw fail(path, "expected true or false, got \(v.string.map { "\"\($0)\"" } ?? v.debugDescription)")
        }

        func url(_ s: String, _ path: String, schemes: [String]) throws -> String {
            guard let u = URL(string: s), let scheme = u.scheme?.lowercased(), schemes.contains(scheme), u.host?.isEmpty == false else {
                throw fail(path, "expected a \(schemes.joined(separator: "/")):// URL, got \"\(Redact.url(s))\"")
            }
            return s
        }

        mutating func noteUnknown(_ t: TOMLTable, prefix: String, pattern: String) {
            for key in t.keys where !ConfigLoader.knownKeys.contains("\(pattern).\(key)") {
                unknown.append(prefix.isEmpty ? key : "\(prefix).\(key)")
            }
        }

        mutating func read() throws -> ServiceConfig {
            for key in root.keys where !ConfigLoader.knownKeys.contains(key) { unknown.append(key) }

            // Endpoints: [websocket] url (+ [rpc]), then any [[endpoints]].
            var endpoints: [IngestConfig.Endpoint] = []
            let ws = try table("websocket")
            let rpc = try table("rpc")
            if let ws { noteUnknown(ws, prefix: "websocket", pattern: "websocket") }
            if let rpc { noteUnknown(rpc, prefix: "rpc", pattern: "rpc") }
            let rps = try double(rpc, "requests_per_second", at: "rpc.requests_per_second", range: 0.1...10_000) ?? 10
            if let wsURL = try string(ws, "url", at: "websocket.url") {
                let checked = try url(wsURL, "websocket.url", schemes: ["ws", "wss"])
                let http = try string(rpc, "http_url", at: "rpc.http_url").map { try url($0, "rpc.http_url", schemes: ["http", "https"]) }
                endpoints.append(.init(websocketURL: checked, httpURL: http, requestsPerSecond: rps))
            }
            if let list = root["endpoints"] {
                guard let array = list.array else { throw fail("endpoints", "expected [[endpoints]] tables, got \(list.type)") }
                for i in 0..<array.count {
                    let p = "endpoints[\(i)]"
                    guard let t = array[i].table else { throw fail(p, "expected a table") }
                    noteUnknown(t, prefix: p, pattern: "endpoints")
                    guard let w = try string(t, "websocket_url", at: "\(p).websocket_url") ?? string(t, "url", at: "\(p).url") else {
                        throw fail(p, "missing websocket_url")
                    }
                    let checked = try url(w, "\(p).websocket_url", schemes: ["ws", "wss"])
                    let http = try string(t, "http_url", at: "\(p).http_url").map { try url($0, "\(p).http_url", schemes: ["http", "https"]) }
                    let r = try double(t, "requests_per_second", at: "\(p).requests_per_second", range: 0.1...10_000) ?? rps
                    endpoints.append(.init(websocketURL: checked, httpURL: http, requestsPerSecond: r))
                }
            }
            let nats = try readNATS()
            // A follower takes every account from NATS: it needs no RPC endpoint of its own.
            guard !endpoints.isEmpty || nats?.follow == true else {
                throw fail("websocket.url", "missing: set [websocket] url (or at least one [[endpoints]])")
            }
            var ingest = IngestConfig(endpoints: endpoints)
            if let c = try string(rpc, "commitment", at: "rpc.commitment") {
                guard ["processed", "confirmed", "finalized"].contains(c) else {
                    throw fail("rpc.commitment", "expected processed, confirmed or finalized, got \"\(c)\"")
                }
                ingest.commitment = c
            }
            // A private CA (self-signed node, TLS-inspecting proxy), trusted besides the system roots.
            if let ca = try string(rpc, "tls_ca_file", at: "rpc.tls_ca_file") {
                guard FileManager.default.isReadableFile(atPath: ca) else { throw fail("rpc.tls_ca_file", "no readable file at \(ca)") }
                ingest.tlsCAFile = ca
            }

            // [proxy]: the original's enabled/host/port; new type/username/password.
            if let proxy = try table("proxy") {
                noteUnknown(proxy, prefix: "proxy", pattern: "proxy")
                if try bool(proxy, "enabled", at: "proxy.enabled") ?? true {
                    let kindText = try string(proxy, "type", at: "proxy.type") ?? "http"
                    guard let kind = ProxySettings.Kind(rawValue: kindText.lowercased()) else {
                        throw fail("proxy.type", "expected \"http\" or \"socks5\", got \"\(kindText)\"")
                    }
                    guard let host = try string(proxy, "host", at: "proxy.host"), !host.isEmpty else {
                        throw fail("proxy.host", "missing (proxy is enabled)")
                    }
                    guard let port = try int(proxy, "port", at: "proxy.port", range: 1...65_535) else {
                        throw fail("proxy.port", "missing (proxy is enabled)")
                    }
                    ingest.proxy = .init(
                        kind: kind, host: host, port: port,
                        username: try string(proxy, "username", at: "proxy.username"),
                        password: try string(proxy, "password", at: "proxy.password"))
                }
            }

            if let t = try table("ingest") {
                noteUnknown(t, prefix: "ingest", pattern: "ingest")
                // `[ingest]` keys in the order they are checked: name, field, accepted range.
                enum Field {
                    case seconds(WritableKeyPath<IngestConfig, Double>, ClosedRange<Double>)
                    case count(WritableKeyPath<IngestConfig, Int>, ClosedRange<Int>)
                }
                let fields: [(String, Field)] = [
                    ("stale_after_seconds", .seconds(\.staleAfterSeconds, 1...86_400)),
                    ("max_subscriptions_per_connection", .count(\.maxSubscriptionsPerConnection, 1...10_000)),
                    ("ping_interval_seconds", .seconds(\.pingIntervalSeconds, 0.1...3_600)),
                    ("silence_deadline_seconds", .seconds(\.silenceDeadlineSeconds, 0.1...3_600)),
                    ("connect_timeout_seconds", .seconds(\.connectTimeoutSeconds, 0.1...600)),
                    ("request_timeout_seconds", .seconds(\.requestTimeoutSeconds, 0.1...600)),
                    ("backoff_initial_seconds", .seconds(\.backoffInitialSeconds, 0.01...600)),
                    ("backoff_max_seconds", .seconds(\.backoffMaxSeconds, 0.01...3_600)),
                    ("failover_after_failures", .count(\.failoverAfterFailures, 1...1_000)),
                    ("max_connections", .count(\.maxConnections, 0...100_000)),
                ]
                for (key, field) in fields {
                    switch field {
                    case let .seconds(path, range): if let v = try double(t, key, at: "ingest.\(key)", range: range) { ingest[keyPath: path] = v }
                    case let .count(path, range): if let v = try int(t, key, at: "ingest.\(key)", range: range) { ingest[keyPath: path] = v }
                    }
                }
                if let m = try string(t, "mode", at: "ingest.mode") {
                    guard let mode = IngestMode(rawValue: m) else {
                        throw fail("ingest.mode", "expected \"auto\", \"accounts\" or \"program\", got \"\(m)\"")
                    }
                    ingest.mode = mode
                }
                guard ingest.backoffInitialSeconds <= ingest.backoffMaxSeconds else {
                    throw fail("ingest.backoff_initial_seconds", "must not exceed ingest.backoff_max_seconds (\(ingest.backoffMaxSeconds))")
                }
            }

            var api = APISettings()
            if let t = try table("api") {
                noteUnknown(t, prefix: "api", pattern: "api")
                if let h = try string(t, "host", at: "api.host") {
                    guard !h.isEmpty, h.count <= 253 else { throw fail("api.host", "expected a host name or IP address") }
                    api.host = h
                }
                if let p = try int(t, "port", at: "api.port", range: 0...65_535) { api.port = p }
                if let v = try int(t, "max_body_bytes", at: "api.max_body_bytes", range: 1_024...(64 << 20)) { api.maxBodyBytes = v }
                if let v = try int(t, "max_uri_bytes", at: "api.max_uri_bytes", range: 256...(1 << 20)) { api.maxURIBytes = v }
                if let v = try int(t, "max_connections", at: "api.max_connections", range: 1...100_000) { api.maxConnections = v }
                if let v = try int(t, "max_stream_clients", at: "api.max_stream_clients", range: 0...100_000) { api.maxStreamClients = v }
                if let v = try int(t, "max_header_bytes", at: "api.max_header_bytes", range: 1_024...(1 << 20)) { api.maxHeaderBytes = v }
                if let v = try double(t, "header_timeout_seconds", at: "api.header_timeout_seconds", range: 0.1...3_600) {
                    api.headerTimeoutSeconds = v
                }
                if let v = try double(t, "body_timeout_seconds", at: "api.body_timeout_seconds", range: 0.1...3_600) { api.bodyTimeoutSeconds = v }
                if let v = try double(t, "idle_timeout_seconds", at: "api.idle_timeout_seconds", range: 0.1...86_400) { api.idleTimeoutSeconds = v }
                if let v = try double(t, "stream_write_timeout_seconds", at: "api.stream_write_timeout_seconds", range: 0.1...3_600) {
                    api.streamWriteTimeoutSeconds = v
                }
                if let token = try string(t, "auth_token", at: "api.auth_token") {
                    guard token.utf8.count >= 16, !token.contains(where: \.isWhitespace) else {
                        throw fail(
                            "api.auth_token", "expected at least 16 characters without spaces (put it in the environment: \"${SPC_API_TOKEN}\")")
                    }
                    api.authToken = token
                }
                api.allowUnauthenticated = try bool(t, "allow_unauthenticated", at: "api.allow_unauthenticated") ?? false
            }
            if let t = authTokenOverride { api.authToken = t }
            // Other machines can reach a non-loopback listener: without a token, only by explicit choice.
            if !api.listensOnLoopbackOnly && api.authToken == nil && !api.allowUnauthenticated {
                throw fail(
                    "api.auth_token",
                    "the API listens on \(api.host), which other machines can reach: set api.auth_token (e.g. \"${SPC_API_TOKEN}\") or api.allow_unauthenticated = true"
                )
            }

            var persistence = PersistenceSettings()
            if let db = try table("database") {
                noteUnknown(db, prefix: "database", pattern: "database")
                let enabled = try bool(db, "enabled", at: "database.enabled") ?? true
                let url = try string(db, "url", at: "database.url")
                let path = try string(db, "path", at: "database.path")
                if !enabled {
                    persistence.backend = .disabled
                } else if let url, !url.isEmpty {
                    guard let u = URL(string: url), ["postgres", "postgresql"].contains(u.scheme?.lowercased() ?? ""), u.host != nil else {
                        throw fail("database.url", "expected a postgresql:// URL, got \"\(Redact.url(url))\"")
                    }
                    persistence.backend = .postgres(url: url)
                } else if let path {
                    guard !path.isEmpty else { throw fail("database.path", "must not be empty") }
                    persistence.backend = .sqlite(path: path)
                }
                persistence.recordOpportunities = try bool(db, "record_opportunities", at: "database.record_opportunities") ?? true
                persistence.recordAccounts = try bool(db, "record_accounts", at: "database.record_accounts") ?? true
                // The original's per-update and performance tables do not exist here: validated, then warned about.
                for key in ["record_pool_updates", "record_performance"] {
                    if try bool(db, key, at: "database.\(key)") != nil {
                        unused.append(UnusedKey(key: "database.\(key)", reason: "read but not used: this version records no such table"))
                    }
                }
                if let v = try double(db, "snapshot_interval_seconds", at: "database.snapshot_interval_seconds", range: 0.1...3_600) {
                    persistence.snapshotIntervalSeconds = v
                }
            }

            var router = RouterSettings()
            if let t = try table("router") {
                noteUnknown(t, prefix: "router", pattern: "router")
                if let m = try string(t, "mode", at: "router.mode") {
                    guard ["fast", "complete", "hybrid"].contains(m) else {
                        throw fail("router.mode", "expected fast, complete or hybrid, got \"\(m)\"")
                    }
                    router.mode = m
                    unused.append(UnusedKey(key: "router.mode", reason: RouterSettings.modeIgnoredReason))
                }
                if let v = try double(t, "min_roi_percent", at: "router.min_roi_percent", range: 0...1_000) { router.minROIPercent = v }
                if let v = try int(t, "max_hops", at: "router.max_hops", range: Int.min...Int.max) {
                    // Rejected rather than clamped: a 6 read as 4 would silently search less than asked.
                    let r = RouterSettings.supportedMaxHops
                    guard r.contains(v) else {
                        throw fail(
                            "router.max_hops",
                            "expected an integer in \(r.lowerBound)…\(r.upperBound) (cycle lengths the arbitrage search supports), got \(v)")
                    }
                    router.maxHops = v
                }
            }

            let yellowstone = try readYellowstone()
            var (pools, rejected) = try readPools()
            var otherShards = 0
            if let split = nats?.shardOf {
                let all = pools.count
                pools = pools.filter { split.owns($0.address) }
                otherShards = all - pools.count
            }
            var config = ServiceConfig(
                ingest: ingest, pools: pools, rejectedPools: rejected, api: api, persistence: persistence,
                router: router, discovery: try readDiscovery(), unknownKeys: unknown, unusedKeys: unused, yellowstone: yellowstone)
            config.nats = nats
            config.poolsOnOtherShards = otherShards
            return config
        }

        /// `[discovery]`: at least two distinct valid mints; `dexes` by their `pool_type` names.
        mutating func readDiscovery() throws -> DiscoverySettings? {
            guard let t = try table("discovery") else { return nil }
            noteUnknown(t, prefix: "discovery", pattern: "discovery")
            func mints(_ key: String) throws -> [Pubkey]? {
                guard let list = try strings(t, key, at: "discovery.\(key)") else { return nil }
                return try list.enumerated().map { i, text in
                    guard let k = try? Pubkey(base58: text.trimmingCharacters(in: .whitespaces)) else {
                        throw fail("discovery.\(key)", "entry \(i) \"\(String(text.prefix(60)))\" is not a valid base58 public key")
                    }
                    return k
                }
            }
            guard let list = try mints("mints"), Set(list).count >= 2 else {
                throw fail("discovery.mints", "expected a list of at least two distinct mints (pools are found by both of their mints)")
            }
            var d = DiscoverySettings(mints: list)
            if let names = try strings(t, "dexes", at: "discovery.dexes") {
                d.dexes = Set(
                    try names.map { n in
                        guard let kind = PoolConfig.dex(forPoolType: n.lowercased()) else {
                            throw fail("discovery.dexes", "unknown dex \"\(n)\"; one of \(DexKind.allCases.map(\.rawValue).joined(separator: ", "))")
                        }
                        return kind
                    })
                guard !(d.dexes?.isEmpty ?? true) else { throw fail("discovery.dexes", "must not be empty (omit it to search every DEX)") }
            }
            if let v = try double(t, "min_reserve_usd", at: "discovery.min_reserve_usd", range: 0...1e15) { d.minReserveUSD = v }
            if let v = try double(t, "refresh_seconds", at: "discovery.refresh_seconds", range: 1...86_400) { d.refreshSeconds = v }
            if let usd = try mints("usd_mints") { d.usdMints = Set(usd) }
            return d
        }

        func strings(_ t: TOMLTable, _ key: String, at path: String) throws -> [String]? {
            guard let v = t[key] else { return nil }
            guard let array = v.array else { throw fail(path, "expected a list of strings, got \(v.type)") }
            guard array.count <= 10_000 else { throw fail(path, "more than 10000 entries") }
            return try (0..<array.count).map { i in
                guard let s = array[i].string else { throw fail(path, "entry \(i) is not a string") }
                return s
            }

        }

        /// `[yellowstone]`: the gRPC account stream; `x_token` only as `${ENV}` (a secret in no file).
        mutating func readYellowstone() throws -> YellowstoneConfig? {
            guard let t = try table("yellowstone") else { return nil }
            noteUnknown(t, prefix: "yellowstone", pattern: "yellowstone")
            guard let endpoint = try string(t, "endpoint", at: "yellowstone.endpoint"), !endpoint.isEmpty else {
                throw fail("yellowstone.endpoint", "missing (an http:// or https:// gRPC endpoint)")
            }
            var config = YellowstoneConfig(endpoint: try url(endpoint, "yellowstone.endpoint", schemes: ["http", "https"]))
            if let raw = t["x_token"]?.string {
                guard raw.hasPrefix("${"), raw.hasSuffix("}") else {
                    throw fail("yellowstone.x_token", "must name an environment variable (\"${NAME}\"), not hold the token")
                }
                config.xToken = try string(t, "x_token", at: "yellowstone.x_token")
            }
            if let replay = try bool(t, "replay", at: "yellowstone.replay") { config.replay = replay }
            return config
        }

        /// Bad `[[pools]]` entries are collected per pool (the original shipped dead and mistyped
        /// ones); only a structurally broken list (not tables, no address) stops the start.
        mutating func readPools() throws -> ([PoolConfig], [RejectedPool]) {
            guard let list = root["pools"] else { return ([], []) }
            guard let array = list.array else { throw fail("pools", "expected [[pools]] tables, got \(list.type)") }
            guard array.count <= 100_000 else { throw fail("pools", "more than 100000 pools") }
            var accepted: [PoolConfig] = []
            var rejected: [RejectedPool] = []
            var seen: [Pubkey: Int] = [:]
            for i in 0..<array.count {
                let p = "pools[\(i)]"
                guard let t = array[i].table else { throw fail(p, "expected a table") }
                noteUnknown(t, prefix: p, pattern: "pools")
                guard let addressText = try string(t, "address", at: "\(p).address") else { throw fail("\(p).address", "missing") }
                let name = try string(t, "name", at: "\(p).name")
                let type = try string(t, "pool_type", at: "\(p).pool_type")
                func reject(_ why: String) {
                    rejected.append(
                        RejectedPool(index: i, line: lines.line(of: "\(p).address"), address: addressText, name: name, poolType: type, reason: why))
                }
                let trimmed = addressText.trimmingCharacters(in: .whitespaces)
                guard let address = try? Pubkey(base58: trimmed) else {
                    reject("address \"\(String(addressText.prefix(60)))\" is not a valid base58 public key (32 bytes)")
                    continue
                }
                if let type {
                    let key = type.lowercased()
                    if let why = ConfigLoader.unsupportedPoolTypes[key] { reject("pool_type \"\(type)\": \(why)"); continue }
                    if PoolConfig.dex(forPoolType: key) == nil { reject("unknown pool_type \"\(type)\""); continue }
                }
                if let first = seen[address] { reject("duplicate of pools[\(first)]"); continue }
                seen[address] = i
                accepted.append(PoolConfig(address: address, name: name, poolType: type))
            }
            return (accepted, rejected)
        }
    }
}
