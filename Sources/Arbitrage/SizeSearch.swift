/// Finds the input size that maximises a cycle's profit `out(x) − x` over exact integer quotes.
///
/// Profit is concave in size (each pool's output is concave and increasing) but step-wise, so the
/// search is a golden-section search on the integer domain, reusing one interior point per step,
/// followed by an exhaustive look at the last few integers, at both ends of the domain, and at ±2^k
/// (k < 8) around the best point. Quote failures count as losing the
/// whole input (`−x`): at tiny sizes (zero output) and past the liquidity the pools can fill, which
/// keeps the function unimodal. Cost: about 1.44·log2(range) + 26 evaluations.
///
/// ```swift
/// let best = SizeSearch.maximise(lo: 1, hi: 10_000_000_000) { x in Int128(cycleOut(x)) - Int128(x) }
/// best.size; best.profit; best.evaluations
/// ```
public enum SizeSearch {
    public struct Result: Sendable, Equatable {
        public var size: UInt64
        public var profit: Int128
        public var evaluations: Int
    }

    /// The width at which the golden section stops and every remaining integer is tried.
    static let finalWidth: UInt64 = 6
    /// Offsets ±1, ±2, … ±2^(refineSteps−1) tried around the best point at the end.
    static let refineSteps = 8

    public static func maximise(lo: UInt64, hi: UInt64, _ profit: (UInt64) -> Int128) -> Result {
        precondition(lo <= hi)
        var evaluations = 0
        func f(_ x: UInt64) -> Int128 { evaluations += 1; return profit(x) }
        // 1 − 1/φ ≈ 0.381966, as an integer fraction of the bracket.
        func inner(_ a: UInt64, _ b: UInt64) -> (UInt64, UInt64) {
            let d = UInt64(UInt128(b - a) * 381_966 / 1_000_000)
            return (a + d, b - d)
        }
        var a = lo, b = hi
        if b - a > finalWidth {
            var (x1, x2) = inner(a, b)
            var f1 = f(x1), f2 = f(x2)
            while b - a > finalWidth {
                if f1 < f2 {
                    // Maximum lies in [x1, b]: x2 becomes the left interior point.
                    a = x1; x1 = x2; f1 = f2
                    x2 = a + (b - x1)
                    if x2 <= x1 || x2 >= b {  // integer drift: restart the pair
                        if b - a <= finalWidth { break }
                        (x1, x2) = inner(a, b); f1 = f(x1); f2 = f(x2); continue
                    }
                    f2 = f(x2)
                } else {
                    // Maximum lies in [a, x2] (ties keep the smaller size).
                    b = x2; x2 = x1; f2 = f1
                    x1 = a + (b - x2)
                    if x1 >= x2 || x1 <= a {
                        if b - a <= finalWidth { break }
                        (x1, x2) = inner(a, b); f1 = f(x1); f2 = f(x2); continue
                    }
                    f1 = f(x1)
                }
            }
        }
        // The low end first so that ties keep the smaller size; the domain's ends are tried too,
        // because near a bound the curve can rise so slowly that golden-section ties drift away from it.
        var best = Result(size: lo, profit: f(lo), evaluations: 0)
        func consider(_ x: UInt64) {
            let p = f(x)
            if p > best.profit || (p == best.profit && x < best.size) { best.size = x; best.profit = p }
        }
        var x = a
        while true {
            if x != lo && x != hi { consider(x) }
            if x >= b { break }
            x += 1
        }
        if hi != lo { consider(hi) }
        // Local refinement: floor rounding at every hop makes the curve concave only up to a few
        // units, which can strand the bracket next to the true best; probe ±2^k around it.
        var step: UInt64 = 1
        for _ in 0..<refineSteps {
            let centre = best.size
            if centre - lo >= step { consider(centre - step) }
            if hi - centre >= step { consider(centre + step) }
            step <<= 1
        }
        best.evaluations = evaluations
        return best
    }
}
