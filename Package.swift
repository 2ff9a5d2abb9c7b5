// swift-tools-version:6.0
import PackageDescription

// Layout follows docs/design.md: pure targets in the middle (SolanaCore, PoolMath, Dex),
// I/O at the edges (the executable; later RPC, Cache, Server, Simulator).
let package = Package(
    name: "solana-pool-cache",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "solana-pool-cache", targets: ["solana-pool-cache"]),
        .library(name: "Dex", targets: ["Dex"]),
    ],
    targets: [
        .target(name: "SolanaCore"),
        .target(name: "PoolMath"),
        .target(name: "Dex", dependencies: ["SolanaCore", "PoolMath"]),
        .target(name: "CLI", dependencies: ["Dex", "SolanaCore", "PoolMath"]),
        .executableTarget(name: "solana-pool-cache", dependencies: ["CLI"]),
        .testTarget(name: "SolanaCoreTests", dependencies: ["SolanaCore"]),
        .testTarget(name: "PoolMathTests", dependencies: ["PoolMath"]),
        .testTarget(name: "DexTests", dependencies: ["Dex", "SolanaCore", "PoolMath"]),
        .testTarget(name: "CLITests", dependencies: ["CLI", "Dex", "SolanaCore"]),
    ],
    swiftLanguageModes: [.v5]
)
