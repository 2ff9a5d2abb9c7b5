import Dex
import Foundation
import RPC
import Simulator
import SolanaCore
import XCTest

/// `programNotification` frames (mainnet shape, from the simulator's encoder and hand-written in
/// another field order): followed accounts decoded, unfollowed ones dropped without decoding.
final class ProgramNotificationParserTests: XCTestCase {
    let owner = Pubkey("CAMMCzo5YL8w4VFF8KVHrK22GGUsp5VTaW7grrKgrWqK")
    let key = Pubkey("3ucNos4NbumPLZNWztqGHNFFgkHeRMBQAVemeeomsUxv")

    func testProgramNotificationRoundTrip() throws {
        let data = (0..<1_544).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let account = AccountData(address: key, owner: owner, data: data, lamports: 11_637_120, slot: 3)
        let frame = PubSubSession.programNotification(account, slot: 431_199_001, subscription: 9)
        var parser = PubSubParser()
        let parsed = try parser.parse(Array(frame.utf8), follows: { $0 == self.key })
        XCTAssertEqual(
            parsed, .programAccount(subscription: 9, AccountData(address: key, owner: owner, data: data, lamports: 11_637_120, slot: 431_199_001)))
        // Without a follow set every account is taken.
        XCTAssertEqual(try parser.parse(Array(frame.utf8)), parsed)
    }

    func testUnfollowedAccountIsDroppedBeforeItsDataIsDecoded() throws {
        // The data is not base64 at all: a followed account fails, an unfollowed one never gets that far.
        let frame = """
            {"jsonrpc":"2.0","method":"programNotification","params":{"subscription":4,"result":{"context":{"slot":12},
            "value":{"account":{"data":["%%% not base64 %%%","base64"],"executable":false,"lamports":1,"owner":"\(owner)","rentEpoch":0,"space":3},
            "pubkey":"\(key)"}}}}
            """
        var parser = PubSubParser()
        XCTAssertEqual(try parser.parse(Array(frame.utf8), follows: { _ in false }), .unfollowed(subscription: 4))
        XCTAssertThrowsError(try parser.parse(Array(frame.utf8), follows: { _ in true })) { XCTAssertEqual($0 as? PubSubParseError, .badBase64) }
    }

    func testMissingOrBadPubkeyIsRejected() throws {
        var parser = PubSubParser()
        let noKey =
            #"{"method":"programNotification","params":{"subscription":1,"result":{"context":{"slot":1},"value":{"account":{"data":["","base64"],"owner":"\#(owner)","lamports":0}}}}}"#
        XCTAssertThrowsError(try parser.parse(Array(noKey.utf8))) { XCTAssertEqual($0 as? PubSubParseError, .missing("params.result.value.pubkey")) }
        let badKey = noKey.replacingOccurrences(of: #""value":{"#, with: #""value":{"pubkey":"0OIl","#)
        XCTAssertThrowsError(try parser.parse(Array(badKey.utf8))) { XCTAssertEqual($0 as? PubSubParseError, .badPubkey("0OIl")) }
    }

    func testSubscriptionParamsAreTheRPCShape() throws {
        let sub = ProgramSubscription(
            program: ProgramIds.splToken, filters: [.dataSize(165), .memcmp(offset: 32, bytes: key.bytes)])
        let text = sub.params(commitment: "confirmed").rendered
        XCTAssertEqual(
            text,
            #"["TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",{"encoding":"base64","commitment":"confirmed","filters":[{"dataSize":165},{"memcmp":{"offset":32,"bytes":"\#(key)"}}]}]"#
        )
        var vault = [UInt8](repeating: 0, count: 165)
        vault.replaceSubrange(32..<64, with: key.bytes)
        XCTAssertTrue(sub.matches(owner: ProgramIds.splToken, data: vault))
        XCTAssertFalse(sub.matches(owner: ProgramIds.token2022, data: vault))
        XCTAssertFalse(sub.matches(owner: ProgramIds.splToken, data: vault + [0]))
        vault[40] ^= 1
        XCTAssertFalse(sub.matches(owner: ProgramIds.splToken, data: vault))
    }
}
