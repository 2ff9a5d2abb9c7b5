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
