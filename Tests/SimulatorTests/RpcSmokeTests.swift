import Foundation
import Simulator
import SolanaCore
import XCTest

/// JSON-RPC handler basics on the bundled cluster (no sockets).
final class RpcSmokeTests: XCTestCase {
    func call(_ handler: RpcHandler, _ body: String) throws -> [String: Any] {
        let reply = handler.handle(Array(body.utf8))
        XCTAssertEqual(reply.status, 200)
        return try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as! [String: Any]
    }

    func testAccountsSlotAndErrors() throws {
        let cluster = try Cluster.bundled(seed: 1)
        let handler = RpcHandler(cluster: cluster, faults: FaultState())
        let info = try call(
            handler,
            #"{"jsonrpc":"2.0","id":1,"method":"getAccountInfo","params":["58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2",{"encoding":"base64"}]}"#)
        let result = info["result"] as! [String: Any]
        XCTAssertEqual((result["context"] as! [String: Any])["slot"] as? UInt64, cluster.slot)
        let value = result["value"] as! [String: Any]
        XCTAssertEqual(value["owner"] as? String, "675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8")
        XCTAssertEqual((value["data"] as! [Any])[1] as? String, "base64")
        let tooMany = "[" + (0..<101).map { _ in "\"So11111111111111111111111111111111111111112\"" }.joined(separator: ",") + "]"
        let err = try call(handler, #"{"jsonrpc":"2.0","id":2,"method":"getMultipleAccounts","params":[\#(tooMany)]}"#)
        XCTAssertEqual((err["error"] as! [String: Any])["code"] as? Int, -32602)
        XCTAssertEqual(((try call(handler, "{bad")["error"]) as! [String: Any])["code"] as? Int, -32700)
        XCTAssertEqual(((try call(handler, #"{"jsonrpc":"2.0","id":3,"method":"nope"}"#)["error"]) as! [String: Any])["code"] as? Int, -32601)
    }
}
