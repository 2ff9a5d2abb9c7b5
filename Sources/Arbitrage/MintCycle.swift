/// A cycle over mints (ids into the engine's mint table): `mints[0]` is the start mint and hop i
/// swaps `mints[i]` → `mints[(i + 1) % hops]`. Which pool serves each hop is chosen at evaluation.
///
/// ```swift
/// let c = MintCycle(mints: [sol, usdc, usdt])   // SOL → USDC → USDT → SOL, 3 hops
/// c.from(hop: 2); c.to(hop: 2)                  // usdt, sol
/// ```
struct MintCycle: Sendable {
    var mints: [Int]
    var hops: Int { mints.count }
    var start: Int { mints[0] }
    func from(hop i: Int) -> Int { mints[i] }
    func to(hop i: Int) -> Int { mints[(i + 1) % mints.count] }

    /// Every simple mint cycle of 2…maxHops hops from each start mint over the pairs that have
    /// pools. A 2-hop cycle trades one pair twice, so it needs two pools of that pair. Shorter
    /// cycles come first (one depth-first pass per length), so when `limit` cuts the list it is the
    /// longest cycles that are left out; `truncated` says whether that happened.
    static func enumerate(
        starts: [Int], maxHops: Int, limit: Int = .max, neighbours: [Int: [Int]],
        poolCount: (Int, Int) -> Int
    ) -> (cycles: [MintCycle], truncated: Bool) {
        var out: [MintCycle] = []
        var path: [Int] = []
        var truncated = false
        func walk(_ start: Int, length: Int) {
            let last = path[path.count - 1]
            for n in neighbours[last] ?? [] {
                if truncated { return }
                if n == start {
                    guard path.count == length, length >= 3 || poolCount(start, last) >= 2 else { continue }
                    if out.count >= limit { truncated = true; return }
                    out.append(MintCycle(mints: path))
                } else if path.count < length && !path.contains(n) {
                    path.append(n)
                    walk(start, length: length)
                    path.removeLast()
                }
            }
        }
        if maxHops >= 2 {
            for length in 2...maxHops {
                for s in starts where neighbours[s] != nil {
                    path = [s]
                    walk(s, length: length)
                }
            }
        }
        return (out, truncated)
    }

    static func pairKey(_ x: Int, _ y: Int) -> UInt64 { x < y ? UInt64(x) << 32 | UInt64(y) : UInt64(y) << 32 | UInt64(x) }
    static func directedKey(_ from: Int, _ to: Int) -> UInt64 { UInt64(from) << 32 | UInt64(to) }
}
