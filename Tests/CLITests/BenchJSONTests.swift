@testable import CLI
import Foundation
import XCTest

/// `bench --json` carries every figure the performance issue asks for. Runs every benchmark piece
/// in-process with a handful of samples (the `tiny` profile) — the real simulator, ingestion over
/// loopback WebSocket and the HTTP API included — and checks the JSON shape, not the speed.
final class BenchJSONTests: XCTestCase {
    func testJSONHasEveryRequiredRow() async throws {
        let results = try await BenchCommand.collect(.tiny)
        let text = BenchCommand.render(results)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let machine = try XCTUnwrap(object["machine"] as? [String: Any])
        XCTAssertNotNil(machine["cpu"]); XCTAssertNotNil(machine["build"])
        let rows = try XCTUnwrap(object["results"] as? [[String: Any]])
        for row in rows {
            for field in ["name", "unit", "p50", "p99", "mean", "samples"] { XCTAssertNotNil(row[field], "\(row) lacks \(field)") }
        }
        let names = Set(rows.compactMap { $0["name"] as? String })
        let required = [
            "decode_apply", "decode_floor", "quote", "quote_multistep", "end_to_end", "end_to_end_throughput",
            "api_prices", "api_quote", "api_scan_arbitrage", "api_prices_throughput", "api_quote_throughput",
            "api_scan_arbitrage_throughput", "arb_full", "arb_incremental", "rss", "rss_per_pool",
        ]
        for name in required { XCTAssertTrue(names.contains(name), "missing row \(name)") }
        // The measured rows carry real samples: the pipeline and the API actually answered.
        for name in ["end_to_end", "api_prices", "api_quote", "api_scan_arbitrage"] {
            let row = try XCTUnwrap(rows.first { $0["name"] as? String == name })
            XCTAssertGreaterThan(row["samples"] as? Int ?? 0, 0, "\(name) has no samples: \(row["note"] ?? "")")
            XCTAssertTrue(row["p50"] is NSNumber, "\(name) p50 is not a number: \(row)")
        }
        XCTAssertTrue(rows.contains { $0["name"] as? String == "end_to_end" && $0["pools"] as? Int == 16 })
    }
}
