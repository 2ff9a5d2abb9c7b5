import Cache
import Config
import Dex
import Foundation
import HummingbirdWSClient
import Logging
import Server
import SolanaCore
import XCTest

/// `[api] auth_token`: mutating routes need the bearer token; on a non-loopback listener every
/// route but `/health` does (the stream also by `?access_token=`); a non-loopback listener without
/// a token does not start unless `allow_unauthenticated` says so.
final class AuthTests: XCTestCase {
    let token = "s3cret-\(UUID().uuidString)"
    /// A pool not in the store (adding it needs the token).
    var pool: String { #"{"address":"\#(Pubkey(bytes: [UInt8](repeating: 7, count: 32))!.base58)","pool_type":"amm_v4"}"# }

    func testMutatingRoutesNeedTheTokenOnLoopback() async throws {
        var settings = APIServer.Settings(port: 0)
        settings.authToken = token
        let metrics = ServiceMetrics()
        let ingest = FakeIngest()
        let running = try await RunningServer(store: Feed.store(from: try Feed.cluster()), settings: settings, ingest: ingest, metrics: metrics)
        defer { Task { await running.stop() } }
        let base = running.base

        let none = try await HTTP.request("POST", "\(base)/v1/pools", body: Data(pool.utf8))
        XCTAssertEqual(none.status, 401, none.text)
        XCTAssertEqual(none.headers["www-authenticate"], #"Bearer realm="solana-pool-cache""#)
        XCTAssertEqual(try none.object()["error"] as? String, "unauthorized")
        let wrong = try await HTTP.request("POST", "\(base)/v1/pools", body: Data(pool.utf8), headers: ["Authorization": "Bearer \(token)x"])
        XCTAssertEqual(wrong.status, 401)
        let deleteWithout = try await HTTP.request("DELETE", "\(base)/v1/pools/58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2")
        XCTAssertEqual(deleteWithout.status, 401)
        XCTAssertTrue(ingest.added.isEmpty && ingest.removed.isEmpty, "nothing changed without the token")

        let with = try await HTTP.request("POST", "\(base)/v1/pools", body: Data(pool.utf8), headers: ["Authorization": "Bearer \(token)"])
        XCTAssertTrue((200..<300).contains(with.status), with.text)
        XCTAssertEqual(ingest.added.count, 1)
        // Reads stay open on loopback, the original's POST /scan-arbitrage included.
        let prices = try await HTTP.get("\(base)/prices")
        XCTAssertEqual(prices.status, 200)
        let scan = try await HTTP.post("\(base)/scan-arbitrage", #"{"threshold_pct":0.3}"#)
        XCTAssertNotEqual(scan.status, 401)
        // So are the instruction builders (they compute an answer and change nothing): a bad body is a 400, not a 401.
        for path in ["/v1/swap-instructions", "/v1/opportunities/instructions"] {
            let r = try await HTTP.post("\(base)\(path)", "{}")
            XCTAssertEqual(r.status, 400, "\(path): \(r.text)")
        }
        XCTAssertEqual(metrics.counterValue("spc_http_unauthorized_total"), 3)
        // The token is never echoed.
        for path in ["/v1/health", "/metrics"] {
            let body = try await HTTP.get("\(base)\(path)").text
            XCTAssertFalse(body.contains(token), "token in \(path)")
        }
        XCTAssertFalse(none.text.contains(token) || wrong.text.contains(token))
    }

    func testANonLoopbackListenerNeedsTheTokenEverywhereButHealth() async throws {
        var settings = APIServer.Settings(host: "0.0.0.0", port: 0)
        settings.authToken = token
        let running = try await RunningServer(store: Feed.store(from: try Feed.cluster()), settings: settings)
        defer { Task { await running.stop() } }
        let base = running.base
        let health = try await HTTP.get("\(base)/health")
        XCTAssertEqual(health.status, 200)
        // The dashboard's files hold no data: they load without the token, then the page sends it.
        for path in ["/", "/dashboard", "/dashboard/dashboard.js", "/dashboard/dashboard.css"] {
            let r = try await HTTP.get("\(base)\(path)")
            XCTAssertEqual(r.status, 200, path)
            XCTAssertFalse(r.text.isEmpty, path)
            XCTAssertFalse(r.text.contains(token), path)
        }
        let js = try await HTTP.get("\(base)/dashboard/dashboard.js")
        XCTAssertEqual(js.headers["content-type"], "text/javascript; charset=utf-8")
        XCTAssertTrue(js.text.contains("Authorization: \"Bearer \" + state.token") && js.text.contains("access_token="), "the page sends the token")
        for path in ["/prices", "/v1/pools", "/v1/health", "/metrics"] {
            let r = try await HTTP.get("\(base)\(path)")
            XCTAssertEqual(r.status, 401, path)
            let ok = try await HTTP.request("GET", "\(base)\(path)", headers: ["Authorization": "Bearer \(token)"])
            XCTAssertEqual(ok.status, 200, path)
        }
        // Read-only POSTs too, beyond loopback.
        let swap = try await HTTP.post("\(base)/v1/swap-instructions", "{}")
        XCTAssertEqual(swap.status, 401, swap.text)
        // The stream: refused without the token, open with ?access_token= (browsers cannot set headers).
        do {
            _ = try await WebSocketClient.connect(url: "ws://127.0.0.1:\(running.port)/v1/stream", logger: Logger(label: "t")) { _, _, _ in
                XCTFail("upgraded without a token")
            }
            XCTFail("the stream accepted a client without a token")
        } catch {}
        let hello = try await WebSocketClient.connect(
            url: "ws://127.0.0.1:\(running.port)/v1/stream?access_token=\(token)", logger: Logger(label: "t")
        ) { inbound, outbound, _ in
            var it = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
            if case .text(let t)? = try await it.next() { XCTAssertTrue(t.contains(#""type":"hello""#), t) } else { XCTFail("no hello") }
            try await outbound.close(.normalClosure, reason: nil)
        }
        _ = hello
    }

    func testNonLoopbackWithoutATokenDoesNotStart() throws {
        let head = "[websocket]\nurl = \"ws://127.0.0.1:1\"\n[api]\nhost = \"0.0.0.0\"\n"
        XCTAssertThrowsError(try ConfigLoader.parse(head)) { e in
            XCTAssertEqual((e as? ConfigError)?.key, "api.auth_token", "\(e)")
            XCTAssertTrue("\(e)".contains("0.0.0.0"), "\(e)")
        }
        XCTAssertTrue(try ConfigLoader.parse(head + "allow_unauthenticated = true\n").api.allowUnauthenticated)
        let withToken = try ConfigLoader.parse(head + "auth_token = \"${SPC_API_TOKEN}\"\n", environment: ["SPC_API_TOKEN": token])
        XCTAssertEqual(withToken.api.authToken, token)
        XCTAssertEqual(try ConfigLoader.parse(head, authToken: token).api.authToken, token, "--token-env stands in for the key")
        XCTAssertThrowsError(try ConfigLoader.parse(head + "auth_token = \"short\"\n")) { e in
            XCTAssertEqual((e as? ConfigError)?.key, "api.auth_token")
            XCTAssertFalse("\(e)".contains("short"), "the token is not echoed")
        }
        XCTAssertNil(try ConfigLoader.parse("[websocket]\nurl = \"ws://127.0.0.1:1\"\n").api.authToken, "loopback needs no token")
    }
}
