import Config
import GeyserSource
import XCTest

/// `[yellowstone]`: endpoint scheme, x_token only from the environment, replay switch.
final class YellowstoneConfigTests: XCTestCase {
    static let base = """
        [websocket]
        url = "wss://rpc.example.com"

        """

    func testYellowstoneTableIsRead() throws {
        let c = try ConfigLoader.parse(
            Self.base + """
                [yellowstone]
                endpoint = "https://grpc.example.com:443"
                x_token = "${YS_TOKEN}"
                replay = false
                """, environment: ["YS_TOKEN": "s3cret"])
        XCTAssertEqual(c.yellowstone, YellowstoneConfig(endpoint: "https://grpc.example.com:443", xToken: "s3cret", replay: false))
        XCTAssertEqual(c.unknownKeys, [])
        XCTAssertFalse("\(c)".contains("s3cret"), "the token is not in the config's description")
        XCTAssertNil(try ConfigLoader.parse(Self.base, environment: [:]).yellowstone, "no table: PubSub")
    }

    func testBadYellowstoneValuesNameTheirKey() {
        let bad: [(String, String)] = [
            ("endpoint = \"ws://grpc.example.com\"", "yellowstone.endpoint"),
            ("x_token = \"s3cret-in-the-file\"\nendpoint = \"http://127.0.0.1:10000\"", "yellowstone.x_token"),
            ("endpoint = \"http://127.0.0.1:10000\"\nx_token = \"${UNSET_TOKEN}\"", "yellowstone.x_token"),
            ("replay = true", "yellowstone.endpoint"),
        ]
        for (text, key) in bad {
            XCTAssertThrowsError(try ConfigLoader.parse(Self.base + "[yellowstone]\n" + text, environment: [:])) { error in
                XCTAssertTrue("\(error)".contains(key), "\(error)")
                XCTAssertFalse("\(error)".contains("s3cret-in-the-file"), "the token is not echoed: \(error)")
            }
        }
    }
}
