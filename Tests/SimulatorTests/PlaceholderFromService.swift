// Placeholder so the feat-service branch builds: main declares this test target before its sources land.
// Delete when merging the branch that adds the real SimulatorTests.
import XCTest
