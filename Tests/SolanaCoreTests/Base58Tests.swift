import Foundation
@testable import SolanaCore
import XCTest

final class Base58Tests: XCTestCase {
    func testRoundTripKnownKeys() throws {
        for s in [
            "So11111111111111111111111111111111111111112", "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
            "11111111111111111111111111111111", "whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc",
        ] {
            XCTAssertEqual(try Pubkey(base58: s).base58, s)
        }
        XCTAssertEqual(try Pubkey(base58: "11111111111111111111111111111111"), .zero)
    }

    func testRejectsBadInput() {
        for s in ["", "0OIl", "So1111111111111111111111111111111111111111", String(repeating: "z", count: 80), "abc"] {
            XCTAssertThrowsError(try Pubkey(base58: s), s)
        }
    }

    func testByteReaderNeverTraps() {
        let r = ByteReader([1, 2, 3])
        XCTAssertThrowsError(try r.u64(0))
        XCTAssertThrowsError(try r.u8(3))
        XCTAssertThrowsError(try r.u16(-1))
        XCTAssertThrowsError(try r.pubkey(Int.max - 4))
        XCTAssertEqual(try r.u16(1), 0x0302)
    }

    /// `<` orders keys by their bytes (as the chain and base58 sort them), including keys that
    /// differ only in a late byte or share a word.
    func testPubkeyOrderIsByteOrder() {
        var keys: [Pubkey] = []
        for i in 0..<200 {
            var b = SHA256.hash(Array("key \(i)".utf8))
            if i % 3 == 0 { b[0] = 7 }  // many share a first byte
            if i % 5 == 0 { for j in 0..<24 { b[j] = 1 } }  // many share three words
            keys.append(Pubkey(bytes: b)!)
        }
        for a in keys { for b in keys { XCTAssertEqual(a < b, a.bytes.lexicographicallyPrecedes(b.bytes), "\(a) < \(b)") } }
    }

    func testQuotedStringsAreEscapedOnlyWhenNeeded() {
        XCTAssertEqual(JSONText.string("58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2").rendered, "\"58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2\"")
        XCTAssertEqual(JSONText.string("a\"b\\c\nd\u{1}é").rendered, "\"a\\\"b\\\\c\\nd\\u0001é\"")
        // A special byte anywhere, in short (inline) and long (heap) strings, and in a substring's copy.
        for base in ["x", String(repeating: "abcdefgh", count: 40)] {
            for special in ["\"", "\\", "\u{1F}"] {
                for text in [special + base, base + special, base.prefix(base.count / 2) + special + base.suffix(base.count / 2)] {
                    XCTAssertTrue(JSONText.needsEscaping(String(text)), text.debugDescription)
                    let parsed = try? JSONSerialization.jsonObject(with: Data(JSONText.array([.string(String(text))]).rendered.utf8)) as? [String]
                    XCTAssertEqual(parsed, [String(text)])
                }
            }
            XCTAssertFalse(JSONText.needsEscaping(base + "é€"))
        }
    }

    /// The fixed-width key encoder equals the generic byte encoder, including leading zero bytes.
    func testPubkeyBase58MatchesGenericEncoder() {
        var inputs: [[UInt8]] = [
            [UInt8](repeating: 0, count: 32), [UInt8](repeating: 0xFF, count: 32), [0, 0, 1] + [UInt8](repeating: 0, count: 29),
        ]
        for i in 0..<500 {
            var b = SHA256.hash(Array("b58 \(i)".utf8))
            for j in 0..<(i % 5) { b[j] = 0 }
            inputs.append(b)
        }
        for b in inputs {
            let key = Pubkey(bytes: b)!
            XCTAssertEqual(key.base58, Base58.encode(b))
            XCTAssertEqual(try Pubkey(base58: key.base58), key)
        }
    }
}
