// swift-tools-version:6.0
import PackageDescription

// Layout follows docs/design.md: pure targets in the middle (SolanaCore, PoolMath, Dex),
// I/O at the edges (the executable; later RPC, Cache, Server, Simulator).
let package = Package(
    name: "solana-pool-cache",
    platforms: [.macOS(.v15)],  // grpc-swift-2 needs macOS 15
    products: [
        .executable(name: "solana-pool-cache", targets: ["solana-pool-cache"]),
        .library(name: "Dex", targets: ["Dex"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
    ],
    targets: [
        .target(name: "SolanaCore"),
        .target(name: "PoolMath"),
        .target(name: "Dex", dependencies: ["SolanaCore", "PoolMath"]),
        .target(name: "GracefulStop", dependencies: [
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Yellowstone gRPC's Geyser messages and service stubs, generated from geyser.proto
        // (scripts/gen-geyser.sh; the generated files are committed). Generated/, not Sources/: no
        // one edits these files, so the house rules for hand-written code (600 lines, format) skip them.
        .target(name: "Geyser", dependencies: [
            .product(name: "GRPCCore", package: "grpc-swift-2"),
            .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ], path: "Generated/Geyser", exclude: ["geyser.proto"]),
        .target(name: "Simulator", dependencies: [
            "Dex", "SolanaCore", "PoolMath", "GracefulStop", "Geyser",
            .product(name: "GRPCCore", package: "grpc-swift-2"),
            .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], resources: [.copy("Snapshots")]),
        .target(name: "Cache", dependencies: ["Dex", "SolanaCore", "PoolMath"]),
        .target(name: "RPC", dependencies: [
            "SolanaCore",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Ingest", dependencies: [
            "Cache", "RPC", "Dex", "SolanaCore",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // The Yellowstone gRPC account source (Geyser Subscribe stream) behind the Ingest seam.
        .target(name: "GeyserSource", dependencies: [
            "Geyser", "Ingest", "RPC", "Cache", "SolanaCore",
            .product(name: "GRPCCore", package: "grpc-swift-2"),
            .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The NATS protocol (pure parser/encoder) and client over swift-nio, with the JetStream API.
        .target(name: "NATS", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Shards and followers over NATS JetStream: the publisher and the follower account source.
        .target(name: "NATSSync", dependencies: [
            "NATS", "Ingest", "Cache", "Server", "Arbitrage", "SolanaCore",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Arbitrage", dependencies: ["Dex", "SolanaCore", "PoolMath"]),
        .target(name: "FuzzTargets", dependencies: ["Dex", "SolanaCore", "RPC", "Config"]),
        .target(name: "Bench", dependencies: [
            "Dex", "SolanaCore", "PoolMath", "Simulator", "Cache", "Arbitrage", "RPC", "Ingest", "Server", "GracefulStop", "App",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
        ]),
        // The TOML adapter at the edge: it fills the settings types each target owns.
        .target(name: "Config", dependencies: [
            "Arbitrage", "Cache", "Dex", "GeyserSource", "Ingest", "NATSSync", "Persistence", "RPC", "Server", "SolanaCore",
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        .target(name: "Persistence", dependencies: [
            "Cache", "SolanaCore",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Server", dependencies: [
            "Arbitrage", "Cache", "Dex", "SolanaCore", "PoolMath", "Persistence", "GracefulStop",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Logging", package: "swift-log"),
        ], resources: [.copy("openapi.json"), .copy("Dashboard")]),
        .target(name: "App", dependencies: [
            "Arbitrage", "Cache", "GeyserSource", "Ingest", "NATSSync", "Persistence", "Server",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ]),
        // The soak harness: the simulator, a real proxy and the service as child processes under faults.
        .target(name: "Soak", dependencies: ["RPC", "Simulator", "SolanaCore"]),
        .target(name: "CLI", dependencies: [
            "App", "Soak",
            "Dex", "SolanaCore", "PoolMath", "Simulator", "Cache", "Config", "Persistence", "Server", "Bench", "Ingest", "Arbitrage", "RPC",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "solana-pool-cache", dependencies: ["CLI"]),
        .testTarget(name: "SolanaCoreTests", dependencies: ["SolanaCore"]),
        .testTarget(name: "PoolMathTests", dependencies: ["PoolMath"]),
        // Vectors/ is read by path (#filePath), not bundled.
        .testTarget(name: "DexTests", dependencies: ["Dex", "SolanaCore", "PoolMath"], exclude: ["Vectors"]),
        .testTarget(name: "CLITests", dependencies: ["CLI", "App", "Cache", "Dex", "SolanaCore", "Config", "Persistence", "Soak"]),
        .testTarget(name: "FuzzTests", dependencies: ["FuzzTargets"]),
        .testTarget(name: "CacheTests", dependencies: ["Cache", "Dex", "SolanaCore", "Simulator"]),
        .testTarget(name: "ArbitrageTests", dependencies: ["App", "Cache", "Config", "Arbitrage", "Simulator", "Dex", "SolanaCore", "PoolMath", "Server"]),
        .testTarget(name: "RPCTests", dependencies: [
            "RPC", "SolanaCore", "Simulator", "IngestTestSupport", "Dex", "GracefulStop",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // Test-only helpers: real proxies from Debian packages, the in-process simulator, the invariant.
        .target(name: "IngestTestSupport", dependencies: [
            "RPC", "Cache", "Ingest", "Simulator", "SolanaCore", .product(name: "Logging", package: "swift-log"),
        ], path: "Tests/IngestTestSupport"),
        .testTarget(name: "IngestTests", dependencies: [
            "Ingest", "RPC", "Cache", "Dex", "SolanaCore", "Simulator", "IngestTestSupport", "GracefulStop", "GeyserSource", "Geyser",
            .product(name: "GRPCCore", package: "grpc-swift-2"),
            .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .testTarget(name: "ServerTests", dependencies: [
            "App", "GeyserSource",
            "Server", "Arbitrage", "Config", "Ingest", "Persistence", "Cache", "Dex", "SolanaCore", "PoolMath", "Simulator", "CLI", "RPC",
            .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "NATSTests", dependencies: [
            "NATS", "NATSSync", "App", "Arbitrage", "Cache", "Config", "Dex", "Ingest", "IngestTestSupport", "Server", "Simulator", "SolanaCore",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "SimulatorTests", dependencies: [
            "Simulator", "Dex", "SolanaCore", "PoolMath",
            .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
