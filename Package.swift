// swift-tools-version:6.0
import PackageDescription

// Layout follows docs/design.md: pure targets in the middle (SolanaCore, PoolMath, Dex),
// I/O at the edges (the executable; later RPC, Cache, Server, Simulator).
let package = Package(
    name: "solana-pool-cache",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "solana-pool-cache", targets: ["solana-pool-cache"]),
        .library(name: "Dex", targets: ["Dex"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
    ],
    targets: [
        .target(name: "SolanaCore"),
        .target(name: "PoolMath"),
        .target(name: "Dex", dependencies: ["SolanaCore", "PoolMath"]),
        .target(name: "Simulator", dependencies: [
            "Dex", "SolanaCore", "PoolMath",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
        ], resources: [.copy("Snapshots")]),
        .target(name: "Cache", dependencies: ["Dex", "SolanaCore", "PoolMath"]),
        .target(name: "Arbitrage", dependencies: ["Dex", "SolanaCore", "PoolMath"]),
        .target(name: "FuzzTargets", dependencies: ["Dex", "SolanaCore"]),
        .target(name: "Bench", dependencies: ["Dex", "SolanaCore", "PoolMath", "Simulator", "Cache", "Arbitrage"]),
        .target(name: "CLI", dependencies: ["Dex", "SolanaCore", "PoolMath", "Simulator", "Cache", "Bench"]),
        .executableTarget(name: "solana-pool-cache", dependencies: ["CLI"]),
        .testTarget(name: "SolanaCoreTests", dependencies: ["SolanaCore"]),
        .testTarget(name: "PoolMathTests", dependencies: ["PoolMath"]),
        .testTarget(name: "DexTests", dependencies: ["Dex", "SolanaCore", "PoolMath"]),
        .testTarget(name: "CLITests", dependencies: ["CLI", "Dex", "SolanaCore"]),
        .testTarget(name: "FuzzTests", dependencies: ["FuzzTargets"]),
        .testTarget(name: "CacheTests", dependencies: ["Cache", "Dex", "SolanaCore", "Simulator"]),
        .testTarget(name: "ArbitrageTests", dependencies: ["Arbitrage", "Simulator", "Dex", "SolanaCore", "PoolMath"]),
        .testTarget(name: "SimulatorTests", dependencies: [
            "Simulator", "Dex", "SolanaCore",
            .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
