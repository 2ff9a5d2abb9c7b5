import Dex
import Foundation
import SolanaCore
import XCTest
@testable import Simulator

/// JSON-RPC methods as a Solana RPC node answers them, driven as request bytes → reply.
final class RpcHandlerTests: XCTestCase {
    var cluster: Cluster!
    var faults: FaultState!
    var rpc: RpcHandler!

    override func setUpWithError() throws {
        cluster = try Cluster.bundled(seed: 1, swapsPerSlot: 0)
        faults = FaultState()
        rpc = RpcHandler(cluster: cluster, faults: faults)
    }

    func call(_ body: String) throws -> Any {
        let reply = rpc.handle(Array(body.utf8))
        XCTAssertEqual(reply.status, 200, body)
        return try JSONSerialization.jsonObject(with: Data(reply.body.utf8))
    }

    func request(_ method: String, _ params: String = "[]", id: Int = 1) throws -> [String: Any] {
        try XCTUnwrap(try call(#"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":\#(params)}"#) as? [String: Any])
    }

    func result(_ method: String, _ params: String = "[]") throws -> Any {
        let r = try request(method, params)
        XCTAssertNil(r["error"], "\(method): \(r)")
        return try XCTUnwrap(r["result"], "\(method): \(r)")
    }

    func errorCode(_ r: [String: Any]) -> Int? { (r["error"] as? [String: Any])?["code"] as? Int }

    var somePool: Pubkey { cluster.poolAddresses[0] }

    func testAccountSlotsReportEachAccountsLastWrite() throws {
        let pool = somePool
        let missing = "So11111111111111111111111111111111111111111"
        let r = try XCTUnwrap(try result("simulatorAccountSlots", #"[["\#(pool.base58)","\#(missing)"]]"#) as? [String: Any])
        let values = try XCTUnwrap(r["value"] as? [Any])
        XCTAssertEqual((values[0] as? NSNumber)?.uint64Value, cluster.account(pool)?.slot)
        XCTAssertTrue(values[1] is NSNull)
        let tooMany = "[[" + Array(repeating: #""\#(pool.base58)""#, count: 101).joined(separator: ",") + "]]"
        XCTAssertEqual(errorCode(try request("simulatorAccountSlots", tooMany)), -32602)
    }

    func testGetAccountInfoReturnsBytesWithContextSlot() throws {
        let pool = somePool
        let r = try XCTUnwrap(try result("getAccountInfo", #"["\#(pool.base58)",{"encoding":"base64","commitment":"confirmed"}]"#) as? [String: Any])
        let context = try XCTUnwrap(r["context"] as? [String: Any])
        XCTAssertEqual((context["slot"] as? NSNumber)?.uint64Value, cluster.slot)
        XCTAssertNotNil(context["apiVersion"])
        let value = try XCTUnwrap(r["value"] as? [String: Any])
        let data = try XCTUnwrap(value["data"] as? [String])
        XCTAssertEqual(data[1], "base64")
        XCTAssertEqual(Array(try XCTUnwrap(Data(base64Encoded: data[0]))), cluster.account(pool)!.data)
        XCTAssertEqual(value["owner"] as? String, cluster.account(pool)!.owner.base58)
        XCTAssertEqual(Set(value.keys), ["data", "executable", "lamports", "owner", "rentEpoch", "space"])
        XCTAssertEqual(value["space"] as? Int, cluster.account(pool)!.data.count)

        let missing = try XCTUnwrap(try result("getAccountInfo", #"["11111111111111111111111111111112"]"#) as? [String: Any])
        XCTAssertTrue(missing["value"] is NSNull)
    }

    func testGetAccountInfoRejectsBadParams() throws {
        XCTAssertEqual(errorCode(try request("getAccountInfo", #"["not-a-key"]"#)), -32602)
        XCTAssertEqual(errorCode(try request("getAccountInfo", "[]")), -32602)
        XCTAssertEqual(errorCode(try request("getAccountInfo", #"["\#(somePool.base58)",{"encoding":"jsonParsed"}]"#)), -32602)
        XCTAssertEqual(errorCode(try request("getAccountInfo", #"["\#(somePool.base58)",{"commitment":"soon"}]"#)), -32602)
    }

    func testGetMultipleAccountsKeepsOrderNullsAndTheHundredLimit() throws {
        let pools = Array(cluster.poolAddresses.prefix(2))
        let keys = [pools[0].base58, "11111111111111111111111111111112", pools[1].base58]
        let r = try XCTUnwrap(
            try result("getMultipleAccounts", #"[["\#(keys.joined(separator: "\",\""))"],{"encoding":"base64"}]"#) as? [String: Any])
        let values = try XCTUnwrap(r["value"] as? [Any])
        XCTAssertEqual(values.count, 3)
        XCTAssertTrue(values[1] is NSNull)
        let second = try XCTUnwrap(values[2] as? [String: Any])
        XCTAssertEqual(Array(Data(base64Encoded: (second["data"] as! [String])[0])!), cluster.account(pools[1])!.data)

        let hundred = Array(repeating: "\"\(pools[0].base58)\"", count: 100).joined(separator: ",")
        XCTAssertEqual(((try result("getMultipleAccounts", "[[\(hundred)]]") as? [String: Any])?["value"] as? [Any])?.count, 100)
        let r101 = try request("getMultipleAccounts", "[[\(hundred),\"\(pools[0].base58)\"]]")
        XCTAssertEqual(errorCode(r101), -32602)
        XCTAssertTrue(((r101["error"] as? [String: Any])?["message"] as? String ?? "").contains("100"))
        XCTAssertEqual(errorCode(try request("getMultipleAccounts", #"["x"]"#)), -32602)
    }

    func testGetProgramAccountsFilters() throws {
        let all = cluster.allAccounts().filter { $0.owner == ProgramIds.raydiumClmm }
        XCTAssertFalse(all.isEmpty)
        let pools = all.filter { $0.data.count == RaydiumClmmPoolState.size }
        let plain = try XCTUnwrap(
            try result("getProgramAccounts", #"["\#(ProgramIds.raydiumClmm.base58)",{"encoding":"base64"}]"#) as? [[String: Any]])
        XCTAssertEqual(plain.count, all.count)
        let sized = try XCTUnwrap(
            try result(
                "getProgramAccounts",
                #"["\#(ProgramIds.raydiumClmm.base58)",{"encoding":"base64","filters":[{"dataSize":\#(RaydiumClmmPoolState.size)}]}]"#)
                as? [[String: Any]])
        XCTAssertEqual(Set(sized.compactMap { $0["pubkey"] as? String }), Set(pools.map(\.address.base58)))

        // memcmp on token_mint_0 (@73), in base58 and base64: only pools with that mint.
        let pool = try RaydiumClmmPoolState(pools[0])
        let expected = Set(pools.filter { (try? RaydiumClmmPoolState($0).tokenMint0) == pool.tokenMint0 }.map(\.address.base58))
        let b58 = try XCTUnwrap(
            try result(
                "getProgramAccounts",
                #"["\#(ProgramIds.raydiumClmm.base58)",{"encoding":"base64","filters":[{"dataSize":1544},{"memcmp":{"offset":73,"bytes":"\#(pool.tokenMint0.base58)"}}]}]"#
            ) as? [[String: Any]])
        XCTAssertEqual(Set(b58.compactMap { $0["pubkey"] as? String }), expected)
        let b64 = try XCTUnwrap(
            try result(
                "getProgramAccounts",
                #"["\#(ProgramIds.raydiumClmm.base58)",{"encoding":"base64","filters":[{"memcmp":{"offset":73,"bytes":"\#(Data(pool.tokenMint0.bytes).base64EncodedString())","encoding":"base64"}}]}]"#
            ) as? [[String: Any]])
        XCTAssertEqual(Set(b64.compactMap { $0["pubkey"] as? String }), expected)
        // A memcmp that matches nothing, and one past the end of every account.
        let none = try XCTUnwrap(
            try result(
                "getProgramAccounts",
                #"["\#(ProgramIds.raydiumClmm.base58)",{"filters":[{"memcmp":{"offset":20000,"bytes":"1"}}]}]"#) as? [Any])
        XCTAssertTrue(none.isEmpty)
        // withContext wraps the list with the slot.
        let wrapped = try XCTUnwrap(
            try result(
                "getProgramAccounts",
                #"["\#(ProgramIds.raydiumClmm.base58)",{"withContext":true,"filters":[{"dataSize":1544}]}]"#) as? [String: Any])
        XCTAssertNotNil((wrapped["context"] as? [String: Any])?["slot"])
        XCTAssertEqual((wrapped["value"] as? [Any])?.count, pools.count)

        XCTAssertEqual(errorCode(try request("getProgramAccounts", #"["\#(ProgramIds.raydiumClmm.base58)",{"filters":[{"bogus":1}]}]"#)), -32602)
        XCTAssertEqual(
            errorCode(
                try request("getProgramAccounts", #"["\#(ProgramIds.raydiumClmm.base58)",{"filters":[{"memcmp":{"offset":0,"bytes":"0OIl"}}]}]"#)),
            -32602)
    }

    func testSlotHealthVersionEpoch() throws {
        XCTAssertEqual((try result("getSlot") as? NSNumber)?.uint64Value, cluster.slot)
        XCTAssertEqual(try result("getHealth") as? String, "ok")
        XCTAssertNotNil((try result("getVersion") as? [String: Any])?["solana-core"])
        let epoch = try XCTUnwrap(try result("getEpochInfo") as? [String: Any])
        XCTAssertEqual((epoch["absoluteSlot"] as? NSNumber)?.uint64Value, cluster.slot)
    }

    func testBatchAnswersEachInOrderWithItsId() throws {
        let batch = try XCTUnwrap(
            try call(
                #"[{"jsonrpc":"2.0","id":7,"method":"getSlot"},{"jsonrpc":"2.0","id":"b","method":"getHealth"},{"jsonrpc":"2.0","id":9,"method":"nope"},{"id":10}]"#
            ) as? [[String: Any]])
        XCTAssertEqual(batch.count, 4)
        XCTAssertEqual(batch[0]["id"] as? Int, 7)
        XCTAssertEqual(batch[1]["id"] as? String, "b")
        XCTAssertEqual(batch[1]["result"] as? String, "ok")
        XCTAssertEqual(errorCode(batch[2]), -32601)
        XCTAssertEqual(errorCode(batch[3]), -32600)
        XCTAssertEqual(errorCode(try XCTUnwrap(try call("[]") as? [String: Any])), -32600)
    }

    func testProtocolErrors() throws {
        XCTAssertEqual(errorCode(try XCTUnwrap(try call("{not json") as? [String: Any])), -32700)
        XCTAssertEqual(errorCode(try XCTUnwrap(try call(#"{"id":1,"method":"getSlot"}"#) as? [String: Any])), -32600)
        XCTAssertEqual(errorCode(try XCTUnwrap(try call(#"{"jsonrpc":"2.0","id":1}"#) as? [String: Any])), -32600)
        XCTAssertEqual(errorCode(try XCTUnwrap(try call("42") as? [String: Any])), -32600)
        XCTAssertEqual(errorCode(try request("getBlockHeightX")), -32601)
    }

    func testControlMethods() throws {
        let start = cluster.slot
        XCTAssertEqual(try result("simulatorPause") as? Bool, true)
        XCTAssertTrue(cluster.isPaused)
        XCTAssertNil(cluster.advance(), "a paused cluster does not advance on its clock")
        XCTAssertEqual((try result("simulatorAdvance", "[3]") as? NSNumber)?.uint64Value, start + 3, "forced slots still advance")
        XCTAssertEqual(errorCode(try request("simulatorAdvance", "[0]")), -32602)
        XCTAssertEqual(try result("simulatorResume") as? Bool, true)
        XCTAssertFalse(cluster.isPaused)

        let pool = somePool
        let model = cluster.model(pool)!
        let before = cluster.account(pool)!.data
        let vaults = model.accountsToWatch().compactMap { cluster.account($0) }
        let swap = try XCTUnwrap(
            try result("simulatorSwap", #"[{"pool":"\#(pool.base58)","inputMint":"\#(model.mintA.base58)","amountIn":"1000000"}]"#) as? [String: Any])
        XCTAssertNotNil(UInt64(swap["amountOut"] as? String ?? ""))
        XCTAssertEqual((swap["slot"] as? NSNumber)?.uint64Value, cluster.slot)
        let changed = vaults.filter { cluster.account($0.address)!.data != $0.data }.count + (cluster.account(pool)!.data != before ? 1 : 0)
        XCTAssertGreaterThan(changed, 0)
        XCTAssertEqual(errorCode(try request("simulatorSwap", #"[{"pool":"\#(pool.base58)","inputMint":"\#(pool.base58)","amountIn":"5"}]"#)), -32002)
        XCTAssertEqual(
            errorCode(try request("simulatorSwap", #"[{"pool":"\#(pool.base58)","inputMint":"\#(model.mintA.base58)","amountIn":"-5"}]"#)), -32602)
    }

    func testFaultMethodAndHttpFaults() throws {
        for kind in FaultState.Kind.allCases where ![.drop, .cut, .http429, .http500].contains(kind) {
            XCTAssertEqual(try result("simulatorFault", #"[{"kind":"\#(kind.rawValue)","durationMs":5000}]"#) as? Bool, true)
            XCTAssertTrue(faults.active(kind), kind.rawValue)
        }
        let generation = faults.generation
        _ = try result("simulatorFault", #"[{"kind":"drop"}]"#)
        XCTAssertEqual(faults.generation, generation + 1)
        let cuts = faults.cutGeneration
        _ = try result("simulatorFault", #"[{"kind":"cut"}]"#)
        XCTAssertEqual(faults.cutGeneration, cuts + 1)
        XCTAssertEqual(faults.generation, generation + 1, "a cut leaves PubSub alone")
        XCTAssertEqual(errorCode(try request("simulatorFault", #"[{"kind":"meteor"}]"#)), -32602)

        _ = try result("simulatorFault", #"[{"kind":"http429","count":2,"retryAfterSeconds":3}]"#)
        for _ in 0..<2 {
            let r = rpc.handle(Array(#"{"jsonrpc":"2.0","id":1,"method":"getSlot"}"#.utf8))
            XCTAssertEqual(r.status, 429)
            XCTAssertEqual(r.retryAfter, 3)
        }
        XCTAssertEqual(rpc.handle(Array(#"{"jsonrpc":"2.0","id":1,"method":"getSlot"}"#.utf8)).status, 200, "counted fault is used up")
        _ = try result("simulatorFault", #"[{"kind":"http500"}]"#)
        XCTAssertEqual(rpc.handle(Array(#"{"jsonrpc":"2.0","id":1,"method":"getSlot"}"#.utf8)).status, 500)
        XCTAssertEqual(rpc.handle(Array(#"{"jsonrpc":"2.0","id":1,"method":"getSlot"}"#.utf8)).status, 200)
    }
}
