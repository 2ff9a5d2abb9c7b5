import Foundation
import SolanaCore

// The pure pieces of `solana-pool-cache soak` (fault schedule, summary line, cache-vs-chain
// comparison, resource bounds, generated config); SoakCommand.swift does the I/O.

/// One fault the soak injects: a simulator fault (through `simulatorFault`) or a proxy restart.
///
/// ```swift
/// let f = SoakFault.stall
/// f.simulatorParams   // ["kind": "stall", "durationMs": 4500]
/// ```
enum SoakFault: String, CaseIterable, Sendable {
    case drop, stall, http429, duplicate, olderSlot = "older_slot", delay, refuse
    case proxyRestart = "proxy_restart"

    /// The `simulatorFault` parameters (nil for the proxy restart, which the soak does itself).
    /// A stall outlasts the silence deadline so it is detected, as a real dead link would be.
    func simulatorParams(silenceDeadlineSeconds: Double) -> [String: Int]? {
        switch self {
        case .drop: return ["durationMs": 0]
        case .stall: return ["durationMs": Int(silenceDeadlineSeconds * 1_000) + 1_500]
        case .http429: return ["count": 5, "retryAfterSeconds": 1]
        case .duplicate, .olderSlot: return ["durationMs": 2_500]
        case .delay: return ["durationMs": 2_000, "delayMs": 300]
        case .refuse: return ["durationMs": 1_500]
        case .proxyRestart: return nil
        }
    }
}

/// The rotation of faults: every kind in turn, the proxy restart only when a proxy is in use.
///
/// ```swift
/// let schedule = FaultSchedule(withProxy: true)
/// schedule.fault(number: 0)   // .drop
/// ```
struct FaultSchedule: Sendable {
    let rotation: [SoakFault]
    init(withProxy: Bool) {
        rotation = SoakFault.allCases.filter { withProxy || $0 != .proxyRestart }
    }
    /// The n-th fault injected (0-based), cycling through the rotation.
    func fault(number n: Int) -> SoakFault { rotation[((n % rotation.count) + rotation.count) % rotation.count] }
}

/// The soak's result, printed as its last line:
/// `soak: minutes=M pools=N faults=F updates=U mismatches=X rss_start_mb=A rss_end_mb=B fds_start=C fds_end=D`.
///
/// ```swift
/// let s = SoakSummary(minutes: 10, pools: 16, faults: 150, updates: 40_000, mismatches: 0,
///                     rssStartMB: 40, rssEndMB: 42, fdsStart: 30, fdsEnd: 30)
/// SoakSummary(line: s.line) == s   // true
/// ```
struct SoakSummary: Equatable, Sendable {
    var minutes: Double
    var pools: Int
    var faults: Int
    var updates: UInt64
    var mismatches: Int
    var rssStartMB: Double
    var rssEndMB: Double
    var fdsStart: Int
    var fdsEnd: Int

    var line: String {
        "soak: minutes=\(Self.format(minutes)) pools=\(pools) faults=\(faults) updates=\(updates) mismatches=\(mismatches) "
            + "rss_start_mb=\(Self.format(rssStartMB)) rss_end_mb=\(Self.format(rssEndMB)) fds_start=\(fdsStart) fds_end=\(fdsEnd)"
    }

    /// Whole numbers without a fraction, others with one decimal (`10`, `2.5`, `41.3`).
    static func format(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(format: "%.1f", r)
    }

    /// Parses a summary line; nil when it is not exactly that format.
    init?(line: String) {
        let parts = line.trimmingCharacters(in: .whitespaces).split(separator: " ")
        guard parts.count == 10, parts[0] == "soak:" else { return nil }
        var fields: [String: String] = [:]
        for p in parts.dropFirst() {
            let kv = p.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else { return nil }
            fields[String(kv[0])] = String(kv[1])
        }
        guard let m = fields["minutes"].flatMap(Double.init), let n = fields["pools"].flatMap(Int.init),
              let f = fields["faults"].flatMap(Int.init), let u = fields["updates"].flatMap(UInt64.init),
              let x = fields["mismatches"].flatMap(Int.init), let a = fields["rss_start_mb"].flatMap(Double.init),
              let b = fields["rss_end_mb"].flatMap(Double.init), let c = fields["fds_start"].flatMap(Int.init),
              let d = fields["fds_end"].flatMap(Int.init) else { return nil }
        self.init(minutes: m, pools: n, faults: f, updates: u, mismatches: x, rssStartMB: a, rssEndMB: b, fdsStart: c, fdsEnd: d)
    }

    init(minutes: Double, pools: Int, faults: Int, updates: UInt64, mismatches: Int, rssStartMB: Double, rssEndMB: Double, fdsStart: Int, fdsEnd: Int) {
        self.minutes = minutes; self.pools = pools; self.faults = faults; self.updates = updates; self.mismatches = mismatches
        self.rssStartMB = rssStartMB; self.rssEndMB = rssEndMB; self.fdsStart = fdsStart; self.fdsEnd = fdsEnd
    }

    /// Totals over several runs (each run is its own cache process, so memory and descriptors add up too).
    static func total(_ runs: [SoakSummary]) -> SoakSummary {
        runs.reduce(SoakSummary(minutes: 0, pools: 0, faults: 0, updates: 0, mismatches: 0, rssStartMB: 0, rssEndMB: 0, fdsStart: 0, fdsEnd: 0)) { t, r in
            SoakSummary(minutes: t.minutes + r.minutes, pools: t.pools + r.pools, faults: t.faults + r.faults, updates: t.updates &+ r.updates,
                        mismatches: t.mismatches + r.mismatches, rssStartMB: t.rssStartMB + r.rssStartMB, rssEndMB: t.rssEndMB + r.rssEndMB,
                        fdsStart: t.fdsStart + r.fdsStart, fdsEnd: t.fdsEnd + r.fdsEnd)
        }
    }
}

/// How much resident memory and how many descriptors a soak may gain between warm-up and the end
/// before it counts as a leak: rss_end ≤ rss_start × 1.5 + 20 MB, fds_end ≤ fds_start + 16.
///
/// ```swift
/// ResourceBound.violations(rssStartMB: 40, rssEndMB: 200, fdsStart: 30, fdsEnd: 30)   // ["rss grew …"]
/// ```
enum ResourceBound {
    static let rssFactor = 1.5, rssSlackMB = 20.0, fdSlack = 16

    static func violations(rssStartMB: Double, rssEndMB: Double, fdsStart: Int, fdsEnd: Int) -> [String] {
        var out: [String] = []
        let rssLimit = rssStartMB * rssFactor + rssSlackMB
        if rssEndMB > rssLimit { out.append("rss grew from \(SoakSummary.format(rssStartMB)) MB to \(SoakSummary.format(rssEndMB)) MB (limit \(SoakSummary.format(rssLimit)) MB)") }
        if fdsEnd > fdsStart + fdSlack { out.append("open descriptors grew from \(fdsStart) to \(fdsEnd) (limit \(fdsStart + fdSlack))") }
        return out
    }
}

/// One watched account as the cache reports it (`GET /v1/accounts`): held or not yet.
struct CachedAccount: Equatable, Sendable {
    var address: String
    /// nil when the cache watches the account but holds no bytes for it.
    var held: (owner: String, slot: UInt64, data: [UInt8])?
    static func == (a: CachedAccount, b: CachedAccount) -> Bool {
        a.address == b.address && a.held?.owner == b.held?.owner && a.held?.slot == b.held?.slot && a.held?.data == b.held?.data
    }
}

/// One account as the simulator holds it: bytes, owner and the slot of its last write.
struct ChainAccount: Equatable, Sendable {
    var owner: String
    var data: [UInt8]
    var writeSlot: UInt64
}

/// The invariant the soak checks with the cluster paused: every account the cache holds equals
/// the chain's bytes and owner, at a slot no older than the chain's last write and no newer than
/// the chain's slot; every watched account that exists on the chain is held.
///
/// ```swift
/// let problems = CacheAudit.mismatches(cached: cached, chain: chain, chainSlot: 1234)   // [] when equal
/// ```
enum CacheAudit {
    /// One line per mismatched account (`address: reason; reason`), so the count is of accounts.
    static func mismatches(cached: [CachedAccount], chain: [String: ChainAccount], chainSlot: UInt64) -> [String] {
        var out: [String] = []
        for c in cached {
            let onChain = chain[c.address]
            guard let held = c.held else {
                // Optional accounts that do not exist on the chain (a bitmap extension never created) cannot be held.
                if onChain != nil { out.append("\(c.address): watched but not cached") }
                continue
            }
            guard let chainAccount = onChain else { out.append("\(c.address): cached but not on the chain"); continue }
            var reasons: [String] = []
            if held.data != chainAccount.data { reasons.append("bytes differ (cached slot \(held.slot), chain write slot \(chainAccount.writeSlot))") }
            if held.owner != chainAccount.owner { reasons.append("owner differs") }
            if held.slot < chainAccount.writeSlot { reasons.append("cached slot \(held.slot) older than the chain's write at \(chainAccount.writeSlot)") }
            if held.slot > chainSlot { reasons.append("cached slot \(held.slot) is in the future (chain at \(chainSlot))") }
            if !reasons.isEmpty { out.append("\(c.address): \(reasons.joined(separator: "; "))") }
        }
        return out
    }
}

/// Small readers of what the soak samples: `/proc/<pid>/status` and Prometheus text.
enum SoakReadings {
    /// Resident memory in MB from `/proc/<pid>/status` text (`VmRSS:   41236 kB`).
    static func residentMB(procStatus text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let kb = Double(fields[1]) else { return nil }
            return kb / 1024
        }
        return nil
    }

    /// The value of an unlabelled metric in Prometheus text exposition (`name 123`).
    static func metric(_ name: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, fields[0] == name { return Double(fields[1]) }
        }
        return nil
    }
}

/// The cache's config for a soak run: the simulator's endpoints through the proxy, a small
/// subscription cap (several connections), short deadlines so faults are noticed in seconds.
///
/// ```swift
/// let toml = SoakServiceConfig(rpcPort: 8899, pubsubPort: 8900, proxy: nil, apiPort: 0,
///                              subscriptionsPerConnection: 10, silenceDeadlineSeconds: 3, pools: pools).toml
/// ```
struct SoakServiceConfig: Sendable {
    enum ProxyKind: String, Sendable { case connect, socks5 }
    var rpcPort: Int
    var pubsubPort: Int
    var proxy: (kind: ProxyKind, port: Int)?
    /// Generated per run (never in the repo): the proxies require authentication like a real deployment's.
    var proxyCredentials: (username: String, password: String)?
    var apiPort: Int
    var subscriptionsPerConnection: Int
    var silenceDeadlineSeconds: Double
    var pools: [Pubkey]

    var toml: String {
        var s = """
        # Generated by `solana-pool-cache soak`: the cache against the local simulator.
        [websocket]
        url = "ws://127.0.0.1:\(pubsubPort)"

        [rpc]
        http_url = "http://127.0.0.1:\(rpcPort)"
        commitment = "confirmed"
        requests_per_second = 500

        [api]
        host = "127.0.0.1"
        port = \(apiPort)

        [database]
        enabled = false

        [ingest]
        max_subscriptions_per_connection = \(subscriptionsPerConnection)
        ping_interval_seconds = 0.5
        silence_deadline_seconds = \(silenceDeadlineSeconds)
        connect_timeout_seconds = 3
        request_timeout_seconds = 5
        stale_after_seconds = 120

        """
        if let proxy {
            s += """

            [proxy]
            enabled = true
            type = "\(proxy.kind == .connect ? "http" : "socks5")"
            host = "127.0.0.1"
            port = \(proxy.port)

            """
            if let c = proxyCredentials { s += "username = \"\(c.username)\"\npassword = \"\(c.password)\"\n" }
        }
        for p in pools { s += "\n[[pools]]\naddress = \"\(p.base58)\"\n" }
        return s
    }
}
