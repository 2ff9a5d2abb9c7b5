import FuzzTargets
import Foundation
import XCTest

/// Replays the saved fuzz corpus (seeds and every crasher ever found, `Tests/FuzzCorpus/<target>/`)
/// through the same entry points the libFuzzer harnesses use. A trap here fails the run.
final class FuzzRegressionTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzCorpus")

    func testCorpusReplaysWithoutTrapping() throws {
        var replayed = 0
        for (name, target) in FuzzTargets.all.sorted(by: { $0.key < $1.key }) {
            let dir = Self.corpus.appendingPathComponent(name)
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            XCTAssertFalse(files.isEmpty, "no corpus for \(name)")
            for f in files.sorted() where !f.hasPrefix(".") {
                target([UInt8](try Data(contentsOf: dir.appendingPathComponent(f))))
                replayed += 1
            }
        }
        XCTAssertGreaterThan(replayed, 50)
    }
}
