import Foundation
import RPC
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Simulator
import SolanaCore

/// One soak run: owns the child processes and the counters.
// @unchecked Sendable: `children` guards the child processes (the signal handler's stopAll() reads them from a dispatch
// queue); every other var is used only by the one task running execute().
final class SoakRun: @unchecked Sendable {
    let settings: SoakCommand.Settings
    let directory: URL
    let executable: String
    let api = SoakHTTP()
    private let children = NSLock()
    private var _simulator: ChildProcess?, _cache: ChildProcess?, _proxy: ChildProcess?, _postgres: SoakPostgres?
    var simulator: ChildProcess? {
        get { children.withLock { _simulator } }
        set { children.withLock { _simulator = newValue } }
    }
    var cache: ChildProcess? {
        get { children.withLock { _cache } }
        set { children.withLock { _cache = newValue } }
    }
    var proxy: ChildProcess? {
        get { children.withLock { _proxy } }
        set { children.withLock { _proxy = newValue } }
    }
    /// The cache's database under `--persistence postgres`.
    var postgres: SoakPostgres? {
        get { children.withLock { _postgres } }
        set { children.withLock { _postgres = newValue } }
    }
    var proxyPort = 0
    var proxyUser = "soak"
    var proxyPassword = ""
    var rpcURL = ""
    var apiURL = ""
    var pools: [Pubkey] = []
    var faults = 0
    /// Every fault kind injected so far, and how many kinds the schedule has.
    var faultKindsFired: Set<SoakFault> = []
    var faultKindsScheduled = 0
    /// Accounts compared with the chain at the last checkpoint.
    var accountsChecked = 0
    var mismatches = 0
    var problems: [String] = []

    init(settings: SoakCommand.Settings) throws {
        self.settings = settings
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("soak-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    func log(_ line: String) { SoakCommand.say("soak: \(line)") }

    /// Runs the whole soak; never throws, so every child is stopped and a summary is always printed.
    func execute() async -> (SoakSummary, [String]) {
        var summary = SoakSummary(
            minutes: settings.minutes, pools: 0, faults: 0, updates: 0, mismatches: 0, rssStartMB: 0, rssEndMB: 0, fdsStart: 0, fdsEnd: 0)
        do {
            try await start()
            summary.pools = pools.count
            let start = try await sample()
            summary.rssStartMB = start.rss; summary.fdsStart = start.fds
            log("warm: \(pools.count) pools ok, rss \(SoakSummary.format(start.rss)) MB, \(start.fds) fds, \(Int(start.updates)) updates so far")
            try await soak()
            let end = try await sample()
            summary.rssEndMB = end.rss; summary.fdsEnd = end.fds
            summary.updates = UInt64(max(0, end.updates - start.updates))
            // A soak that saw no update proves nothing about staying correct under them.
            if summary.updates == 0 { problems.append("no account updates reached the cache during the soak") }
            problems += ResourceBound.violations(rssStartMB: start.rss, rssEndMB: end.rss, fdsStart: start.fds, fdsEnd: end.fds)
        } catch {
            problems.append("\(error)")
        }
        summary.faults = faults
        summary.mismatches = mismatches
        summary.faultKinds = faultKindsFired.count
        summary.accountsChecked = accountsChecked
        // The schedule, not luck, decides coverage: a run too short to fire every kind fails.
        if problems.isEmpty && faultKindsFired.count < faultKindsScheduled {
            let missing = Set(
                FaultSchedule(withProxy: settings.proxy != nil, grpc: settings.grpc, postgres: settings.postgresScript != nil).rotation
            ).subtracting(faultKindsFired)
            problems.append(
                "only \(faultKindsFired.count) of \(faultKindsScheduled) fault kinds fired (missing \(missing.map(\.rawValue).sorted().joined(separator: ", "))): lengthen the run or shorten --fault-every"
            )
        }
        if mismatches > 0 { problems.append("\(mismatches) mismatched accounts") }
        stopAll()
        if problems.isEmpty { try? FileManager.default.removeItem(at: directory) } else { log("logs kept in \(directory.path)") }
        return (summary, problems)
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    // MARK: processes

    func start() async throws {
        var simArgs = [
            "simulate", "--port", "0", "--seed", String(settings.seed), "--slot-ms", String(settings.slotMillis),
            "--swaps-per-slot", String(settings.swapsPerSlot),
        ]
        if let n = settings.pools { simArgs += ["--pools", String(n)] }
        if settings.grpc { simArgs += ["--grpc-port", "0"] }
        let sim = try ChildProcess.start(name: "simulator", executable: executable, arguments: simArgs, directory: directory)
        simulator = sim
        // The same seed and pool count give the child the same cluster: its pool addresses are the cache's config.
        pools = try Cluster.bundled(seed: UInt64(settings.seed), pools: settings.pools, swapsPerSlot: settings.swapsPerSlot).poolAddresses
        guard let ready = await sim.waitForLine(containing: "PubSub ws://", timeout: 180) else {
            throw Failure(description: "the simulator did not start: \(sim.tail())")
        }
        guard let (rpcPort, pubsubPort) = Self.simulatorPorts(ready) else {
            throw Failure(description: "cannot read the simulator's ports from '\(ready)'")
        }
        rpcURL = "http://127.0.0.1:\(rpcPort)"
        var grpcPort: Int?
        if settings.grpc {
            guard let r = ready.range(of: "gRPC http://127.0.0.1:"), let p = Int(ready[r.upperBound...].prefix { $0.isNumber }) else {
                throw Failure(description: "cannot read the simulator's gRPC port from '\(ready)'")
            }
            grpcPort = p
        }
        log("simulator pid \(sim.pid): \(pools.count) pools, JSON-RPC \(rpcPort), PubSub \(pubsubPort)\(grpcPort.map { ", gRPC \($0)" } ?? "")")

        if let kind = settings.proxy {
            proxyPort = try LoopbackPort.free()
            proxyPassword = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            try await startProxy(kind)
            log("proxy \(kind.rawValue) pid \(proxy?.pid ?? 0) on \(proxyPort)")
        }

        if let script = settings.postgresScript {
            let pg = try SoakPostgres.start(script: script)
            postgres = pg
            log("postgres in \(pg.dir) (snapshots every second; postgres_restart crashes it)")
        }

        let apiPort = try LoopbackPort.free()
        apiURL = "http://127.0.0.1:\(apiPort)"
        var config = SoakServiceConfig(
            rpcPort: rpcPort, pubsubPort: pubsubPort, proxy: settings.proxy.map { ($0, proxyPort) }, apiPort: apiPort,
            subscriptionsPerConnection: settings.subscriptionsPerConnection ?? Self.defaultSubscriptionCap(pools: pools.count),
            silenceDeadlineSeconds: settings.silenceDeadline, pools: pools)
        config.proxyCredentials = settings.proxy == nil ? nil : (proxyUser, proxyPassword)
        config.grpcPort = grpcPort
        config.databaseURL = postgres?.url
        let configURL = directory.appendingPathComponent("soak.toml")
        try config.toml.write(to: configURL, atomically: true, encoding: .utf8)
        let service = try ChildProcess.start(name: "cache", executable: executable, arguments: ["run", configURL.path], directory: directory)
        cache = service
        log("cache pid \(service.pid), API \(apiURL), \(config.subscriptionsPerConnection) subscriptions per connection")

        // Warm-up: every pool validated and priced, every connection live.
        let deadline = Date().addingTimeInterval(settings.warmupTimeout)
        var lastLine = ""
        while true {
            try checkAlive()
            if let h = try? await health() {
                let line = "warming: \(h.ok)/\(pools.count) pools ok, \(h.live)/\(h.connections) connections live"
                if line != lastLine { log(line); lastLine = line }
                if h.ok == pools.count, h.connections > 0, h.live == h.connections { break }
            }
            if Date() > deadline { throw Failure(description: "warm-up did not finish in \(Int(settings.warmupTimeout)) s (\(lastLine))") }
            try await Task.sleep(for: .milliseconds(500))
        }
        // A first checkpoint proves the start state before any fault.
        try await checkpoint(label: "after warm-up")
    }

    func startProxy(_ kind: SoakServiceConfig.ProxyKind) async throws {
        var lastError = ""
        // After a kill the port may still be held for a moment: retry the bind for a few seconds.
        for _ in 0..<40 {
            let p: ChildProcess
            switch kind {
            case .connect:
                guard let bin = SoakBinaries.binary("tinyproxy") else {
                    throw Failure(description: "tinyproxy is not installed (scripts/install-test-deps.sh)")
                }
                let conf = directory.appendingPathComponent("tinyproxy.conf")
                try """
                Port \(proxyPort)
                Listen 127.0.0.1
                Timeout 600
                MaxClients 500
                Allow 127.0.0.1
                LogLevel Warning
                DisableViaHeader Yes
                BasicAuth \(proxyUser) \(proxyPassword)

                """.write(to: conf, atomically: true, encoding: .utf8)
                p = try ChildProcess.start(name: "proxy", executable: bin, arguments: ["-d", "-c", conf.path], directory: directory)
            case .socks5:
                guard let bin = SoakBinaries.binary("microsocks") else {
                    throw Failure(description: "microsocks is not installed (scripts/install-test-deps.sh)")
                }
                p = try ChildProcess.start(
                    name: "proxy", executable: bin,
                    arguments: ["-i", "127.0.0.1", "-p", String(proxyPort), "-u", proxyUser, "-P", proxyPassword], directory: directory)
            }
            for _ in 0..<20 {
                if LoopbackPort.isListening(proxyPort) && p.isRunning { proxy = p; return }
                if !p.isRunning { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            lastError = p.tail()
            p.stop()
            try await Task.sleep(for: .milliseconds(200))
        }
        throw Failure(description: "proxy did not start on \(proxyPort): \(lastError)")
    }

    func stopAll() {
        cache?.stop(); simulator?.stop(); proxy?.stop()
        // After the cache: it must not be left writing to a database that is gone.
        postgres?.stop()
        postgres = nil
    }

    func checkAlive() throws {
        for c in [simulator, cache, proxy].compactMap({ $0 }) where !c.isRunning {
            throw Failure(description: "\(c.name) (pid \(c.pid)) died: exit \(c.exitStatus); last output: \(c.tail())")
        }
    }

    /// Several connections even for the demo's few pools, and never above the simulator's (and
    /// common providers') limit of 100 subscriptions per connection.
    static func defaultSubscriptionCap(pools: Int) -> Int { min(100, max(10, pools / 2)) }

    static func simulatorPorts(_ line: String) -> (Int, Int)? {
        func port(after marker: String) -> Int? {
            guard let r = line.range(of: marker) else { return nil }
            return Int(line[r.upperBound...].prefix { $0.isNumber })
        }
        guard let rpc = port(after: "JSON-RPC http://127.0.0.1:"), let ws = port(after: "PubSub ws://127.0.0.1:") else { return nil }
        return (rpc, ws)
    }

    // MARK: the soak loop

    func soak() async throws {
        let startTime = Date()
        let end = startTime.addingTimeInterval(settings.minutes * 60)
        let schedule = FaultSchedule(withProxy: settings.proxy != nil, grpc: settings.grpc, postgres: settings.postgresScript != nil)
        faultKindsScheduled = Set(schedule.rotation).count
        var nextFault = Date().addingTimeInterval(settings.faultEvery)
        var nextCheckpoint = Date().addingTimeInterval(settings.checkpointEvery)
        var checkpoints = 0
        while Date() < end {
            try checkAlive()
            let now = Date()
            if now >= nextCheckpoint {
                checkpoints += 1
                try await checkpoint(label: "checkpoint \(checkpoints) at \(Int(now.timeIntervalSince(startTime))) s")
                nextCheckpoint = Date().addingTimeInterval(settings.checkpointEvery)
                nextFault = Date().addingTimeInterval(settings.faultEvery)
            } else if now >= nextFault {
                try await inject(schedule.fault(number: faults))
                nextFault = now.addingTimeInterval(settings.faultEvery)
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        try checkAlive()
        try await checkpoint(label: "final")
        try await verifyDatabase()
    }

    func inject(_ fault: SoakFault) async throws {
        faults += 1
        faultKindsFired.insert(fault)
        if let params = fault.simulatorParams(silenceDeadlineSeconds: settings.silenceDeadline) {
            var p: [String: Any] = ["kind": fault.rawValue]
            for (k, v) in params { p[k] = v }
            _ = try await control("simulatorFault", [p])
        } else if fault == .postgresRestart {
            try await restartPostgres()
        } else if let kind = settings.proxy {
            // A proxy restart: every tunnel through it dies at once; the new one listens on the same port.
            proxy?.stop()
            try await startProxy(kind)
        }
        if faults % 10 == 0 || faults <= 8 { log("fault \(faults): \(fault.rawValue)") }
    }

    // MARK: checkpoints

    /// Freezes the cluster, waits (bounded) until the cache equals it, counts what still differs.
    func checkpoint(label: String) async throws {
        _ = try await control("simulatorPause", [])
        let deadline = Date().addingTimeInterval(settings.convergeTimeout)
        var problems: [String] = []
        var accounts = 0
        var poolsNotOk: [String] = []
        let began = Date()
        try await Task.sleep(for: .milliseconds(300))
        while true {
            try checkAlive()
            let h = try? await health()
            poolsNotOk = h.map { $0.notOk } ?? ["/v1/health did not answer"]
            do {
                let (cached, chain, chainSlot) = try await snapshotBoth()
                accounts = cached.filter { $0.held != nil }.count
                problems = CacheAudit.mismatches(cached: cached, chain: chain, chainSlot: chainSlot)
            } catch {
                problems = ["audit failed: \(error)"]
            }
            // An audit over too few accounts (an empty or half-empty cache) is not a pass: every pool
            // holds at least its own account.
            if problems.isEmpty && accounts < pools.count {
                problems = ["audited only \(accounts) cached accounts for \(pools.count) pools"]
            }
            if problems.isEmpty && poolsNotOk.isEmpty { break }
            if Date() > deadline { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        let waited = Date().timeIntervalSince(began)
        accountsChecked = accounts
        if problems.isEmpty && poolsNotOk.isEmpty {
            log("\(label): \(accounts) accounts equal the chain (converged in \(String(format: "%.1f", waited)) s), \(faults) faults so far")
        } else {
            mismatches += problems.count
            log("\(label): \(problems.count) mismatches, \(poolsNotOk.count) pools not ok after \(Int(waited)) s")
            for p in (problems + poolsNotOk).prefix(10) { log("  \(p)") }
            if !poolsNotOk.isEmpty {
                self.problems.append("\(label): \(poolsNotOk.count) pools not ok: \(poolsNotOk.prefix(3).joined(separator: "; "))")
            }
        }
        _ = try await control("simulatorResume", [])
    }

    /// Every watched account from the cache and the same keys from the simulator (batches of 100).
    func snapshotBoth() async throws -> ([CachedAccount], [String: ChainAccount], UInt64) {
        var cached: [CachedAccount] = []
        var offset = 0
        while true {
            let page = try await api.getJSON("\(apiURL)/v1/accounts?limit=250&offset=\(offset)")
            guard let total = page["count"] as? Int, let list = page["accounts"] as? [[String: Any]] else {
                throw SoakHTTP.Failure.shape("/v1/accounts")
            }
            for a in list {
                guard let address = a["address"] as? String else { throw SoakHTTP.Failure.shape("/v1/accounts address") }
                if a["cached"] as? Bool == true {
                    guard let owner = a["owner"] as? String, let slot = (a["slot"] as? String).flatMap(UInt64.init),
                        let data = (a["data_base64"] as? String).flatMap({ Data(base64Encoded: $0) })
                    else { throw SoakHTTP.Failure.shape("/v1/accounts entry") }
                    cached.append(CachedAccount(address: address, held: (owner, slot, [UInt8](data))))
                } else {
                    cached.append(CachedAccount(address: address, held: nil))
                }
            }
            offset += list.count
            if list.isEmpty || offset >= total { break }
        }
        var chain: [String: ChainAccount] = [:]
        var chainSlot: UInt64 = 0
        let keys = cached.map(\.address)
        for start in stride(from: 0, to: keys.count, by: 100) {
            let batch = Array(keys[start..<min(keys.count, start + 100)])
            // One JSON-RPC batch: the accounts (as mainnet serves them) and their write slots (simulator control).
            let replies = try await api.rpcBatch(
                rpcURL,
                [
                    ("getMultipleAccounts", [batch, ["encoding": "base64", "commitment": "confirmed"]]),
                    ("simulatorAccountSlots", [batch]),
                ])
            guard replies.count == 2, let accountsResult = replies[0] as? [String: Any], let slotsResult = replies[1] as? [String: Any],
                let values = accountsResult["value"] as? [Any], let slots = slotsResult["value"] as? [Any],
                values.count == batch.count, slots.count == batch.count,
                let context = accountsResult["context"] as? [String: Any], let slot = SoakHTTP.u64(context["slot"])
            else {
                throw SoakHTTP.Failure.shape("getMultipleAccounts/simulatorAccountSlots")
            }
            chainSlot = max(chainSlot, slot)
            for (i, key) in batch.enumerated() {
                guard let v = values[i] as? [String: Any] else { continue }  // null: not on the chain
                guard let owner = v["owner"] as? String, let d = v["data"] as? [Any], let b64 = d.first as? String,
                    let data = Data(base64Encoded: b64), let writeSlot = SoakHTTP.u64(slots[i])
                else {
                    throw SoakHTTP.Failure.shape("getMultipleAccounts value")
                }
                chain[key] = ChainAccount(owner: owner, data: [UInt8](data), writeSlot: writeSlot)
            }
        }
        return (cached, chain, chainSlot)
    }

    // MARK: API readings

    struct Health { var ok: Int; var connections: Int; var live: Int; var notOk: [String] }

    func health() async throws -> Health {
        let h = try await api.getJSON("\(apiURL)/v1/health")
        guard let pools = h["pools"] as? [[String: Any]] else { throw SoakHTTP.Failure.shape("/v1/health") }
        let conns = h["connections"] as? [[String: Any]] ?? []
        let notOk = pools.filter { $0["status"] as? String != "ok" }.map {
            "pool \($0["address"] as? String ?? "?"): \($0["status"] as? String ?? "?") \($0["detail"] as? String ?? "")"
        }
        return Health(
            ok: pools.count - notOk.count, connections: conns.count, live: conns.filter { $0["state"] as? String == "live" }.count, notOk: notOk)
    }

    /// Resident memory is the median of 5 readings 3 s apart: a single reading right after a
    /// checkpoint catches the burst of its 4,700-account reads (several MB of JSON) before the
    /// service's heap trim (every 10 s) returns it, and would measure the burst, not the level.
    func sample() async throws -> (rss: Double, fds: Int, updates: Double) {
        guard let c = cache else { throw Failure(description: "no cache process") }
        var readings: [Double] = []
        for i in 0..<5 {
            if i > 0 { try await Task.sleep(for: .seconds(3)) }
            guard let status = try? String(contentsOfFile: "/proc/\(c.pid)/status", encoding: .utf8),
                let rss = SoakReadings.residentMB(procStatus: status)
            else {
                throw Failure(description: "cannot read /proc/\(c.pid)/status")
            }
            readings.append(rss)
        }
        let rss = readings.sorted()[readings.count / 2]
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(c.pid)/fd").count) ?? -1
        let metrics = try await api.getText("\(apiURL)/metrics")
        return (rss, fds, SoakReadings.metric("spc_ingest_applied_total", in: metrics) ?? 0)
    }

    func control(_ method: String, _ params: [Any]) async throws -> Any {
        let replies = try await api.rpcBatch(rpcURL, [(method, params)])
        guard let first = replies.first else { throw SoakHTTP.Failure.shape(method) }
        return first
    }
}
