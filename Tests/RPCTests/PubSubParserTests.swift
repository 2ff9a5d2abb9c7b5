import Foundation
import RPC
import Simulator
import SolanaCore
import XCTest

/// The hot-path frame parser, on exact mainnet-shaped frames (from the simulator's encoder)
/// and on hostile ones. No network.
final class PubSubParserTests: XCTestCase {
    let owner = Pubkey("675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8")
    let key = Pubkey("58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2")

    func testAccountNotificationRoundTrip() throws {
        let data = (0..<752).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let account = AccountData(address: key, owner: owner, data: data, lamports: 6_124_800, slot: 10)
        let frame = PubSubSession.accountNotification(account, slot: 431_198_999, subscription: 42)
        var parser = PubSubParser()
        guard case .account(let n) = try parser.parse(Array(frame.utf8)) else { return XCTFail("not an account notification") }
        XCTAssertEqual(n.subscription, 42)
        XCTAssertEqual(n.slot, 431_198_999)
        XCTAssertEqual(n.owner, owner)
        XCTAssertEqual(n.lamports, 6_124_800)
        XCTAssertEqual(n.data, data)
        XCTAssertEqual(n.account(address: key), AccountData(address: key, owner: owner, data: data, lamports: 6_124_800, slot: 431_198_999))
        // The owner cache must return the same key the second time.
        guard case .account(let again) = try parser.parse(Array(frame.utf8)) else { return XCTFail() }
        XCTAssertEqual(again.owner, owner)
    }

    func testFieldOrderAndWhitespaceDoNotMatter() throws {
        let frame = """
            { "params" : { "subscription" : 7 , "result" : { "value" : { "space": 3, "owner" : "\(owner)", "rentEpoch": 18446744073709551615,
              "data" : [ "AQID" , "base64" ], "executable": false, "lamports" : 5 }, "context" : { "apiVersion": "2.2.0", "slot" : 99 } } },
              "method" : "accountNotification", "jsonrpc" : "2.0" }
            """
        var parser = PubSubParser()
        XCTAssertEqual(
            try parser.parse(Array(frame.utf8)),
            .account(AccountNotification(subscription: 7, slot: 99, owner: owner, lamports: 5, data: [1, 2, 3])))
    }

    func testRepliesSlotsAndErrors() throws {
        var p = PubSubParser()
        XCTAssertEqual(try p.parse(Array(#"{"jsonrpc":"2.0","result":23784,"id":3}"#.utf8)), .result(id: 3, value: .subscription(23784)))
        XCTAssertEqual(try p.parse(Array(#"{"jsonrpc":"2.0","result":true,"id":4}"#.utf8)), .result(id: 4, value: .bool(true)))
        XCTAssertEqual(
            try p.parse(
                Array(#"{"jsonrpc":"2.0","method":"slotNotification","params":{"result":{"parent":74,"root":43,"slot":75},"subscription":0}}"#.utf8)),
            .slot(subscription: 0, slot: 75))
        XCTAssertEqual(
            try p.parse(Array(#"{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid \"pubkey\""},"id":9}"#.utf8)),
            .error(id: 9, code: -32602, message: "Invalid \"pubkey\""))
        XCTAssertEqual(
            try p.parse(Array(#"{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}"#.utf8)),
            .error(id: nil, code: -32700, message: "Parse error"))
        XCTAssertEqual(
            try p.parse(Array(#"{"jsonrpc":"2.0","method":"rootNotification","params":{"result":42,"subscription":0}}"#.utf8)),
            .other(method: "rootNotification"))
    }

    func testClosedAccountHasNoData() throws {
        var p = PubSubParser()
        let frame = #"{"jsonrpc":"2.0","method":"accountNotification","params":{"result":{"context":{"slot":5},"value":null},"subscription":1}}"#
        XCTAssertEqual(try p.parse(Array(frame.utf8)), .account(AccountNotification(subscription: 1, slot: 5, owner: .zero, lamports: 0, data: [])))
    }

    func testHostileFramesAreTypedErrors() {
        let base =
            #"{"jsonrpc":"2.0","method":"accountNotification","params":{"result":{"context":{"slot":5},"value":{"data":["AQID","base64"],"owner":"OWNER","lamports":1}},"subscription":1}}"#
            .replacingOccurrences(of: "OWNER", with: owner.base58)
        let cases: [(String, String)] = [
            ("empty", ""),
            ("not an object", "[1,2]"),
            ("truncated", String(base.prefix(base.count / 2))),
            ("bad base64", base.replacingOccurrences(of: "AQID", with: "A*ID")),
            ("bad base64 length", base.replacingOccurrences(of: "AQID", with: "AQI")),
            ("other encoding", base.replacingOccurrences(of: "\"base64\"]", with: "\"base58\"]")),
            ("jsonParsed", base.replacingOccurrences(of: #"["AQID","base64"]"#, with: #"{"parsed":{}}"#)),
            ("slot overflow", base.replacingOccurrences(of: #""slot":5"#, with: #""slot":18446744073709551616"#)),
            ("negative slot", base.replacingOccurrences(of: #""slot":5"#, with: #""slot":-5"#)),
            ("fraction", base.replacingOccurrences(of: #""slot":5"#, with: #""slot":5.5"#)),
            ("bad owner", base.replacingOccurrences(of: owner.base58, with: "0OIl")),
            ("no subscription", base.replacingOccurrences(of: #","subscription":1"#, with: "")),
            ("trailing garbage", base + "x"),
            ("deep nesting", #"{"a":"# + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"),
            ("control char in string", "{\"method\":\"a\u{01}\"}"),
            ("no method or result", #"{"jsonrpc":"2.0","id":1}"#),
        ]
        for (name, text) in cases {
            var p = PubSubParser()
            XCTAssertThrowsError(try p.parse(Array(text.utf8)), name) { error in
                XCTAssertTrue(error is PubSubParseError, "\(name): \(error)")
            }
        }
    }

    /// Random byte flips of a valid frame never trap: each parses or throws.
    func testMutatedFramesNeverCrash() {
        let account = AccountData(address: key, owner: owner, data: Array(repeating: 7, count: 300), lamports: 1, slot: 1)
        let frame = Array(PubSubSession.accountNotification(account, slot: 77, subscription: 3).utf8)
        var rng = SystemRandomNumberGenerator()
        var parser = PubSubParser()
        for _ in 0..<3_000 {
            var bytes = frame
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            if Bool.random(using: &rng) { bytes.removeLast(Int.random(in: 0..<bytes.count, using: &rng)) }
            _ = try? parser.parse(bytes)
        }
    }

    func testBase64MatchesFoundation() {
        var rng = SystemRandomNumberGenerator()
        for n in [0, 1, 2, 3, 4, 5, 31, 32, 33, 752, 1_544, 10_240] {
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let text = Data(bytes).base64EncodedString()
            XCTAssertEqual(Base64.decode(text), bytes, "n=\(n)")
            XCTAssertEqual(Base64.encode(bytes), text, "n=\(n)")
        }
        XCTAssertNil(Base64.decode("A==="))
        XCTAssertNil(Base64.decode("AB=C"))
    }

    func testJSONValueKeepsU64Exact() throws {
        let v = try JSONValue.parse(Array(#"{"a":[18446744073709551615,"x\n\u0041",true,null],"b":{}}"#.utf8))
        XCTAssertEqual(v["a"]?.array?[0].uint64, UInt64.max)
        XCTAssertEqual(v["a"]?.array?[1].string, "x\nA")
        XCTAssertEqual(v["a"]?.array?[2].bool, true)
        XCTAssertEqual(v["a"]?.array?[3].isNull, true)
        XCTAssertThrowsError(try JSONValue.parse(Array(#"{"a":1} {"#.utf8)))
    }
}
