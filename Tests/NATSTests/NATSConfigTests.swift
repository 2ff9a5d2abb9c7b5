import Config
import NATSSync
import SolanaCore
import XCTest

/// `[nats]` in the config file: roles, secrets from the environment, `shard_of`, typed errors.
final class NATSConfigTests: XCTestCase {
    // Real mainnet pool addresses (config.example.toml, docs/dex-layouts.md §15).
    let pools = [
        "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2", "Czfq3xZZDmsdGdUyrNLtRhGc47cXcZtLG4crryfu44zE",
        "HJPjoWUrhoZzkNfRpHuieeFk9WcZWjwy6PBjZ81ngndJ", "7qbRF6YsyGuLUVs6Y1q64bdVrfe4ZcUUz1JRdoVNUJnm",
    ]

    func poolTables() -> String { pools.map { "[[pools]]\naddress = \"\($0)\"\n" }.joined(separator: "\n") }

    func testFollowerNeedsNoRPCAndReadsItsSettings() throws {
        let text = """
            [nats]
            urls = ["nats://10.0.0.1:4222", "10.0.0.2:4223"]
            follow = true
            token_env = "NATS_TOKEN"
            shard_deadline_seconds = 3

            \(poolTables())
            """
        let c = try ConfigLoader.parse(text, environment: ["NATS_TOKEN": "tok-123"])
        let n = try XCTUnwrap(c.nats)
        XCTAssertTrue(n.follow)
        XCTAssertFalse(n.publish)
        XCTAssertEqual(n.urls, ["nats://10.0.0.1:4222", "10.0.0.2:4223"])
        XCTAssertEqual(n.token, "tok-123")
        XCTAssertEqual(n.shardDeadlineSeconds, 3)
        XCTAssertTrue(c.ingest.endpoints.isEmpty)
        XCTAssertEqual(c.pools.count, 4)
        XCTAssertEqual(c.unknownKeys, [])
    }

    func testShardOfKeepsItsShareAndTheSharesPartitionThePools() throws {
        var kept: [Set<Pubkey>] = []
        for k in 0..<2 {
            let text = """
                [websocket]
                url = "ws://127.0.0.1:8900"
                [nats]
                urls = "nats://127.0.0.1:4222"
                publish = true
                shard = "s\(k)"
                shard_of = "\(k)/2"

                \(poolTables())
                """
            let c = try ConfigLoader.parse(text)
            XCTAssertEqual(c.nats?.shardOf, try PoolShard(index: k, count: 2))
            XCTAssertEqual(c.pools.count + c.poolsOnOtherShards, 4)
            kept.append(Set(c.pools.map(\.address)))
        }
        XCTAssertTrue(kept[0].isDisjoint(with: kept[1]))
        XCTAssertEqual(kept[0].union(kept[1]).count, 4)
    }

    func testBadNATSSettingsAreTypedErrorsWithTheKey() {
        let cases: [(String, String)] = [
            ("urls = [\"http://x:1\"]\npublish = true", "nats.urls"),
            ("urls = [\"nats://x:1\"]", "nats.publish"),
            ("urls = [\"nats://x:1\"]\npublish = true\nfollow = true", "nats.publish"),
            ("urls = [\"nats://x:1\"]\npublish = true\nshard = \"a.b\"", "nats.shard"),
            ("urls = [\"nats://x:1\"]\npublish = true\nshard_of = \"3/2\"", "nats.shard_of"),
            ("urls = [\"nats://x:1\"]\nfollow = true\nshard_of = \"0/2\"", "nats.shard_of"),
            ("urls = [\"nats://x:1\"]\npublish = true\ntoken_env = \"UNSET_NATS_TOKEN\"", "nats.token_env"),
            ("urls = [\"nats://x:1\"]\npublish = true\nheartbeat_seconds = 5\nshard_deadline_seconds = 2", "nats.shard_deadline_seconds"),
        ]
        for (body, key) in cases {
            let text = "[websocket]\nurl = \"ws://127.0.0.1:8900\"\n[nats]\n\(body)\n"
            XCTAssertThrowsError(try ConfigLoader.parse(text), body) { error in
                XCTAssertEqual((error as? ConfigError)?.key, key, "\(body): \(error)")
            }
        }
    }
}
