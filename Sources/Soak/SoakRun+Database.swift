import Foundation

/// The PostgreSQL side of a soak run: the fault, and the end-of-run proof that the database holds
/// what the cache had, read back with psql and compared with the cache and the chain.
extension SoakRun {
    /// `postgres_restart`: the server and its backends are killed mid-run; 3 s later it comes back on
    /// the same port. Meanwhile the cache keeps serving and its snapshot writes fail and retry.
    func restartPostgres() async throws {
        guard let pg = postgres else { return }
        try pg.crash()
        try await Task.sleep(for: .seconds(3))
        try pg.restart()
    }

    /// With the chain paused: waits (bounded) for a snapshot flush that started after the pause, then
    /// requires every account the cache holds to be in `account_snapshots` with the cache's bytes
    /// and slot, equal to the chain's. Counts what is missing or different as mismatches.
    func verifyDatabase() async throws {
        guard let pg = postgres else { return }
        _ = try await control("simulatorPause", [])
        let paused = Date().timeIntervalSince1970
        let deadline = Date().addingTimeInterval(max(30, settings.convergeTimeout))
        var flushed = false
        while !flushed {
            let h = try await api.getJSON("\(apiURL)/v1/health")
            let snapshots = (h["database"] as? [String: Any])?["snapshots"] as? [String: Any]
            // last_success_at is the time the successful flush began.
            if let t = snapshots?["last_success_at"] as? Double, t > paused { flushed = true; break }
            if Date() > deadline { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        if !flushed { problems.append("database: no snapshot flush succeeded within \(Int(max(30, settings.convergeTimeout))) s of the pause") }
        let (cached, chain, _) = try await snapshotBoth()
        let rows = try pg.snapshotRows()
        var held = 0, missing = 0, differ = 0
        var examples: [String] = []
        for c in cached {
            guard let h = c.held else { continue }
            held += 1
            guard let row = rows[c.address] else {
                missing += 1
                if examples.count < 5 { examples.append("\(c.address): not in the database") }
                continue
            }
            if row.data != h.data || row.slot != h.slot || chain[c.address]?.data != row.data {
                differ += 1
                if examples.count < 5 { examples.append("\(c.address): database slot \(row.slot), cache slot \(h.slot)") }
            }
        }
        log("database: \(rows.count) snapshot rows; of \(held) cached accounts \(missing) missing, \(differ) different from the cache or the chain")
        for e in examples { log("  \(e)") }
        if held < pools.count { problems.append("database audit saw only \(held) cached accounts for \(pools.count) pools") }
        if missing + differ > 0 {
            mismatches += missing + differ
            problems.append("database: \(missing) accounts missing, \(differ) different after the run")
        }
        _ = try await control("simulatorResume", [])
    }
}
