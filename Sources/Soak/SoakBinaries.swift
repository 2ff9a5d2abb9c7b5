import Foundation
import RPC
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Simulator
import SolanaCore

/// Binaries the soak starts (tinyproxy, microsocks).
enum SoakBinaries {
    static func binary(_ name: String) -> String? {
        ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/bin", "/sbin"].map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
