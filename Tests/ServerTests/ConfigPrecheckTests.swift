import Config
import XCTest

/// Inputs the `config-toml` fuzz target found aborting the process inside toml++ now get a
/// `ConfigError` naming the line; valid TOML of the shapes the config uses still parses.
final class ConfigPrecheckTests: XCTestCase {
    func testParserAssertionInputsBecomeConfigErrors() {
        let cases: [(String, Int, String)] = [
            ("[\n[[pools]]\naddress = \"x\"\n", 1, "table header without a name"),
            ("[api]\n[[ \n", 2, "table header without a name"),
            ("[ =x]\n", 1, "cannot start with '='"),
            ("a = 1\n[b]\nc = [1, 2.5, \"x\", 1979-05-27T\u{FFFD}]\n", 3, "date and time"),
            ("t = 07:32:00\n", 1, "date and time"),
            ("d = 1979-05-27\n", 1, "date and time"),
            ("a = 0\n[b]\nc = [1, 2.5,  }\n", 3, "missing value"),
            ("a = [1, , 2]\n", 1, "missing value"),
            ("a = \nb = 1\n", 1, "missing value"),
            ("a = }\n", 1, "missing value"),
            ("t = { x = 1, }\n", 1, "missing value"),
            ("a =", 1, "missing value"),
            ("\u{FEFF} [{ 3 ={  # c\n", 1, "cannot start with '{'"),
        ]
        for (text, line, message) in cases {
            XCTAssertThrowsError(try ConfigLoader.parse(text, file: "c.toml")) { error in
                let e = error as? ConfigError
                XCTAssertEqual(e?.line, line, "\(text.debugDescription): \(error)")
                XCTAssertTrue(e?.message.contains(message) == true, "\(text.debugDescription): \(error)")
            }
        }
    }

    func testValidShapesStillParse() throws {
        let text = """
            # comment with 1979-05-27 and [brackets
            [websocket]
            url = "ws://127.0.0.1:8900"   # trailing 12:30
            [rpc]
            requests_per_second = 1e1
            [api]
            port = 3_001
            [router]
            min_roi_percent = 0.3
            mode = "complete" # {x, }
            [ingest]
            stale_after_seconds = 30
            [[pools]]
            address = '58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2'
            name = \"\"\"SOL/USDC
            2024-01-01 [x]\"\"\"
            """
        let config = try ConfigLoader.parse(text, file: "c.toml")
        XCTAssertEqual(config.api.port, 3001)
        XCTAssertEqual(config.pools.count, 1)
    }
}
