import Cache
import Config
import RPC
import SolanaCore
import XCTest

final class ConfigTests: XCTestCase {
    /// The original's sample config, verbatim from original-system.md (API key removed).
    static let originalSample = """
        [websocket]
        url = "wss://api.mainnet-beta.solana.com"      # the original put an API key in here

        [proxy]                                           # used for every connection when enabled
        enabled = false
        host = "127.0.0.1"
        port = 7890

        [database]                                        # the original: PostgreSQL, opportunities + performance
        enabled = true
        url = "postgresql://user:password@localhost:5432/postgres"
        record_opportunities = true
        record_pool_updates = false
        record_performance = true

        [router]                                          # the original's arbitrage settings
        mode = "complete"            # fast | complete | hybrid
        min_roi_percent = 0.3
        max_hops = 6

        [[pools]]
        address = "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2"
        name = "SOL/USDC (Raydium V4)"
        pool_type = "amm_v4"       # also clmm, whirlpool, meteora_dlmm, lifinity_v2, alphaq, solfi_v2, humidifi, goonfi, ...
        """

    func testOriginalSampleLoadsAsIs() throws {
        let c = try ConfigLoader.parse(Self.originalSample)
        XCTAssertEqual(c.ingest.endpoints.count, 1)
        XCTAssertEqual(c.ingest.endpoints[0].websocketURL, "wss://api.mainnet-beta.solana.com")
        XCTAssertEqual(c.ingest.endpoints[0].httpURL, "https://api.mainnet-beta.solana.com")
        XCTAssertNil(c.ingest.proxy)
        XCTAssertEqual(c.persistence.backend, .postgres(url: "postgresql://user:password@localhost:5432/postgres"))
        XCTAssertEqual(c.router.maxHops, 6)
        XCTAssertEqual(
            c.pools, [PoolConfig(address: Pubkey("58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2"), name: "SOL/USDC (Raydium V4)", poolType: "amm_v4")])
        XCTAssertEqual(c.api.host, "127.0.0.1")
        XCTAssertEqual(c.api.port, 3001)
        XCTAssertTrue(c.unknownKeys.isEmpty, "\(c.unknownKeys)")
    }

    func testShippedFilesLoad() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let env = ["SOLANA_WS_URL": "wss://rpc.example.invalid/?api-key=secret"]
        let example = try ConfigLoader.load(path: root.appendingPathComponent("config.example.toml").path, environment: env)
        XCTAssertEqual(example.pools.count, 16)
        XCTAssertEqual(example.rejectedPools, [])
        XCTAssertEqual(example.ingest.endpoints[0].websocketURL, "wss://rpc.example.invalid/?api-key=secret")
        XCTAssertEqual(example.persistence.backend, .sqlite(path: "solana-pool-cache.sqlite"))

        let original = try ConfigLoader.load(path: root.appendingPathComponent("config.original.toml").path, environment: env)
        XCTAssertEqual(original.pools.count, 12)
        XCTAssertEqual(
            original.rejectedPools.map(\.address), ["DrRd8gYMJu9XGxLhwTCPdHNLXCKHsxJtMpbn62YqmwQe", "5zvhFRN45j9oePohUQ739Z4UaSrgPoJ8NLaS2izFuX1j"])
        XCTAssertTrue(original.rejectedPools[0].reason.contains("Lifinity"), original.rejectedPools[0].reason)
        XCTAssertEqual(original.rejectedPools[0].index, 12)
        XCTAssertNotNil(original.rejectedPools[0].line)
        XCTAssertEqual(original.persistence.backend, .disabled)
    }

    func testEnvironmentSubstitutionEverywhere() throws {
        let text = """
            [websocket]
            url = "wss://rpc.example.invalid/?api-key=${RPC_KEY}"
            [rpc]
            http_url = "${HTTP_URL}"
            commitment = "processed"
            [proxy]
            enabled = true
            type = "socks5"
            host = "127.0.0.1"
            port = "${PROXY_PORT}"
            username = "u"
            password = "${PROXY_PASSWORD}"
            [api]
            port = "${API_PORT}"
            [database]
            url = "${DATABASE_URL}"
            """
        let c = try ConfigLoader.parse(
            text,
            environment: [
                "RPC_KEY": "k1", "HTTP_URL": "https://other.example.invalid", "PROXY_PORT": "1080",
                "PROXY_PASSWORD": "p@ss", "API_PORT": "4001", "DATABASE_URL": "postgresql://a@127.0.0.1/db",
            ])
        XCTAssertEqual(c.ingest.endpoints[0].websocketURL, "wss://rpc.example.invalid/?api-key=k1")
        XCTAssertEqual(c.ingest.endpoints[0].httpURL, "https://other.example.invalid")
        XCTAssertEqual(c.ingest.commitment, "processed")
        XCTAssertEqual(c.ingest.proxy, ProxySettings(kind: .socks5, host: "127.0.0.1", port: 1080, username: "u", password: "p@ss"))
        XCTAssertEqual(c.api.port, 4001)
        XCTAssertEqual(c.persistence.backend, .postgres(url: "postgresql://a@127.0.0.1/db"))
    }

    func testIngestTuning() throws {
        let base = "[websocket]\nurl = \"wss://rpc.example.invalid\"\n[ingest]\n"
        let c = try ConfigLoader.parse(
            base + "backoff_initial_seconds = 0.5\nbackoff_max_seconds = 60\nfailover_after_failures = 5\nsilence_deadline_seconds = 8\n",
            environment: [:])
        XCTAssertEqual(c.ingest.backoffInitialSeconds, 0.5)
        XCTAssertEqual(c.ingest.backoffMaxSeconds, 60)
        XCTAssertEqual(c.ingest.failoverAfterFailures, 5)
        XCTAssertEqual(c.ingest.silenceDeadlineSeconds, 8)
        for (bad, key) in [
            ("backoff_initial_seconds = 10\nbackoff_max_seconds = 1\n", "ingest.backoff_initial_seconds"),
            ("backoff_max_seconds = -1\n", "ingest.backoff_max_seconds"), ("failover_after_failures = 0\n", "ingest.failover_after_failures"),
        ] {
            XCTAssertThrowsError(try ConfigLoader.parse(base + bad, environment: [:])) { XCTAssertTrue("\($0)".contains(key), "\($0)") }
        }
    }

    func testIngestModeAndConnectionBudget() throws {
        let base = "[websocket]\nurl = \"wss://rpc.example.invalid\"\n[ingest]\n"
        let defaults = try ConfigLoader.parse(base, environment: [:])
        XCTAssertEqual(defaults.ingest.mode, .auto)
        XCTAssertEqual(defaults.ingest.maxConnections, 0, "no limit unless configured")
        let c = try ConfigLoader.parse(base + "mode = \"program\"\nmax_connections = 50\n", environment: [:])
        XCTAssertEqual(c.ingest.mode, .program)
        XCTAssertEqual(c.ingest.maxConnections, 50)
        XCTAssertEqual(try ConfigLoader.parse(base + "mode = \"accounts\"\n", environment: [:]).ingest.mode, .accounts)
        for (bad, key) in [("mode = \"programs\"\n", "ingest.mode"), ("max_connections = -1\n", "ingest.max_connections")] {
            XCTAssertThrowsError(try ConfigLoader.parse(base + bad, environment: [:])) { XCTAssertTrue("\($0)".contains(key), "\($0)") }
        }
    }

    func testTLSCAFile() throws {
        let ca = FileManager.default.temporaryDirectory.appendingPathComponent("ca-\(UUID().uuidString).pem")
        try "-----BEGIN CERTIFICATE-----\n".write(to: ca, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: ca) }
        let base = "[websocket]\nurl = \"wss://rpc.example.invalid\"\n[rpc]\n"
        let c = try ConfigLoader.parse(base + "tls_ca_file = \"${CA}\"\n", environment: ["CA": ca.path])
        XCTAssertEqual(c.ingest.tlsCAFile, ca.path)
        XCTAssertNil(try ConfigLoader.parse(base, environment: [:]).ingest.tlsCAFile)
        XCTAssertThrowsError(try ConfigLoader.parse(base + "tls_ca_file = \"/nonexistent/ca.pem\"\n", environment: [:])) { error in
            XCTAssertTrue("\(error)".contains("rpc.tls_ca_file"), "\(error)")
        }
    }

    func testMissingEnvironmentVariableNamesKeyAndLine() {
        let text = "# comment\n[websocket]\nurl = \"wss://x.example.invalid/${NOPE_KEY}\"\n"
        XCTAssertThrowsError(try ConfigLoader.parse(text, file: "c.toml", environment: [:])) { e in
            let err = e as! ConfigError
            XCTAssertEqual(err.line, 3)
            XCTAssertEqual(err.key, "websocket.url")
            XCTAssertTrue(err.description.hasPrefix("c.toml:3: websocket.url: environment variable NOPE_KEY is not set"), err.description)
        }
    }

    func testBadValuesNameKeyAndLine() {
        let base = "[websocket]\nurl = \"wss://a.example.invalid\"\n"
        let cases: [(String, String, Int)] = [
            (base + "[api]\nport = \"abc\"\n", "api.port", 4),
            (base + "[api]\nport = 70000\n", "api.port", 4),
            (base + "[proxy]\nenabled = true\nhost = \"h\"\nport = 1\ntype = \"ftp\"\n", "proxy.type", 7),
            (base + "[proxy]\nenabled = true\nhost = \"h\"\n", "proxy.port", 3),
            (base + "[rpc]\ncommitment = \"max\"\n", "rpc.commitment", 4),
            ("[websocket]\nurl = \"https://not-ws.example.invalid\"\n", "websocket.url", 2),
            ("[api]\nport = 1\n", "websocket.url", 0),
            (base + "[[pools]]\nname = \"no address\"\n", "pools[0].address", 3),
            (base + "[database]\nurl = \"mysql://x@y/z\"\n", "database.url", 4),
            (base + "[router]\nmax_hops = true\n", "router.max_hops", 4),
        ]
        for (text, key, line) in cases {
            XCTAssertThrowsError(try ConfigLoader.parse(text, file: "c.toml"), key) { e in
                guard let err = e as? ConfigError else { return XCTFail("\(e)") }
                XCTAssertEqual(err.key, key, err.description)
                XCTAssertEqual(err.line ?? 0, line, err.description)
            }
        }
    }

    func testSyntaxErrorAndDuplicateSectionGiveLine() {
        XCTAssertThrowsError(
            try ConfigLoader.parse("[websocket]\nurl = \"wss://a.example.invalid\"\n[proxy]\nport = 1\n[proxy]\nport = 2\n", file: "c.toml")
        ) { e in
            let err = e as! ConfigError
            XCTAssertEqual(err.line, 5, err.description)
            XCTAssertTrue(err.description.contains("TOML syntax error"), err.description)
        }
        XCTAssertThrowsError(try ConfigLoader.parse("[websocket\nurl = 1", file: "c.toml")) { e in
            XCTAssertEqual((e as! ConfigError).line, 1)
        }
    }

    func testBadPoolEntriesAreReportedPerPoolNotFatal() throws {
        let text = """
            [websocket]
            url = "ws://127.0.0.1:8900"

            [[pools]]
            address = "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2"
            pool_type = "amm_v4"

            [[pools]]
            address = "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo0"
            name = "corrupted"

            [[pools]]
            address = "DrRd8gYMJu9XGxLhwTCPdHNLXCKHsxJtMpbn62YqmwQe"
            pool_type = "lifinity_v2"

            [[pools]]
            address = "Czfq3xZZDmsdGdUyrNLtRhGc47cXcZtLG4crryfu44zE"
            pool_type = "banana_swap"

            [[pools]]
            address = "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2"
            name = "again"
            """
        let c = try ConfigLoader.parse(text)
        XCTAssertEqual(c.pools.map(\.address.base58), ["58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2"])
        XCTAssertEqual(c.rejectedPools.map(\.index), [1, 2, 3, 4])
        XCTAssertEqual(c.rejectedPools.map(\.line), [9, 13, 17, 21])
        guard c.rejectedPools.count == 4 else { return }
        XCTAssertTrue(c.rejectedPools[0].reason.contains("not a valid base58"))
        XCTAssertTrue(c.rejectedPools[1].reason.contains("prop AMM"))
        XCTAssertTrue(c.rejectedPools[2].reason.contains("unknown pool_type"))
        XCTAssertTrue(c.rejectedPools[3].reason.contains("duplicate of pools[0]"))
    }

    func testNewKeysEndpointsAndDefaults() throws {
        let text = """
            [websocket]
            url = "ws://127.0.0.1:8900"
            [[endpoints]]
            websocket_url = "wss://b.example.invalid"
            requests_per_second = 5
            [api]
            host = "127.0.0.2"
            max_connections = 10
            [surprise]
            key = 1
            """
        let c = try ConfigLoader.parse(text)
        XCTAssertEqual(c.ingest.endpoints.map(\.httpURL), ["http://127.0.0.1:8900", "https://b.example.invalid"])
        XCTAssertEqual(c.ingest.endpoints[1].requestsPerSecond, 5)
        XCTAssertEqual(c.api.host, "127.0.0.2")
        XCTAssertEqual(c.api.maxConnections, 10)
        XCTAssertEqual(c.unknownKeys, ["surprise"])
        XCTAssertEqual(c.persistence.backend, .sqlite(path: "solana-pool-cache.sqlite"))
    }

    func testRedactHidesSecrets() {
        XCTAssertFalse(Redact.url("wss://mainnet.helius-rpc.com/?api-key=SECRET").contains("SECRET"))
        XCTAssertFalse(Redact.url("postgresql://u:SECRET@h/db").contains("SECRET"))
    }
}
