/// Program-derived addresses, exactly as `Pubkey::find_program_address` /
/// `create_program_address` (solana-program `pubkey.rs`): sha256(seeds ‖ [bump] ‖ program_id ‖
/// "ProgramDerivedAddress"), accepted only when the 32 bytes are NOT a valid compressed
/// ed25519 point (curve25519-dalek `CompressedEdwardsY::decompress` fails).
///
/// ```swift
/// let (tickArray, bump) = ProgramAddress.find(seeds: [Array("tick_array".utf8), pool.bytes, Array("-25696".utf8)],
///                                              programId: ProgramIds.orcaWhirlpool)!
/// ```
public enum ProgramAddress {
    public static let maxSeeds = 16
    public static let maxSeedLength = 32

    public static func create(seeds: [[UInt8]], programId: Pubkey) -> Pubkey? {
        guard seeds.count <= maxSeeds, seeds.allSatisfy({ $0.count <= maxSeedLength }) else { return nil }
        var buf: [UInt8] = []
        for s in seeds { buf += s }
        buf += programId.bytes
        buf += Array("ProgramDerivedAddress".utf8)
        let h = SHA256.hash(buf)
        if Ed25519.isOnCurve(h) { return nil }
        return Pubkey(bytes: h)
    }

    /// Tries bumps 255 down to 0, as the runtime does.
    public static func find(seeds: [[UInt8]], programId: Pubkey) -> (Pubkey, UInt8)? {
        guard seeds.count < maxSeeds else { return nil }
        var bump: UInt8 = 255
        while true {
            if let key = create(seeds: seeds + [[bump]], programId: programId) { return (key, bump) }
            if bump == 0 { return nil }
            bump -= 1
        }
    }
}

/// Just enough of edwards25519 to tell whether 32 bytes decompress to a curve point, in fixed-width
/// field arithmetic (4 × 64-bit limbs, no allocation): PDA derivation for thousands of pools
/// (tick/bin arrays) is dominated by this check.
enum Ed25519 {
    typealias Fe = InlineArray<4, UInt64>
    /// p = 2^255 − 19
    static let p: Fe = [0xFFFF_FFFF_FFFF_FFED, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF, 0x7FFF_FFFF_FFFF_FFFF]
    /// d = −121665/121666 mod p
    static let d: Fe = [0x75EB_4DCA_1359_78A3, 0x0070_0A4D_4141_D8AB, 0x8CC7_4079_7779_E898, 0x5203_6CEE_2B6F_FE73]
    /// (p − 1) / 2 = 2^254 − 10
    static let legendreExponent: Fe = [0xFFFF_FFFF_FFFF_FFF6, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF, 0x3FFF_FFFF_FFFF_FFFF]

    /// dalek: y = bytes mod p (sign bit cleared); u = y²−1, v = d·y²+1; valid iff u/v is a square.
    /// Legendre(u/v) = Legendre(u·v) since v ≠ 0, so one exponentiation by (p−1)/2 decides it.
    static func isOnCurve(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == 32 else { return false }
        var y: Fe = [0, 0, 0, 0]
        for i in 0..<32 { y[i >> 3] |= UInt64(bytes[i]) << (UInt64(i & 7) * 8) }
        y[3] &= 0x7FFF_FFFF_FFFF_FFFF
        y = reduce(y)
        let yy = reduce(mul(y, y))
        let u = isZero(yy) ? sub(p, [1, 0, 0, 0]) : sub(yy, [1, 0, 0, 0])
        let v = reduce(addOne(reduce(mul(d, yy))))
        let uv = reduce(mul(u, v))
        if isZero(uv) { return true }
        let l = reduce(pow(uv, legendreExponent))
        return l[0] == 1 && l[1] == 0 && l[2] == 0 && l[3] == 0
    }

    static func isZero(_ a: Fe) -> Bool { a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0 }

    /// a − b for a ≥ b (both < 2^256).
    static func sub(_ a: Fe, _ b: Fe) -> Fe {
        var r: Fe = [0, 0, 0, 0]
        var borrow: UInt64 = 0
        for i in 0..<4 {
            let (s1, o1) = a[i].subtractingReportingOverflow(b[i])
            let (s2, o2) = s1.subtractingReportingOverflow(borrow)
            r[i] = s2
            borrow = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        return r
    }

    /// a + 1 for a < p (no overflow past 2^255).
    static func addOne(_ a: Fe) -> Fe {
        var r = a
        for i in 0..<4 {
            let (s, o) = r[i].addingReportingOverflow(1)
            r[i] = s
            if !o { break }
        }
        return r
    }

    /// Product mod p, partially reduced (< 2^256): lo + 38·hi, since 2^256 ≡ 38.
    /// (UInt64 full-width products only: generic UInt128 conversions are slow in debug builds.)
    static func mul(_ a: Fe, _ b: Fe) -> Fe {
        var t = InlineArray<8, UInt64>(repeating: 0)
        for i in 0..<4 {
            var carry: UInt64 = 0
            for j in 0..<4 {
                let (hi, lo) = a[i].multipliedFullWidth(by: b[j])
                let (s1, o1) = lo.addingReportingOverflow(t[i + j])
                let (s2, o2) = s1.addingReportingOverflow(carry)
                t[i + j] = s2
                carry = hi &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
            }
            t[i + 4] = carry
        }
        var r: Fe = [0, 0, 0, 0]
        var c: UInt64 = 0
        for i in 0..<4 {
            let (hi, lo) = t[i + 4].multipliedFullWidth(by: 38)
            let (s1, o1) = lo.addingReportingOverflow(t[i])
            let (s2, o2) = s1.addingReportingOverflow(c)
            r[i] = s2
            c = hi &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
        }
        // c < 39: fold it back in; a second wrap leaves r tiny, so adding 38 cannot overflow.
        var carry = c &* 38
        for i in 0..<4 where carry != 0 {
            let (s, o) = r[i].addingReportingOverflow(carry)
            r[i] = s
            carry = o ? 1 : 0
        }
        if carry != 0 { r[0] &+= 38 }
        return r
    }

    /// Full reduction of a value < 2^256 into [0, p).
    static func reduce(_ a: Fe) -> Fe {
        var r = a
        // Fold bit 255: x = lo + 19·top (2^255 ≡ 19).
        let top = r[3] >> 63
        r[3] &= 0x7FFF_FFFF_FFFF_FFFF
        var carry = top * 19
        for i in 0..<4 where carry != 0 {
            let (sum, o) = r[i].addingReportingOverflow(carry)
            r[i] = sum
            carry = o ? 1 : 0
        }
        // Now r < 2^255 + 19 < 2p: at most one subtraction.
        if !lessThanP(r) { r = sub(r, p) }
        return r
    }

    static func lessThanP(_ a: Fe) -> Bool {
        for i in stride(from: 3, through: 0, by: -1) where a[i] != p[i] { return a[i] < p[i] }
        return false
    }

    static func pow(_ base: Fe, _ exp: Fe) -> Fe {
        var result: Fe = [1, 0, 0, 0]
        for i in stride(from: 255, through: 0, by: -1) {
            result = mul(result, result)
            if (exp[i >> 6] >> UInt64(i & 63)) & 1 == 1 { result = mul(result, base) }
        }
        return result
    }
}

/// The first, array-based version of the curve check: kept as the reference the fixed-width
/// `Ed25519` is tested against (it allocates per operation, so PDA-heavy work used to spend
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

/// Public probe of the curve check, for tests and diagnostics.
public enum Ed25519Probe {
    public static func isOnCurve(_ key: Pubkey) -> Bool { Ed25519.isOnCurve(key.bytes) }
}
