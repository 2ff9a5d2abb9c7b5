import XCTest
@testable import SolanaCore

/// The fixed-width curve check agrees with the array-based reference on edge values and on many
/// random inputs (SHA-256 outputs, like PDA candidates).
final class Ed25519FixedWidthTests: XCTestCase {
    func testAgreesWithReference() {
        var edge: [[UInt8]] = [[UInt8](repeating: 0, count: 32), [UInt8](repeating: 0xFF, count: 32), [1] + [UInt8](repeating: 0, count: 31)]
        // p, p − 1, p + 1 as y (little-endian), with and without the sign bit.
        let p: [UInt8] = [0xED] + [UInt8](repeating: 0xFF, count: 30) + [0x7F]
        edge += [p, [0xEC] + p.dropFirst(), [0xEE] + p.dropFirst(), [0xED] + p.dropFirst().dropLast() + [0xFF]]
        var onCurve = 0
        var inputs = edge
        for i in 0..<1_000 { inputs.append(SHA256.hash(Array("probe \(i)".utf8))) }
        for bytes in inputs {
            let fast = Ed25519.isOnCurve(bytes), reference = Ed25519Reference.isOnCurve(bytes)
            XCTAssertEqual(fast, reference, Hex.encode(bytes))
            if fast { onCurve += 1 }
        }
        // About half of random y values are on the curve: both answers occur.
        XCTAssertGreaterThan(onCurve, 300)
        XCTAssertLessThan(onCurve, 700)
    }
}
