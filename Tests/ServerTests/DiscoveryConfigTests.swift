import Config
import Dex
import Ingest
import SolanaCore
import XCTest

/// `[discovery]` in the TOML file: what is accepted, and a one-line error naming the key for the rest.
final class DiscoveryConfigTests: XCTestCase {
    let head = """
        [websocket]
        url = "ws://127.0.0.1:8900"

        """

    func testDiscoveryTableIsRead() throws {
        let c = try ConfigLoader.parse(
            head + """
                [discovery]
                mints = ["So11111111111111111111111111111111111111112", "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"]
                dexes = ["amm_v4", "whirlpool", "meteora-dlmm"]
                min_reserve_usd = 25000
                refresh_seconds = 120
                """)
        let d = try XCTUnwrap(c.discovery)
        XCTAssertEqual(d.mints, [KnownMints.wsol, KnownMints.usdc])
        XCTAssertEqual(d.dexes, [.raydiumAmmV4, .orcaWhirlpool, .meteoraDlmm])
        XCTAssertEqual(d.minReserveUSD, 25_000)
        XCTAssertEqual(d.refreshSeconds, 120)
        XCTAssertEqual(d.usdMints, [KnownMints.usdc, KnownMints.usdt])
        XCTAssertTrue(c.unknownKeys.isEmpty, "\(c.unknownKeys)")
        XCTAssertTrue(c.pools.isEmpty, "discovery needs no [[pools]]")
        XCTAssertNil(try ConfigLoader.parse(head).discovery, "absent table: no discovery")
    }

    func testBadDiscoveryValuesNameTheKey() {
        let cases: [(String, String)] = [
            (#"mints = ["So11111111111111111111111111111111111111112"]"#, "discovery.mints"),
            (#"mints = ["So11111111111111111111111111111111111111112", "So11111111111111111111111111111111111111112"]"#, "discovery.mints"),
            (#"mints = ["So11111111111111111111111111111111111111112", "not-a-key"]"#, "discovery.mints"),
            (#"mints = "So11111111111111111111111111111111111111112""#, "discovery.mints"),
            (#"dexes = ["phoenix"]"#, "discovery.dexes"),
            (#"dexes = []"#, "discovery.dexes"),
            (#"min_reserve_usd = -1"#, "discovery.min_reserve_usd"),
            (#"refresh_seconds = 0"#, "discovery.refresh_seconds"),
        ]
        let mints = #"mints = ["So11111111111111111111111111111111111111112", "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"]"#
        for (line, key) in cases {
            let body = line.hasPrefix("mints") ? line : mints + "\n" + line
            do {
                _ = try ConfigLoader.parse(head + "[discovery]\n" + body)
                XCTFail("accepted: \(line)")
            } catch let e as ConfigError {
                XCTAssertEqual(e.key, key, "\(line): \(e)")
            } catch {
                XCTFail("\(line): untyped error \(error)")
            }
        }
    }
}
