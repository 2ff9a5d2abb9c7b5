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

/// The first, array-based version of the curve check: the test oracle the fixed-width
/// `Ed25519` is checked against (it allocates per operation, so PDA-heavy work used to spend
/// most of its time here).
enum Ed25519Reference {
    // p = 2^255 - 19, little-endian 64-bit limbs.
    static let p: [UInt64] = [0xFFFF_FFFF_FFFF_FFED, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF, 0x7FFF_FFFF_FFFF_FFFF]
    // d = -121665/121666 mod p
    static let d: [UInt64] = [0x75EB_4DCA_1359_78A3, 0x0070_0A4D_4141_D8AB, 0x8CC7_4079_7779_E898, 0x5203_6CEE_2B6F_FE73]

    /// dalek: y = bytes mod p (sign bit cleared); u = y²−1, v = d·y²+1; valid iff u/v is a square.
    /// Legendre(u/v) = Legendre(u·v) since v ≠ 0, so one exponentiation by (p−1)/2 decides it.
    static func isOnCurve(_ bytes: [UInt8]) -> Bool {
        var b = bytes
        b[31] &= 0x7F
        var limbs = [UInt64](repeating: 0, count: 4)
        for i in 0..<32 { limbs[i >> 3] |= UInt64(b[i]) << (UInt64(i & 7) * 8) }
        let y = mod(limbs)
        let yy = mulmod(y, y)
        let u = submod(yy, [1])
        let v = addmod(mulmod(d, yy), [1])
        let uv = mulmod(u, v)
        if isZero(uv) { return true }
        // (p-1)/2 = 2^254 - 10
        var e = sub(p, [1])
        e = shr1(e)
        let l = powmod(uv, e)
        return l.count == 1 && l[0] == 1 || (trim(l) == [1])
    }

    static func trim(_ a: [UInt64]) -> [UInt64] {
        var a = a
        while let last = a.last, last == 0 { a.removeLast() }
        return a
    }
    static func isZero(_ a: [UInt64]) -> Bool { trim(a).isEmpty }
    static func cmp(_ a: [UInt64], _ b: [UInt64]) -> Int {
        let x = trim(a), y = trim(b)
        if x.count != y.count { return x.count < y.count ? -1 : 1 }
        for i in stride(from: x.count - 1, through: 0, by: -1) where x[i] != y[i] { return x[i] < y[i] ? -1 : 1 }
        return 0
    }
    static func add(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var out = [UInt64](repeating: 0, count: max(a.count, b.count) + 1)
        var c: UInt64 = 0
        for i in 0..<(out.count - 1) {
            let x = i < a.count ? a[i] : 0, y = i < b.count ? b[i] : 0
            let (s1, o1) = x.addingReportingOverflow(y)
            let (s2, o2) = s1.addingReportingOverflow(c)
            out[i] = s2; c = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        out[out.count - 1] = c
        return trim(out)
    }
    static func sub(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {  // requires a >= b
        var out = a
        var br: UInt64 = 0
        for i in 0..<out.count {
            let y = i < b.count ? b[i] : 0
            let (s1, o1) = out[i].subtractingReportingOverflow(y)
            let (s2, o2) = s1.subtractingReportingOverflow(br)
            out[i] = s2; br = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        return trim(out)
    }
    static func shr1(_ a: [UInt64]) -> [UInt64] {
        var out = a
        for i in 0..<out.count { out[i] = (out[i] >> 1) | (i + 1 < out.count ? out[i + 1] << 63 : 0) }
        return trim(out)
    }
    static func mul(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        if a.isEmpty || b.isEmpty { return [] }
        var out = [UInt64](repeating: 0, count: a.count + b.count)
        for i in 0..<a.count {
            var carry: UInt64 = 0
            for j in 0..<b.count {
                let (hi, lo) = a[i].multipliedFullWidth(by: b[j])
                let (s1, o1) = lo.addingReportingOverflow(out[i + j])
                let (s2, o2) = s1.addingReportingOverflow(carry)
                out[i + j] = s2
                carry = hi &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
            }
            out[i + b.count] = carry
        }
        return trim(out)
    }
    /// Reduction mod 2^255−19 using 2^255 ≡ 19 (fold the high part until it fits).
    static func mod(_ a: [UInt64]) -> [UInt64] {
        var x = trim(a)
        while x.count > 4 || (x.count == 4 && x[3] >> 63 != 0) {
            // x = hi·2^255 + lo  →  lo + 19·hi
            var lo = Array(x.prefix(4)) + [UInt64](repeating: 0, count: max(0, 4 - x.count))
            lo[3] &= 0x7FFF_FFFF_FFFF_FFFF
            var hi = [UInt64]()
            for i in 0..<x.count {
                let w = (x[i] >> 63) | (i + 1 < x.count ? x[i + 1] << 1 : 0)
                if i >= 3 { hi.append(w) }
            }
            x = add(trim(lo), mul(trim(hi), [19]))
        }
        while cmp(x, p) >= 0 { x = sub(x, p) }
        return x
    }
    static func mulmod(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] { mod(mul(a, b)) }
    static func addmod(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] { mod(add(a, b)) }
    static func submod(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] { cmp(a, b) >= 0 ? sub(a, b) : sub(add(a, p), b) }
    static func powmod(_ base: [UInt64], _ exp: [UInt64]) -> [UInt64] {
        var result: [UInt64] = [1]
        var b = base
        let e = trim(exp)
        for i in 0..<(e.count * 64) {
            if (e[i >> 6] >> UInt64(i & 63)) & 1 == 1 { result = mulmod(result, b) }
            b = mulmod(b, b)
        }
        return result
    }
}
