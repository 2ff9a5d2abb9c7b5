import Cache
import Dex
import Foundation
import Server
import SolanaCore
import XCTest

/// `POST /v1/swap-instructions` and `/v1/opportunities/instructions` over real HTTP, the store fed
/// from the bundled snapshots: instructions for a fresh quote, 409 `quote_stale` once a pool moved or
/// the quoted output is not what the pools pay, 400 for bad bodies.
final class SwapInstructionAPITests: XCTestCase {
    var store: PoolStore!
    var running: RunningServer!
    let sol = KnownMints.wsol.base58, usdc = KnownMints.usdc.base58
    let user = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM"

    override func setUp() async throws {
        store = Feed.store(from: try Feed.cluster())
        running = try await RunningServer(
            store: store, settings: APIServer.Settings(port: 0), ingest: FakeIngest(), opportunities: FakeOpportunities())
    }

    override func tearDown() async throws { await running?.stop() }

    func quote(_ amount: UInt64 = 1_000_000_000, direct: Bool = true) async throws -> [String: Any] {
        let r = try await HTTP.get(
            "\(running.base)/v1/quote?inputMint=\(sol)&outputMint=\(usdc)&amount=\(amount)&onlyDirectRoutes=\(direct)&slippageBps=100")
        XCTAssertEqual(r.status, 200, r.text)
        return try r.object()
    }

    func post(_ path: String, _ body: [String: Any]) async throws -> HTTP.Reply {
        let data = try JSONSerialization.data(withJSONObject: body)
        return try await HTTP.request("POST", "\(running.base)\(path)", body: data, headers: ["content-type": "application/json"])
    }

    func testFreshQuoteGetsTheProgramsInstructions() async throws {
        let q = try await quote()
        let r = try await post("/v1/swap-instructions", ["quoteResponse": q, "userPublicKey": user, "wrapAndUnwrapSol": true])
        XCTAssertEqual(r.status, 200, r.text)
        let o = try r.object()
        let swaps = try XCTUnwrap(o["swapInstructions"] as? [[String: Any]])
        let plan = try XCTUnwrap(q["routePlan"] as? [[String: Any]])
        XCTAssertEqual(swaps.count, plan.count)
        XCTAssertFalse(swaps.isEmpty)
        // The same bytes as the planner builds from the store for that pool and the quote's threshold.
        let info = try XCTUnwrap(plan[0]["swapInfo"] as? [String: Any])
        let pool = try Pubkey(base58: try XCTUnwrap(info["ammKey"] as? String))
        let model = try XCTUnwrap(store.entry(pool)?.model)
        let out = try XCTUnwrap(UInt64(try XCTUnwrap(info["outAmount"] as? String)))
        let expected = try SwapInstructionPlan.build(
            hops: [
                .init(model: model, inputMint: KnownMints.wsol, amount: .exactIn(amountIn: 1_000_000_000, minimumAmountOut: out * 9_900 / 10_000))
            ],
            user: try Pubkey(base58: user), wrapAndUnwrapSol: true, accounts: StoreLookup(store: store), context: store.context())
        XCTAssertEqual(try XCTUnwrap(swaps[0]["data"] as? String), Data(expected.swaps[0].data).base64EncodedString())
        XCTAssertEqual(try XCTUnwrap(swaps[0]["programId"] as? String), DexRegistry.descriptor(model.dex)?.program.base58)
        let accounts = try XCTUnwrap(swaps[0]["accounts"] as? [[String: Any]])
        XCTAssertEqual(accounts.map { $0["pubkey"] as? String }, expected.swaps[0].accounts.map(\.pubkey.base58))
        XCTAssertTrue(accounts.contains { $0["pubkey"] as? String == user && $0["isSigner"] as? Bool == true })
        // SOL in: wrap in setup (system transfer + SyncNative), close the wSOL account after.
        let setup = try XCTUnwrap(o["setupInstructions"] as? [[String: Any]])
        XCTAssertTrue(setup.contains { $0["programId"] as? String == "11111111111111111111111111111111" })
        XCTAssertEqual((o["cleanupInstruction"] as? [String: Any])?["data"] as? String, "CQ==")
        XCTAssertEqual(o["addressLookupTableAddresses"] as? [String], [])
        XCTAssertEqual((o["contextSlot"] as? NSNumber)?.uint64Value, (q["contextSlot"] as? String).flatMap(UInt64.init))
        XCTAssertGreaterThan((o["computeUnitEstimate"] as? Int) ?? 0, 0)
    }

    static func le(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

    static func contains(_ data: [UInt8], _ needle: [UInt8]) -> Bool {
        guard data.count >= needle.count else { return false }
        return (0...(data.count - needle.count)).contains { Array(data[$0..<$0 + needle.count]) == needle }
    }

    /// The wSOL wrap's system transfer (instruction 2, u64 lamports) among the setup instructions.
    static func wrappedLamports(_ answer: [String: Any]) throws -> UInt64? {
        let setup = try XCTUnwrap(answer["setupInstructions"] as? [[String: Any]])
        for i in setup where i["programId"] as? String == "11111111111111111111111111111111" {
            let d = [UInt8](try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(i["data"] as? String))))
            if d.count == 12 && d[0..<4] == [2, 0, 0, 0] { return d[4..<12].reversed().reduce(0) { $0 << 8 | UInt64($1) } }
        }
        return nil
    }

    /// An ExactOut quote becomes the programs' exact-out swaps: the requested output and the
    /// slippage ceiling on the input are what the instruction carries, and the wrap is the ceiling.
    func testExactOutQuoteGetsExactOutInstructions() async throws {
        let out: UInt64 = 100_000_000
        let r = try await HTTP.get(
            "\(running.base)/v1/quote?inputMint=\(sol)&outputMint=\(usdc)&amount=\(out)&swapMode=ExactOut&slippageBps=75&onlyDirectRoutes=true")
        XCTAssertEqual(r.status, 200, r.text)
        let q = try r.object()
        let ceiling = try XCTUnwrap(UInt64(q["otherAmountThreshold"] as? String ?? ""))
        let inAmount = try XCTUnwrap(UInt64(q["inAmount"] as? String ?? ""))
        XCTAssertGreaterThan(ceiling, inAmount)
        let a = try await post("/v1/swap-instructions", ["quoteResponse": q, "userPublicKey": user, "wrapAndUnwrapSol": true])
        XCTAssertEqual(a.status, 200, a.text)
        let o = try a.object()
        let swaps = try XCTUnwrap(o["swapInstructions"] as? [[String: Any]])
        XCTAssertEqual(swaps.count, 1)
        let data = [UInt8](try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(swaps[0]["data"] as? String))))
        XCTAssertTrue(Self.contains(data, Self.le(out)), "the exact output is in the instruction")
        XCTAssertTrue(Self.contains(data, Self.le(ceiling)), "the input ceiling is in the instruction")
        XCTAssertFalse(Self.contains(data, Self.le(inAmount)), "not an exact-in swap of the quoted input")
        XCTAssertEqual(try Self.wrappedLamports(o), ceiling)
        // The planner's own exact-out instruction for that pool, byte for byte.
        let info = try XCTUnwrap((q["routePlan"] as? [[String: Any]])?.first?["swapInfo"] as? [String: Any])
        let model = try XCTUnwrap(store.entry(try Pubkey(base58: try XCTUnwrap(info["ammKey"] as? String)))?.model)
        let expected = try SwapInstructionPlan.build(
            hops: [.init(model: model, inputMint: KnownMints.wsol, amount: .exactOut(amountOut: out, maximumAmountIn: ceiling))],
            user: try Pubkey(base58: user), wrapAndUnwrapSol: true, accounts: StoreLookup(store: store), context: store.context())
        XCTAssertEqual(data, expected.swaps[0].data)
    }

    /// A split quote becomes one swap per leg, side by side: each leg's own input, one wrap of the total.
    func testSplitQuoteGetsOneSwapPerLeg() async throws {
        let amount: UInt64 = 3_000_000_000_000
        let q = try await quote(amount)
        let plan = try XCTUnwrap(q["routePlan"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(plan.count, 2, "3,000 SOL splits over the bundled SOL/USDC pools")
        XCTAssertEqual(plan.compactMap { $0["percent"] as? Int }.reduce(0, +), 100)
        let a = try await post("/v1/swap-instructions", ["quoteResponse": q, "userPublicKey": user, "wrapAndUnwrapSol": true])
        XCTAssertEqual(a.status, 200, a.text)
        let o = try a.object()
        let swaps = try XCTUnwrap(o["swapInstructions"] as? [[String: Any]])
        XCTAssertEqual(swaps.count, plan.count)
        for (leg, swap) in zip(plan, swaps) {
            let info = try XCTUnwrap(leg["swapInfo"] as? [String: Any])
            let legIn = try XCTUnwrap(UInt64(info["inAmount"] as? String ?? ""))
            let data = [UInt8](try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(swap["data"] as? String))))
            XCTAssertTrue(Self.contains(data, Self.le(legIn)), "leg input \(legIn) is in its instruction")
        }
        XCTAssertEqual(try Self.wrappedLamports(o), amount)
        // A split whose percents do not add up is refused.
        var broken = q
        var steps = plan
        steps[0]["percent"] = 1
        broken["routePlan"] = steps
        let bad = try await post("/v1/swap-instructions", ["quoteResponse": broken, "userPublicKey": user])
        XCTAssertEqual(bad.status, 400, bad.text)
    }

    func testTwoHopQuote() async throws {
        let pump = "pumpCmXqMfrsAkQ5r49WcJnRayYRqmXz6ae8H7H9Dfn"
        let r = try await HTTP.get("\(running.base)/v1/quote?inputMint=\(sol)&outputMint=\(pump)&amount=1000000000")
        XCTAssertEqual(r.status, 200, r.text)
        let q = try r.object()
        let hops = try XCTUnwrap(q["routePlan"] as? [[String: Any]]).count
        let a = try await post("/v1/swap-instructions", ["quoteResponse": q, "userPublicKey": user])
        XCTAssertEqual(a.status, 200, a.text)
        XCTAssertEqual(try XCTUnwrap(try a.object()["swapInstructions"] as? [[String: Any]]).count, hops)
    }

    func testStaleQuotesAreRefused409() async throws {
        // A quoted output the pool does not pay now.
        var q = try await quote()
        var plan = try XCTUnwrap(q["routePlan"] as? [[String: Any]])
        var info = try XCTUnwrap(plan[0]["swapInfo"] as? [String: Any])
        let out = try XCTUnwrap(UInt64(try XCTUnwrap(info["outAmount"] as? String)))
        info["outAmount"] = String(out + 1)
        plan[0]["swapInfo"] = info
        q["routePlan"] = plan
        let forged = try await post("/v1/swap-instructions", ["quoteResponse": q, "userPublicKey": user])
        XCTAssertEqual(forged.status, 409, forged.text)
        XCTAssertEqual(try forged.object()["error"] as? String, "quote_stale")

        // The pool changed after the quote's contextSlot (a newer write of its account).
        let fresh = try await quote()
        let pool = try Pubkey(
            base58: try XCTUnwrap(((fresh["routePlan"] as? [[String: Any]])?[0]["swapInfo"] as? [String: Any])?["ammKey"] as? String))
        var account = try XCTUnwrap(store.account(pool))
        account.slot += 10
        _ = store.apply(account, receivedAt: Date().timeIntervalSince1970)
        let moved = try await post("/v1/swap-instructions", ["quoteResponse": fresh, "userPublicKey": user])
        XCTAssertEqual(moved.status, 409, moved.text)
        XCTAssertEqual(try moved.object()["error"] as? String, "quote_stale")
        // Quoted again, it is served.
        let again = try await post("/v1/swap-instructions", ["quoteResponse": try await quote(), "userPublicKey": user])
        XCTAssertEqual(again.status, 200, again.text)
    }

    func testBadBodies() async throws {
        let q = try await quote()
        let cases: [([String: Any], String)] = [
            (["quoteResponse": q], "userPublicKey"),
            (["quoteResponse": q, "userPublicKey": "nope"], "userPublicKey"),
            (["userPublicKey": user], "quoteResponse"),
            (["quoteResponse": q, "userPublicKey": user, "slippageBps": 20_000], "slippageBps"),
            (["quoteResponse": q, "userPublicKey": user, "wrapAndUnwrapSol": "yes"], "wrapAndUnwrapSol"),
        ]
        for (body, field) in cases {
            let r = try await post("/v1/swap-instructions", body)
            XCTAssertEqual(r.status, 400, "\(field): \(r.text)")
            XCTAssertTrue(try XCTUnwrap(try r.object()["message"] as? String).contains(field), r.text)
        }
        let garbage = try await HTTP.request("POST", "\(running.base)/v1/swap-instructions", body: Data("{".utf8))
        XCTAssertEqual(garbage.status, 400)
    }

    func testOpportunityInstructions() async throws {
        // A SOL → USDC → SOL cycle through two pools, amounts from their own quotes at the cached state.
        let pools = store.entries().filter { e in
            guard let m = e.model, e.price != nil else { return false }
            return Set([m.mintA, m.mintB]) == Set([KnownMints.wsol, KnownMints.usdc]) && m is any SwapInstructionBuilder
        }
        XCTAssertGreaterThanOrEqual(pools.count, 2)
        let ctx = store.context()
        let a = try XCTUnwrap(pools[0].model), b = try XCTUnwrap(pools[1].model)
        let q1 = try a.quote(amountIn: 100_000_000, inputMint: KnownMints.wsol, context: ctx)
        let q2 = try b.quote(amountIn: q1.amountOut, inputMint: KnownMints.usdc, context: ctx)
        let slot = [pools[0], pools[1]].map(\.lastSlot).max() ?? 0
        func leg(_ q: Quote) -> [String: Any] {
            [
                "pool": q.pool.base58, "dex": q.dex.rawValue, "inputMint": q.inputMint.base58, "outputMint": q.outputMint.base58,
                "inAmount": String(q.amountIn), "outAmount": String(q.amountOut),
            ]
        }
        let opportunity: [String: Any] = [
            "inputMint": sol, "outputMint": sol, "inputAmount": "100000000", "outputAmount": String(q2.amountOut),
            "route": [leg(q1), leg(q2)], "slot": slot,
        ]
        let r = try await post("/v1/opportunities/instructions", ["opportunity": opportunity, "userPublicKey": user])
        XCTAssertEqual(r.status, 200, r.text)
        XCTAssertEqual(try XCTUnwrap(try r.object()["swapInstructions"] as? [[String: Any]]).count, 2)
        var broken = opportunity
        broken["slot"] = 0
        let stale = try await post("/v1/opportunities/instructions", ["opportunity": broken, "userPublicKey": user])
        XCTAssertGreaterThan(slot, 0)
        XCTAssertEqual(stale.status, 409, stale.text)
    }
}

/// The store as an account lookup (the route's own adapter is internal to Server).
struct StoreLookup: AccountLookup {
    let store: PoolStore
    func account(_ address: Pubkey) -> AccountData? { store.account(address) }
}
