import Foundation
import SolanaCore

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
