import Foundation
import SolanaCore
import XCTest

@testable import Simulator

/// `programSubscribe` in the simulator's PubSub session: filters as `getProgramAccounts` takes
/// them, `programNotification` in mainnet's shape, unsubscribe, and the per-connection cap.
final class PubSubSessionProgramTests: XCTestCase {
    let program = Pubkey(bytes: [UInt8](repeating: 6, count: 32))!

    func account(_ seed: UInt8, size: Int = 165, ownerField: UInt8 = 1) -> AccountData {
        var data = [UInt8](repeating: seed, count: size)
        if size >= 64 { data.replaceSubrange(32..<64, with: [UInt8](repeating: ownerField, count: 32)) }
        return AccountData(address: Pubkey(bytes: [UInt8](repeating: seed, count: 32))!, owner: program, data: data, lamports: 7, slot: 3)
    }

    func subscribe(_ s: inout PubSubSession, filters: String, id: Int = 1) throws -> Int {
        let text =
            #"{"jsonrpc":"2.0","id":\#(id),"method":"programSubscribe","params":["\#(program)",{"encoding":"base64","commitment":"confirmed","filters":\#(filters)}]}"#
        let r = try PubSubSessionTests.json(s.receive(text))
        return try XCTUnwrap(r["result"] as? Int, "\(r)")
    }

    func testProgramNotificationHasTheMainnetShape() throws {
        var s = PubSubSession()
        let a = account(9)
        let sid = try subscribe(&s, filters: "[]")
        let notes = s.notifications(for: SlotEvent(slot: 77, changed: [a]))
        XCTAssertEqual(notes.count, 1)
        let n = try PubSubSessionTests.json(notes[0])
        XCTAssertEqual(n["method"] as? String, "programNotification")
        let params = try XCTUnwrap(n["params"] as? [String: Any])
        XCTAssertEqual(params["subscription"] as? Int, sid)
        let result = try XCTUnwrap(params["result"] as? [String: Any])
        XCTAssertEqual((result["context"] as? [String: Any])?["slot"] as? Int, 77)
        let value = try XCTUnwrap(result["value"] as? [String: Any])
        XCTAssertEqual(Set(value.keys), ["pubkey", "account"])
        XCTAssertEqual(value["pubkey"] as? String, a.address.base58)
        let acc = try XCTUnwrap(value["account"] as? [String: Any])
        XCTAssertEqual(Set(acc.keys), ["lamports", "data", "owner", "executable", "rentEpoch", "space"])
        XCTAssertEqual(acc["data"] as? [String], [Data(a.data).base64EncodedString(), "base64"])
        XCTAssertEqual(acc["owner"] as? String, program.base58)
        XCTAssertTrue(
            notes[0].hasPrefix(#"{"jsonrpc":"2.0","method":"programNotification","params":{"result":{"context":{"slot":77},"value":{"pubkey":"#),
            notes[0])
    }

    func testFiltersSelectTheNotifiedAccounts() throws {
        var s = PubSubSession()
        let owner2 = Pubkey(bytes: [UInt8](repeating: 2, count: 32))!
        let bySize = try subscribe(&s, filters: #"[{"dataSize":165}]"#, id: 1)
        let byOwner = try subscribe(&s, filters: #"[{"dataSize":165},{"memcmp":{"offset":32,"bytes":"\#(owner2)"}}]"#, id: 2)
        let byBase64 = try subscribe(
            &s, filters: #"[{"memcmp":{"offset":32,"bytes":"\#(Data(owner2.bytes).base64EncodedString())","encoding":"base64"}}]"#, id: 3)
        let a = account(1, ownerField: 2), b = account(2, ownerField: 3), c = account(3, size: 82)
        var foreign = account(4)
        foreign.owner = owner2
        let notes = s.notifications(for: SlotEvent(slot: 5, changed: [a, b, c, foreign])).map { try! PubSubSessionTests.json($0) }
        func who(_ sid: Int) -> Set<String> {
            Set(
                notes.compactMap { n in
                    let p = n["params"] as? [String: Any]
                    guard p?["subscription"] as? Int == sid else { return nil }
                    return ((p?["result"] as? [String: Any])?["value"] as? [String: Any])?["pubkey"] as? String
                })
        }
        XCTAssertEqual(who(bySize), [a.address.base58, b.address.base58])
        XCTAssertEqual(who(byOwner), [a.address.base58])
        XCTAssertEqual(who(byBase64), [a.address.base58])
        // The older-slot fault replays program notifications too.
        XCTAssertEqual(s.staleNotifications(a).count, 3)
    }

    func testUnsubscribeBadParamsAndTheCap() throws {
        var s = PubSubSession(maxSubscriptions: 2)
        let sid = try subscribe(&s, filters: "[]")
        XCTAssertEqual(s.programSubscriptionCount, 1)
        let bad = try PubSubSessionTests.json(
            s.receive(
                #"{"jsonrpc":"2.0","id":5,"method":"programSubscribe","params":["\#(program)",{"filters":[{"memcmp":{"offset":-1,"bytes":"1"}}]}]}"#))
        XCTAssertEqual((bad["error"] as? [String: Any])?["code"] as? Int, -32602)
        let enc = try PubSubSessionTests.json(
            s.receive(#"{"jsonrpc":"2.0","id":6,"method":"programSubscribe","params":["\#(program)",{"encoding":"jsonParsed"}]}"#))
        XCTAssertEqual((enc["error"] as? [String: Any])?["code"] as? Int, -32602)
        _ = try subscribe(&s, filters: "[]", id: 7)
        let over = try PubSubSessionTests.json(
            s.receive(#"{"jsonrpc":"2.0","id":8,"method":"programSubscribe","params":["\#(program)",{"encoding":"base64"}]}"#))
        XCTAssertEqual((over["error"] as? [String: Any])?["code"] as? Int, -32003, "program subscriptions count against the cap")
        let un = try PubSubSessionTests.json(s.receive(#"{"jsonrpc":"2.0","id":9,"method":"programUnsubscribe","params":[\#(sid)]}"#))
        XCTAssertEqual(un["result"] as? Bool, true)
        let again = try PubSubSessionTests.json(s.receive(#"{"jsonrpc":"2.0","id":10,"method":"programUnsubscribe","params":[\#(sid)]}"#))
        XCTAssertEqual((again["error"] as? [String: Any])?["code"] as? Int, -32602)
        XCTAssertEqual(s.programSubscriptionCount, 1)
        XCTAssertEqual(s.notifications(for: SlotEvent(slot: 9, changed: [account(1)])).count, 1)
    }
}
