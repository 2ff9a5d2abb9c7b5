import Foundation
import SolanaCore

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
        if rssEndMB > rssLimit {
            out.append(
                "rss grew from \(SoakSummary.format(rssStartMB)) MB to \(SoakSummary.format(rssEndMB)) MB (limit \(SoakSummary.format(rssLimit)) MB)")
        }
        if fdsEnd > fdsStart + fdSlack { out.append("open descriptors grew from \(fdsStart) to \(fdsEnd) (limit \(fdsStart + fdSlack))") }
        return out
    }
}
