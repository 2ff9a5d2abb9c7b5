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
    /// pools. A 2-hop cycle trades one pair twice, so it needs two pools of that pair.
    static func enumerate(starts: [Int], maxHops: Int, neighbours: [Int: [Int]], poolCount: (Int, Int) -> Int) -> [MintCycle] {
        var out: [MintCycle] = []
        var path: [Int] = []
        func walk(_ start: Int) {
            let last = path[path.count - 1]
            for n in neighbours[last] ?? [] {
                if n == start {
                    if path.count >= 3 || (path.count == 2 && poolCount(start, last) >= 2) { out.append(MintCycle(mints: path)) }
                } else if path.count < maxHops && !path.contains(n) {
                    path.append(n)
                    walk(start)
                    path.removeLast()
                }
            }
        }
        for s in starts where neighbours[s] != nil {
            path = [s]
            walk(s)
        }
        return out
    }

    static func pairKey(_ x: Int, _ y: Int) -> UInt64 { x < y ? UInt64(x) << 32 | UInt64(y) : UInt64(y) << 32 | UInt64(x) }
    static func directedKey(_ from: Int, _ to: Int) -> UInt64 { UInt64(from) << 32 | UInt64(to) }
}
