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

/// Public probe of the curve check, for tests and diagnostics.
public enum Ed25519Probe {
    public static func isOnCurve(_ key: Pubkey) -> Bool { Ed25519.isOnCurve(key.bytes) }
}
