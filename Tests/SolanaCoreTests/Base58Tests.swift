import SolanaCore
import XCTest

final class Base58Tests: XCTestCase {
    func testRoundTripKnownKeys() throws {
        for s in ["So11111111111111111111111111111111111111112", "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
                  "11111111111111111111111111111111", "whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc"] {
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
}
