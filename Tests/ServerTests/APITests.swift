import Arbitrage
import PoolMath
import Cache
import Dex
import Foundation
import Server
import Simulator
import SolanaCore
import XCTest

/// Every endpoint over real HTTP on loopback, with the store fed from the bundled snapshots.
final class APITests: XCTestCase {
    var cluster: Cluster!
    var store: PoolStore!
    var ingest: FakeIngest!
    var arbitrage: FakeOpportunities!
    var running: RunningServer!

    override func setUp() async throws {
        cluster = try Feed.cluster()
        store = Feed.store(from: cluster)
        ingest = FakeIngest()
        arbitrage = FakeOpportunities()
        var settings = APIServer.Settings(port: 0)
        settings.maxBodyBytes = 4_096
        settings.maxURIBytes = 1_024
        settings.maxStreamClients = 2
        running = try await RunningServer(
            store: store, settings: settings, ingest: ingest, opportunities: arbitrage,
            configNotes: [.init(entry: "pools[12]", address: "DrRd8gYMJu9XGxLhwTCPdHNLXCKHsxJtMpbn62YqmwQe", reason: "prop AMM")])
    }

    override func tearDown() async throws {
        await running?.stop()
    }

    var base: String { running.base }
    let sol = KnownMints.wsol.base58, usdc = KnownMints.usdc.base58

    func testLegacyHealthAndPrices() async throws {
        let health = try await HTTP.get("\(base)/health")
        XCTAssertEqual(health.status, 200)
        let h = try health.object()
        XCTAssertEqual(h["status"] as? String, "ok")
        let pricedPools = store.entries().filter { $0.price != nil }.count
        XCTAssertGreaterThan(pricedPools, 5)
        XCTAssertEqual(h["cached_pools"] as? Int, pricedPools)
        XCTAssertGreaterThan(h["cached_pairs"] as? Int ?? 0, 1)

        let prices = try await HTTP.get("\(base)/prices").array()
        XCTAssertEqual(prices.count, pricedPools)
        for row in prices {
            XCTAssertEqual(Set(row.keys), ["pool_id", "dex_name", "pair", "price", "base_reserve", "quote_reserve", "age_ms"])
            XCTAssertTrue(row["price"] is NSNumber, "price must be a JSON number for the original client")
        }
        // SOL/USDC rows read as USDC per SOL whatever the pool's token order, and agree with each other.
        let solUsdc = prices.filter { $0["pair"] as? String == "SOL/USDC" }
        XCTAssertGreaterThanOrEqual(solUsdc.count, 4)
        for row in solUsdc {
            let p = try XCTUnwrap(row["price"] as? Double)
            XCTAssertTrue((20...500).contains(p), "SOL/USDC price \(p) from \(row["dex_name"]!)")
        }
        // The Raydium AMM v4 price is the exact one from the pool's vaults.
        let amm = try XCTUnwrap(solUsdc.first { $0["pool_id"] as? String == "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2" })
        let entry = try XCTUnwrap(store.entry(Pubkey("58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2")))
        XCTAssertEqual(amm["price"] as? Double ?? 0, entry.price!.priceBPerA.doubleValue, accuracy: 1e-9)
        XCTAssertEqual((amm["base_reserve"] as? NSNumber)?.uint64Value, entry.price!.reserveA)
    }

    func testPairEndpointEncodingReversalAndUnknown() async throws {
        let encoded = try await HTTP.get("\(base)/prices/SOL%2FUSDC").array()
        XCTAssertGreaterThanOrEqual(encoded.count, 4)
        XCTAssertTrue(encoded.allSatisfy { $0["pair"] as? String == "SOL/USDC" })
        let slash = try await HTTP.get("\(base)/prices/SOL/USDC").array()
        XCTAssertEqual(slash.count, encoded.count)
        let reversed = try await HTTP.get("\(base)/prices/usdc%2Fsol").array()
        XCTAssertEqual(reversed.count, encoded.count)
        let r0 = try XCTUnwrap(reversed.first { $0["pool_id"] as? String == encoded[0]["pool_id"] as? String })
        XCTAssertEqual(r0["price"] as? Double ?? 0, 1 / (encoded[0]["price"] as? Double ?? 1), accuracy: 1e-12)
        XCTAssertEqual(r0["pair"] as? String, "USDC/SOL")

        let unknown = try await HTTP.get("\(base)/prices/DOGE%2FUSDC")
        XCTAssertEqual(unknown.status, 200)
        XCTAssertEqual(try unknown.array().count, 0)
        let bad = try await HTTP.get("\(base)/prices/SOLUSDC")
        XCTAssertEqual(bad.status, 400)
        XCTAssertEqual(try bad.object()["error"] as? String, "invalid_parameter")
    }

    func testScanArbitrageLegacyShapeAndMalformedBodies() async throws {
        arbitrage.legacy = [
            PairGap(
                poolA: Pubkey(w0: 1, w1: 0, w2: 0, w3: 0), poolADex: .raydiumAmmV4, poolAPrice: Ratio(815, 10),
                poolB: Pubkey(w0: 2, w1: 0, w2: 0, w3: 0), poolBDex: .orcaWhirlpool, poolBPrice: Ratio(819, 10), pair: "SOL/USDC",
                priceDiffPercent: Ratio(49, 100), estimatedProfitPercent: Ratio(2, 10), ageMs: 120)
        ]
        let r = try await HTTP.post("\(base)/scan-arbitrage", #"{"threshold_pct": 0.3}"#)
        XCTAssertEqual(r.status, 200)
        let o = try r.object()
        XCTAssertEqual(o["count"] as? Int, 1)
        let first = try XCTUnwrap((o["opportunities"] as? [[String: Any]])?.first)
        XCTAssertEqual(
            Set(first.keys),
            [
                "pool_a_id", "pool_a_dex", "pool_a_price", "pool_b_id", "pool_b_dex", "pool_b_price", "pair",
                "price_diff_pct", "estimated_profit_pct", "age_ms",
            ])
        XCTAssertEqual(arbitrage.lastThreshold, .some(0.3))
        let none = try await HTTP.post("\(base)/scan-arbitrage", #"{"threshold_pct": 5}"#).object()
        XCTAssertEqual(none["count"] as? Int, 0)
        // 0 and 1 are numbers, not booleans (a JSON decoder that bridges them to Bool once refused them).
        for (text, value, count) in [("0", 0.0, 1), ("1", 1.0, 0), ("0.49", 0.49, 1)] {
            let r = try await HTTP.post("\(base)/scan-arbitrage", #"{"threshold_pct": \#(text)}"#)
            XCTAssertEqual(r.status, 200, "threshold_pct \(text): \(r.text)")
            XCTAssertEqual(try r.object()["count"] as? Int, count, "threshold_pct \(text)")
            XCTAssertEqual(arbitrage.lastThreshold, .some(value), "threshold_pct \(text)")
        }
        // Empty body: no threshold, so the provider applies router.min_roi_percent instead.
        do { let v = try await HTTP.request("POST", "\(base)/scan-arbitrage").status; XCTAssertEqual(v, 200) }
        XCTAssertEqual(arbitrage.lastThreshold, .some(nil))
        _ = try await HTTP.post("\(base)/scan-arbitrage", #"{"other": 1}"#)
        XCTAssertEqual(arbitrage.lastThreshold, .some(nil), "a body without threshold_pct is no threshold either")

        for body in [
            #"{"threshold_pct": "#, "not json", #"[1,2]"#, #"{"threshold_pct": "high"}"#, #"{"threshold_pct": -1}"#, #"{"threshold_pct": true}"#,
        ] {
            let bad = try await HTTP.post("\(base)/scan-arbitrage", body)
            XCTAssertEqual(bad.status, 400, body)
            let e = try bad.object()
            XCTAssertNotNil(e["error"] as? String, body)
            XCTAssertFalse(bad.text.contains("Swift"), bad.text)
        }
        let huge = try await HTTP.post(
            "\(base)/scan-arbitrage", #"{"threshold_pct": 0.3, "pad": ""# + String(repeating: "x", count: 100_000) + #""}"#)
        XCTAssertEqual(huge.status, 413)
        XCTAssertEqual(try huge.object()["error"] as? String, "body_too_large")
    }

    func testPoolsListOneAddRemove() async throws {
        let list = try await HTTP.get("\(base)/v1/pools").object()
        XCTAssertEqual(list["count"] as? Int, store.poolCount)
        let pools = try XCTUnwrap(list["pools"] as? [[String: Any]])
        let amm = try XCTUnwrap(pools.first { $0["address"] as? String == "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2" })
        XCTAssertEqual(amm["dex"] as? String, "raydium-amm-v4")
        XCTAssertEqual(amm["status"] as? String, "ok")
        XCTAssertTrue(amm["reserve_a"] is String, "u64 as strings in /v1")
        XCTAssertTrue(amm["slot"] is String)
        XCTAssertEqual(amm["decimals_a"] as? Int, 9)
        XCTAssertEqual(amm["decimals_b"] as? Int, 6)

        let filtered = try await HTTP.get("\(base)/v1/pools?dex=orca-whirlpool&mint=\(sol)").object()
        XCTAssertTrue((filtered["pools"] as? [[String: Any]] ?? []).allSatisfy { $0["dex"] as? String == "orca-whirlpool" })
        XCTAssertGreaterThan(filtered["count"] as? Int ?? 0, 0)
        do { let v = try await HTTP.get("\(base)/v1/pools?dex=nope").status; XCTAssertEqual(v, 400) }
        do { let v = try await HTTP.get("\(base)/v1/pools?limit=0").status; XCTAssertEqual(v, 400) }
        do { let v = try await HTTP.get("\(base)/v1/pools?mint=xyz").status; XCTAssertEqual(v, 400) }

        let one = try await HTTP.get("\(base)/v1/pools/58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2").object()
        let watched = try XCTUnwrap(one["accounts_watched"] as? [String])
        XCTAssertTrue(watched.contains("DQyrAcCrDXQ7NeoqGgDCZwBvWDcYmFCjSb9JtteuvPpz"), "coin vault watched")
        do { let v = try await HTTP.get("\(base)/v1/pools/11111111111111111111111111111111").status; XCTAssertEqual(v, 404) }
        do { let v = try await HTTP.get("\(base)/v1/pools/not-a-key").status; XCTAssertEqual(v, 400) }

        // Add: a new address goes to the store and to ingestion.
        let newPool = "HJPjoWUrhoZzkNfRpHuieeFk9WcZWjwy6PBjZ81ngndJ"
        let added = try await HTTP.post("\(base)/v1/pools", #"{"address":"\#(newPool)","name":"SOL/USDC ts=64","pool_type":"whirlpool"}"#)
        XCTAssertEqual(added.status, 201, added.text)
        XCTAssertEqual(try added.object()["status"] as? String, "pending")
        XCTAssertEqual(ingest.added.map(\.address.base58), [newPool])
        do { let v = try await HTTP.post("\(base)/v1/pools", #"{"address":"\#(newPool)"}"#).status; XCTAssertEqual(v, 409) }
        do { let v = try await HTTP.post("\(base)/v1/pools", #"{"address":"\#(newPool)x"}"#).status; XCTAssertEqual(v, 400) }
        do { let v = try await HTTP.post("\(base)/v1/pools", #"{"name":"no address"}"#).status; XCTAssertEqual(v, 400) }
        do {
            let v = try await HTTP.post("\(base)/v1/pools", #"{"address":"5zvhFRN45j9oePohUQ739Z4UaSrgPoJ8NLaS2izFuX1j","pool_type":"lifinity_v2"}"#)
                .status;
            XCTAssertEqual(v, 422)
        }
        do { let v = try await HTTP.post("\(base)/v1/pools", "{").status; XCTAssertEqual(v, 400) }
        // Decoded bodies: a field of the wrong type is a 400 naming that field; a non-object is malformed_json.
        for (body, param) in [
            (#"{"address": 7}"#, "address"), (#"{"address":"\#(newPool)","name": 5}"#, "name"),
            (#"{"address":"\#(newPool)","pool_type": ["clmm"]}"#, "pool_type"),
        ] {
            let r = try await HTTP.post("\(base)/v1/pools", body)
            XCTAssertEqual(r.status, 400, body)
            XCTAssertEqual(try r.object()["error"] as? String, "invalid_parameter", body)
            XCTAssertTrue((try r.object()["message"] as? String ?? "").hasPrefix("\(param):"), body)
        }
        let notObject = try await HTTP.post("\(base)/v1/pools", "[1]")
        XCTAssertEqual(notObject.status, 400)
        XCTAssertEqual(try notObject.object()["error"] as? String, "malformed_json")

        let removed = try await HTTP.request("DELETE", "\(base)/v1/pools/\(newPool)")
        XCTAssertEqual(removed.status, 200)
        XCTAssertNil(store.entry(try Pubkey(base58: newPool)))
        XCTAssertEqual(ingest.removed.map(\.base58), [newPool])
        do { let v = try await HTTP.request("DELETE", "\(base)/v1/pools/\(newPool)").status; XCTAssertEqual(v, 404) }
    }

    func testAccountsEndpointReturnsCachedBytes() async throws {
        let vault = Pubkey("DQyrAcCrDXQ7NeoqGgDCZwBvWDcYmFCjSb9JtteuvPpz")
        let o = try await HTTP.get("\(base)/v1/accounts/\(vault)").object()
        let held = try XCTUnwrap(store.account(vault))
        XCTAssertEqual(o["address"] as? String, vault.base58)
        XCTAssertEqual(o["owner"] as? String, held.owner.base58)
        XCTAssertEqual(o["slot"] as? String, String(held.slot))
        XCTAssertEqual(Data(base64Encoded: o["data_base64"] as? String ?? "").map { [UInt8]($0) }, held.data)
        do { let v = try await HTTP.get("\(base)/v1/accounts/So11111111111111111111111111111111111111111").status; XCTAssertEqual(v, 404) }
        do { let v = try await HTTP.get("\(base)/v1/accounts/0OIl").status; XCTAssertEqual(v, 400) }
    }

    func testAccountsListPagesEveryWatchedAccount() async throws {
        let watched = store.watchedAccounts().sorted().map(\.base58)
        var seen: [String] = []
        var offset = 0
        while true {
            let page = try await HTTP.get("\(base)/v1/accounts?limit=7&offset=\(offset)").object()
            XCTAssertEqual(page["count"] as? Int, watched.count)
            let list = try XCTUnwrap(page["accounts"] as? [[String: Any]])
            XCTAssertLessThanOrEqual(list.count, 7)
            for a in list {
                let address = try XCTUnwrap(a["address"] as? String)
                seen.append(address)
                let held = store.account(try Pubkey(base58: address))
                XCTAssertEqual(a["cached"] as? Bool, held != nil, address)
                if let held {
                    XCTAssertEqual(a["slot"] as? String, String(held.slot))
                    XCTAssertEqual(Data(base64Encoded: a["data_base64"] as? String ?? "").map { [UInt8]($0) }, held.data)
                }
            }
            offset += list.count
            if list.isEmpty { break }
        }
        XCTAssertEqual(seen, watched, "every watched account once, in address order")
        do { let v = try await HTTP.get("\(base)/v1/accounts?limit=0").status; XCTAssertEqual(v, 400) }
    }

    func testQuoteDirectMatchesPoolModelsExactly() async throws {
        let amount: UInt64 = 1_000_000_000
        let r = try await HTTP.get("\(base)/v1/quote?inputMint=\(sol)&outputMint=\(usdc)&amount=\(amount)&onlyDirectRoutes=true")
        XCTAssertEqual(r.status, 200, r.text)
        let q = try r.object()
        XCTAssertEqual(q["inAmount"] as? String, "1000000000")
        let plan = try XCTUnwrap(q["routePlan"] as? [[String: Any]])
        XCTAssertEqual(plan.count, 1)
        // Best = the max over every SOL/USDC pool's own exact quote.
        let ctx = store.context()
        // A pool may refuse with a typed QuoteError (not open, no liquidity); anything else fails the test.
        let outs = try store.entries().compactMap { e -> UInt64? in
            guard let m = e.model, e.price != nil, Set([m.mintA, m.mintB]) == Set([KnownMints.wsol, KnownMints.usdc]) else { return nil }
            let quote: Quote
            do { quote = try m.quote(amountIn: amount, inputMint: KnownMints.wsol, context: ctx) } catch is QuoteError { return nil }
            return quote.partial == nil ? quote.amountOut : nil
        }
        XCTAssertGreaterThanOrEqual(outs.count, 4)
        XCTAssertEqual(q["outAmount"] as? String, String(outs.max()!))
        let info = try XCTUnwrap(plan[0]["swapInfo"] as? [String: Any])
        XCTAssertEqual(info["outAmount"] as? String, q["outAmount"] as? String)
        XCTAssertNotNil(Double(q["priceImpactPct"] as? String ?? ""))
        XCTAssertTrue(q["otherAmountThreshold"] is String)
    }

    func testQuoteTwoHopsThroughBridge() async throws {
        // PUMP → USDC: direct PumpSwap PUMP/USDC, or PUMP → SOL → USDC through a bridge.
        let pump = "pumpCmXqMfrsAkQ5r49WcJnRayYRqmXz6ae8H7H9Dfn"
        let r = try await HTTP.get("\(base)/v1/quote?inputMint=\(pump)&outputMint=\(usdc)&amount=1000000000")
        XCTAssertEqual(r.status, 200, r.text)
        let plan = try XCTUnwrap(try r.object()["routePlan"] as? [[String: Any]])
        XCTAssertFalse(plan.isEmpty)
        // mSOL → USDC has no direct pool: it must go through SOL.
        let msol = "mSoLzYCxHdYgdzU16g5QSh3i5K3z3KZK7ytfqcJm7So"
        let two = try await HTTP.get("\(base)/v1/quote?inputMint=\(msol)&outputMint=\(usdc)&amount=1000000000")
        if store.entries().contains(where: { $0.price?.mintA.base58 == msol || $0.price?.mintB.base58 == msol }) {
            XCTAssertEqual(two.status, 200, two.text)
            let hops = try XCTUnwrap(try two.object()["routePlan"] as? [[String: Any]])
            XCTAssertEqual(hops.count, 2)
            let h0 = try XCTUnwrap(hops[0]["swapInfo"] as? [String: Any]), h1 = try XCTUnwrap(hops[1]["swapInfo"] as? [String: Any])
            XCTAssertEqual(h0["outputMint"] as? String, h1["inputMint"] as? String)
            XCTAssertEqual(h0["outAmount"] as? String, h1["inAmount"] as? String)
            XCTAssertEqual(try two.object()["outAmount"] as? String, h1["outAmount"] as? String)
        } else {
            XCTAssertEqual(two.status, 404)
        }
    }

    func testQuoteExactOut() async throws {
        let out: UInt64 = 100_000_000  // exactly 100 USDC
        let r = try await HTTP.get("\(base)/v1/quote?inputMint=\(sol)&outputMint=\(usdc)&amount=\(out)&swapMode=ExactOut&slippageBps=75")
        XCTAssertEqual(r.status, 200, r.text)
        let q = try r.object()
        XCTAssertEqual(q["swapMode"] as? String, "ExactOut")
        XCTAssertEqual(q["outAmount"] as? String, String(out))
        // The least input over every SOL/USDC pool's own exact-out quote (pools without one refuse, typed).
        let ctx = store.context()
        let ins = try store.entries().compactMap { e -> UInt64? in
            guard let m = e.model, e.price != nil, Set([m.mintA, m.mintB]) == Set([KnownMints.wsol, KnownMints.usdc]) else { return nil }
            do { return try m.quoteExactOut(amountOut: out, inputMint: KnownMints.wsol, context: ctx).amountIn } catch is QuoteError { return nil }
        }
        XCTAssertGreaterThanOrEqual(ins.count, 4)
        let inAmount = try XCTUnwrap(UInt64(q["inAmount"] as? String ?? ""))
        XCTAssertEqual(inAmount, ins.min())
        // Jupiter's ExactOut threshold: the most input after slippage, ceil(in · (1 + 75 bps)).
        XCTAssertEqual(q["otherAmountThreshold"] as? String, String((inAmount * 10_075 + 9_999) / 10_000))
        let plan = try XCTUnwrap(q["routePlan"] as? [[String: Any]])
        let info = try XCTUnwrap(plan.first?["swapInfo"] as? [String: Any])
        XCTAssertEqual(info["inAmount"] as? String, q["inAmount"] as? String)
        XCTAssertEqual((plan.last?["swapInfo"] as? [String: Any])?["outAmount"] as? String, String(out))
        // PumpSwap has no exact-out swap: its only pair has no ExactOut route.
        let meme = "7LSsEoJGhLeZzGvDofTdNg7M3JttxQqGWNLo6vWMpump"
        let none = try await HTTP.get("\(base)/v1/quote?inputMint=\(sol)&outputMint=\(meme)&amount=1000&swapMode=ExactOut")
        XCTAssertEqual(none.status, 404, none.text)
        XCTAssertTrue(none.text.contains("exact-out quotes are not supported"), none.text)
    }

    func testQuoteSplitsAcrossPoolsOfThePair() async throws {
        let amount: UInt64 = 3_000_000_000_000  // 3,000 SOL: deeper than any one pool's flat range
        let single = try await HTTP.get("\(base)/v1/quote?inputMint=\(sol)&outputMint=\(usdc)&amount=\(amount)&maxSplits=1").object()
        XCTAssertEqual((single["routePlan"] as? [[String: Any]])?.map { $0["percent"] as? Int }, [100])
        let r = try await HTTP.get("\(base)/v1/quote?inputMint=\(sol)&outputMint=\(usdc)&amount=\(amount)")  // default maxSplits 3
        XCTAssertEqual(r.status, 200, r.text)
        let q = try r.object()
        let plan = try XCTUnwrap(q["routePlan"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(plan.count, 2, "3,000 SOL over the bundled SOL/USDC pools should split: \(r.text)")
        XCTAssertLessThanOrEqual(plan.count, 3)
        XCTAssertEqual(plan.compactMap { $0["percent"] as? Int }.reduce(0, +), 100)
        let legs = try plan.map { try XCTUnwrap($0["swapInfo"] as? [String: Any]) }
        XCTAssertEqual(legs.compactMap { UInt64($0["inAmount"] as? String ?? "") }.reduce(0, +), amount)
        XCTAssertEqual(legs.compactMap { UInt64($0["outAmount"] as? String ?? "") }.reduce(0, +), UInt64(q["outAmount"] as? String ?? ""))
        XCTAssertGreaterThan(UInt64(q["outAmount"] as? String ?? "") ?? 0, UInt64(single["outAmount"] as? String ?? "") ?? .max)
        for bad in ["maxSplits=0", "maxSplits=11", "maxSplits=x", "swapMode=exactin", "swapMode=Both"] {
            let b = try await HTTP.get("\(base)/v1/quote?inputMint=\(sol)&outputMint=\(usdc)&amount=1000&\(bad)")
            XCTAssertEqual(b.status, 400, "\(bad): \(b.text)")
        }
    }

    func testQuoteBadInputs() async throws {
        let cases: [(String, Int)] = [
            ("inputMint=\(sol)&outputMint=\(usdc)", 400),
            ("inputMint=\(sol)&outputMint=\(usdc)&amount=0", 400),
            ("inputMint=\(sol)&outputMint=\(usdc)&amount=-5", 400),
            ("inputMint=\(sol)&outputMint=\(usdc)&amount=18446744073709551616", 400),
            ("inputMint=\(sol)&outputMint=\(usdc)&amount=1e9", 400),
            ("inputMint=bad&outputMint=\(usdc)&amount=1", 400),
            ("inputMint=\(sol)&outputMint=\(sol)&amount=1", 400),
            ("inputMint=\(sol)&outputMint=\(usdc)&amount=1&slippageBps=20000", 400),
            ("inputMint=11111111111111111111111111111111&outputMint=\(usdc)&amount=1", 404),
        ]
        for (query, status) in cases {
            let r = try await HTTP.get("\(base)/v1/quote?\(query)")
            XCTAssertEqual(r.status, status, "\(query): \(r.text)")
            XCTAssertNotNil(try r.object()["error"] as? String)
        }
        // The largest u64: an exact answer or a clear error, never a crash.
        let max = try await HTTP.get("\(base)/v1/quote?inputMint=\(sol)&outputMint=\(usdc)&amount=18446744073709551615")
        XCTAssertTrue([200, 404].contains(max.status), max.text)
        do { let v = try await HTTP.get("\(base)/health").status; XCTAssertEqual(v, 200) }
    }

    func testLimitsURIAndUnknownRoutes() async throws {
        let long = try await HTTP.get("\(base)/v1/pools?mint=" + String(repeating: "A", count: 5_000))
        XCTAssertEqual(long.status, 414)
        XCTAssertEqual(try long.object()["error"] as? String, "uri_too_long")
        let missing = try await HTTP.get("\(base)/nope")
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(try missing.object()["error"] as? String, "not_found")
        let wrongMethod = try await HTTP.request("PUT", "\(base)/v1/pools")
        XCTAssertTrue([404, 405].contains(wrongMethod.status))
        XCTAssertNotNil(try wrongMethod.object()["error"])
    }

    func testOpportunitiesLiveAndErrors() async throws {
        arbitrage.standing = [FakeOpportunities.sample()]
        let o = try await HTTP.get("\(base)/v1/opportunities").object()
        XCTAssertEqual(o["source"] as? String, "live")
        let first = try XCTUnwrap((o["opportunities"] as? [[String: Any]])?.first)
        XCTAssertEqual(first["inputAmount"] as? String, "1000000000")
        XCTAssertEqual(first["profit"] as? String, "3000000")
        XCTAssertEqual((first["route"] as? [[String: Any]])?.count, 2)
        XCTAssertEqual(first["detectedAt"] as? Int, 1_783_355_400_250)
        // No database in this server.
        do { let v = try await HTTP.get("\(base)/v1/opportunities?history=true").status; XCTAssertEqual(v, 503) }
        do { let v = try await HTTP.get("\(base)/v1/opportunities?limit=abc").status; XCTAssertEqual(v, 400) }
    }

    func testV1HealthMetricsOpenAPI() async throws {
        let h = try await HTTP.get("\(base)/v1/health").object()
        XCTAssertEqual(h["pools_total"] as? Int, store.poolCount)
        let pools = try XCTUnwrap(h["pools"] as? [[String: Any]])
        XCTAssertEqual(pools.count, store.poolCount)
        XCTAssertTrue(pools.allSatisfy { $0["status"] is String && $0["address"] is String })
        let connections = try XCTUnwrap(h["connections"] as? [[String: Any]])
        XCTAssertEqual(connections.first?["state"] as? String, "live")
        XCTAssertEqual(connections.first?["subscriptions"] as? Int, 12)
        XCTAssertEqual(connections.first?["account_subscriptions"] as? Int, 8)
        XCTAssertEqual(connections.first?["program_subscriptions"] as? Int, 3)
        XCTAssertEqual(connections.first?["updates_received"] as? String, "500")
        XCTAssertEqual(connections.first?["updates_applied"] as? String, "420")
        XCTAssertEqual(connections.first?["updates_dropped_unfollowed"] as? String, "70")
        XCTAssertEqual((h["rejected_config"] as? [[String: Any]])?.first?["entry"] as? String, "pools[12]")

        _ = try await HTTP.get("\(base)/prices")
        let metrics = try await HTTP.get("\(base)/metrics")
        XCTAssertEqual(metrics.status, 200)
        XCTAssertTrue(metrics.headers["content-type"]?.hasPrefix("text/plain") ?? false)
        XCTAssertTrue(metrics.text.contains(#"spc_http_requests_total{route="/prices",method="GET",status="200"} 1"#), metrics.text)
        XCTAssertTrue(metrics.text.contains(#"spc_pools{status="ok"}"#))
        XCTAssertTrue(metrics.text.contains("spc_ingest_notifications_total 42"), metrics.text)
        XCTAssertTrue(metrics.text.contains(#"spc_connection_subscriptions{connection="0",kind="program"} 3"#), metrics.text)
        XCTAssertTrue(metrics.text.contains(#"spc_connection_updates{connection="0",outcome="dropped_unfollowed"} 70"#), metrics.text)

        let doc = try await HTTP.get("\(base)/v1/openapi.json").object()
        XCTAssertEqual((doc["openapi"] as? String)?.prefix(2), "3.")
        let paths = try XCTUnwrap(doc["paths"] as? [String: Any])
        for p in [
            "/v1/pools", "/v1/pools/{address}", "/v1/quote", "/v1/accounts", "/v1/accounts/{address}", "/v1/opportunities", "/v1/health",
            "/v1/stream",
        ] {
            XCTAssertNotNil(paths[p], p)
        }
    }

    func testSixtyFourConcurrentRequestsAreAllAnswered() async throws {
        // Many concurrent requests over real sockets: all answered, none crash the server (the
        // connection limit itself is HostileClientTests.testConnectionLimitIsEnforcedAndIdleSlotsAreReclaimed).
        try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<64 { group.addTask { try await HTTP.get("\(self.base)/\(i % 2 == 0 ? "health" : "prices")").status } }
            for try await status in group { XCTAssertEqual(status, 200) }
        }
    }
}
