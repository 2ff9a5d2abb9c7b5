import Foundation
import SolanaCore
import XCTest
@testable import Simulator

/// PubSub messages in the exact mainnet shapes, subscription bookkeeping and the per-connection cap.
final class PubSubSessionTests: XCTestCase {
    static func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    static func subscribe(_ s: inout PubSubSession, _ key: Pubkey, id: Int = 1) throws -> Int {
        let r = try json(
            s.receive(
                #"{"jsonrpc":"2.0","id":\#(id),"method":"accountSubscribe","params":["\#(key.base58)",{"encoding":"base64","commitment":"confirmed"}]}"#
            ))
        return try XCTUnwrap(r["result"] as? Int, "\(r)")
    }

    static func account(_ seed: UInt8, slot: UInt64 = 10) -> AccountData {
        AccountData(
            address: Pubkey(bytes: [UInt8](repeating: seed, count: 32))!, owner: Pubkey(bytes: [UInt8](repeating: 6, count: 32))!,
            data: [1, 2, 3, seed], lamports: 2_039_280, slot: slot)
    }

    func testAccountNotificationHasTheMainnetShape() throws {
        var s = PubSubSession()
        let a = Self.account(9)
        let sid = try Self.subscribe(&s, a.address)
        let notes = s.notifications(for: SlotEvent(slot: 77, changed: [a]))
        XCTAssertEqual(notes.count, 1)
        let n = try Self.json(notes[0])
        XCTAssertEqual(Set(n.keys), ["jsonrpc", "method", "params"])
        XCTAssertEqual(n["jsonrpc"] as? String, "2.0")
        XCTAssertEqual(n["method"] as? String, "accountNotification")
        let params = try XCTUnwrap(n["params"] as? [String: Any])
        XCTAssertEqual(Set(params.keys), ["result", "subscription"])
        XCTAssertEqual(params["subscription"] as? Int, sid)
        let result = try XCTUnwrap(params["result"] as? [String: Any])
        XCTAssertEqual(Set(result.keys), ["context", "value"])
        XCTAssertEqual((result["context"] as? [String: Any])?["slot"] as? Int, 77)
        let value = try XCTUnwrap(result["value"] as? [String: Any])
        XCTAssertEqual(Set(value.keys), ["lamports", "data", "owner", "executable", "rentEpoch", "space"])
        XCTAssertEqual(value["lamports"] as? Int, 2_039_280)
        XCTAssertEqual(value["data"] as? [String], [Data([1, 2, 3, 9]).base64EncodedString(), "base64"])
        XCTAssertEqual(value["owner"] as? String, a.owner.base58)
        XCTAssertEqual(value["executable"] as? Bool, false)
        XCTAssertEqual((value["rentEpoch"] as? NSNumber)?.uint64Value, UInt64.max)
        XCTAssertEqual(value["space"] as? Int, 4)
        // The raw text keeps mainnet's key order (serde order of the RPC types).
        XCTAssertTrue(
            notes[0].hasPrefix(#"{"jsonrpc":"2.0","method":"accountNotification","params":{"result":{"context":{"slot":77},"value":"#), notes[0])
    }

    func testOneNotificationPerChangedAccountPerSubscription() throws {
        var s = PubSubSession()
        let a = Self.account(1), b = Self.account(2), c = Self.account(3)
        let sa = try Self.subscribe(&s, a.address, id: 1)
        let sa2 = try Self.subscribe(&s, a.address, id: 2)
        _ = try Self.subscribe(&s, b.address, id: 3)
        XCTAssertNotEqual(sa, sa2)
        let notes = try s.notifications(for: SlotEvent(slot: 5, changed: [a, c])).map(Self.json)
        XCTAssertEqual(notes.count, 2, "a has two subscriptions, b did not change, c is not subscribed")
        XCTAssertEqual(Set(notes.compactMap { ($0["params"] as? [String: Any])?["subscription"] as? Int }), [sa, sa2])
        XCTAssertTrue(s.notifications(for: SlotEvent(slot: 6, changed: [c])).isEmpty)
    }

    func testClusterSlotsCarryEachChangedAccountOnce() throws {
        let cluster = try Cluster.bundled(seed: 9, swapsPerSlot: 40)
        var s = PubSubSession(maxSubscriptions: 1_000)
        for (i, k) in cluster.allAccounts().map(\.address).enumerated() where i < 900 { _ = try Self.subscribe(&s, k, id: i) }
        for _ in 0..<5 {
            let e = try XCTUnwrap(cluster.advance())
            XCTAssertEqual(Set(e.changed.map(\.address)).count, e.changed.count, "one entry per account per slot")
            let notes = try s.notifications(for: e).map(Self.json)
            let keys = notes.compactMap { (($0["params"] as? [String: Any])?["result"] as? [String: Any]) }
            XCTAssertEqual(keys.count, e.changed.filter { s.subscribedAccounts.contains($0.address) }.count)
        }
    }

    func testSubscriptionCapAndUnsubscribe() throws {
        var s = PubSubSession()
        XCTAssertEqual(s.maxSubscriptions, 100)
        var ids: [Int] = []
        for i in 0..<100 { ids.append(try Self.subscribe(&s, Self.account(UInt8(i)).address, id: i)) }
        let over = try Self.json(
            s.receive(#"{"jsonrpc":"2.0","id":500,"method":"accountSubscribe","params":["\#(Self.account(200).address.base58)"]}"#))
        XCTAssertNotNil(over["error"], "101st subscription refused")
        XCTAssertEqual(over["id"] as? Int, 500)
        XCTAssertNotNil(try Self.json(s.receive(#"{"jsonrpc":"2.0","id":501,"method":"slotSubscribe"}"#))["error"])

        let un = try Self.json(s.receive(#"{"jsonrpc":"2.0","id":600,"method":"accountUnsubscribe","params":[\#(ids[0])]}"#))
        XCTAssertEqual(un["result"] as? Bool, true)
        XCTAssertTrue(s.notifications(for: SlotEvent(slot: 3, changed: [Self.account(0)])).isEmpty, "no notification after unsubscribe")
        let again = try Self.json(s.receive(#"{"jsonrpc":"2.0","id":601,"method":"accountUnsubscribe","params":[\#(ids[0])]}"#))
        XCTAssertEqual((again["error"] as? [String: Any])?["code"] as? Int, -32602)
        XCTAssertNotNil(try Self.subscribe(&s, Self.account(200).address, id: 602), "a freed slot can be used again")
    }

    func testSlotSubscription() throws {
        var s = PubSubSession()
        let r = try Self.json(s.receive(#"{"jsonrpc":"2.0","id":1,"method":"slotSubscribe"}"#))
        let sid = try XCTUnwrap(r["result"] as? Int)
        let n = try Self.json(try XCTUnwrap(s.notifications(for: SlotEvent(slot: 100, changed: [])).first))
        XCTAssertEqual(n["method"] as? String, "slotNotification")
        let params = try XCTUnwrap(n["params"] as? [String: Any])
        XCTAssertEqual(params["subscription"] as? Int, sid)
        XCTAssertEqual(params["result"] as? [String: Int], ["parent": 99, "root": 68, "slot": 100])
        XCTAssertEqual(try Self.json(s.receive(#"{"jsonrpc":"2.0","id":2,"method":"slotUnsubscribe","params":[\#(sid)]}"#))["result"] as? Bool, true)
        XCTAssertTrue(s.notifications(for: SlotEvent(slot: 101, changed: [])).isEmpty)
    }

    func testBadMessagesGetJsonRpcErrors() throws {
        var s = PubSubSession()
        func code(_ text: String) throws -> Int? { ((try Self.json(s.receive(text)))["error"] as? [String: Any])?["code"] as? Int }
        XCTAssertEqual(try code("{{{"), -32700)
        XCTAssertEqual(try code(#"{"id":1,"method":"accountSubscribe"}"#), -32600)
        XCTAssertEqual(try code(#"{"jsonrpc":"2.0","id":1,"method":"programSubscribeX"}"#), -32601)
        XCTAssertEqual(try code(#"{"jsonrpc":"2.0","id":1,"method":"accountSubscribe","params":["zz"]}"#), -32602)
        XCTAssertEqual(
            try code(
                #"{"jsonrpc":"2.0","id":1,"method":"accountSubscribe","params":["\#(Self.account(1).address.base58)",{"encoding":"jsonParsed"}]}"#),
            -32602)
        XCTAssertEqual(s.subscriptionCount, 0)
    }
}
