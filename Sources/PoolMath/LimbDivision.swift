/// Knuth's algorithm D (TAOCP 4.3.1; the `divmnu64` form from Hacker's Delight) on
/// little-endian 64-bit limbs. Shared by `UInt256` (fixed width, hot path) and `BigNat`
/// (display only), so there is one long division in the project.
@usableFromInline
enum LimbDivision {
    /// Returns (quotient, remainder) limbs; `v` must be non-zero. Both results are trimmed.
    @usableFromInline
    static func divmod(_ uIn: [UInt64], _ vIn: [UInt64]) -> (q: [UInt64], r: [UInt64]) {
        let u = trim(uIn), v = trim(vIn)
        precondition(!v.isEmpty, "division by zero")
        if compare(u, v) < 0 { return ([], u) }
        let n = v.count, m = u.count
        if n == 1 {
            var q = [UInt64](repeating: 0, count: m)
            var r: UInt64 = 0
            for i in stride(from: m - 1, through: 0, by: -1) {
                let (qq, rr) = v[0].dividingFullWidth((high: r, low: u[i]))
                q[i] = qq; r = rr
            }
            return (trim(q), r == 0 ? [] : [r])
        }
        let s = UInt64(v[n - 1].leadingZeroBitCount)
        var vn = [UInt64](repeating: 0, count: n)
        var un = [UInt64](repeating: 0, count: m + 1)
        for i in stride(from: n - 1, to: 0, by: -1) {
            vn[i] = s == 0 ? v[i] : (v[i] << s) | (v[i - 1] >> (64 - s))
        }
        vn[0] = v[0] << s
        un[m] = s == 0 ? 0 : u[m - 1] >> (64 - s)
        for i in stride(from: m - 1, to: 0, by: -1) {
            un[i] = s == 0 ? u[i] : (u[i] << s) | (u[i - 1] >> (64 - s))
        }
        un[0] = u[0] << s
        var q = [UInt64](repeating: 0, count: m - n + 1)
        let base: UInt128 = UInt128(1) << 64
        let vTop = UInt128(vn[n - 1]), vNext = UInt128(vn[n - 2])
        for j in stride(from: m - n, through: 0, by: -1) {
            let num = UInt128(un[j + n]) << 64 | UInt128(un[j + n - 1])
            var qhat = num / vTop
            var rhat = num % vTop
            while qhat >= base || qhat * vNext > (rhat << 64 | UInt128(un[j + n - 2])) {
                qhat -= 1
                rhat += vTop
                if rhat >= base { break }
            }
            var borrow: Int128 = 0
            var carry: UInt128 = 0
            for i in 0..<n {
                let p = qhat * UInt128(vn[i]) + carry
                carry = p >> 64
                let t = Int128(un[i + j]) - borrow - Int128(p & 0xFFFF_FFFF_FFFF_FFFF)
                un[i + j] = UInt64(truncatingIfNeeded: t)
                borrow = t < 0 ? 1 : 0
            }
            let t = Int128(un[j + n]) - borrow - Int128(carry)
            un[j + n] = UInt64(truncatingIfNeeded: t)
            var qd = UInt64(truncatingIfNeeded: qhat)
            if t < 0 {
                qd &-= 1
                var c: UInt128 = 0
                for i in 0..<n {
                    let sum = UInt128(un[i + j]) + UInt128(vn[i]) + c
                    un[i + j] = UInt64(truncatingIfNeeded: sum)
                    c = sum >> 64
                }
                un[j + n] &+= UInt64(truncatingIfNeeded: c)
            }
            q[j] = qd
        }
        var r = [UInt64](repeating: 0, count: n)
        for i in 0..<n {
            r[i] = s == 0 ? un[i] : (un[i] >> s) | (un[i + 1] << (64 - s))
        }
        return (trim(q), trim(r))
    }

    @usableFromInline
    static func trim(_ a: [UInt64]) -> [UInt64] {
        var n = a.count
        while n > 0 && a[n - 1] == 0 { n -= 1 }
        return n == a.count ? a : Array(a[0..<n])
    }

    @usableFromInline
    static func compare(_ a: [UInt64], _ b: [UInt64]) -> Int {
        let x = trim(a), y = trim(b)
        if x.count != y.count { return x.count < y.count ? -1 : 1 }
        for i in stride(from: x.count - 1, through: 0, by: -1) where x[i] != y[i] {
            return x[i] < y[i] ? -1 : 1
        }
        return 0
    }

    @usableFromInline
    static func multiply(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
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
}
