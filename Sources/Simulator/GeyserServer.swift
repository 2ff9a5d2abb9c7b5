import GRPCCore
import GRPCNIOTransportHTTP2Posix
import GracefulStop
import Logging
import ServiceLifecycle

/// Serves `GeyserService` over HTTP/2 plaintext (h2c) on `host:port` (0: the kernel's port,
/// reported to `ports`) until the task is cancelled, then stops like the other simulator
/// servers (`GracefulStop`: a graceful shutdown first, never a bare cancel of a NIO server).
///
/// ```swift
/// try await GeyserServer.run(service, host: "127.0.0.1", port: 0, ports: ports, logger: logger)
/// ```
struct GeyserServer: Service {
    let server: GRPCServer<HTTP2ServerTransport.Posix>

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await server.serve()
        } onGracefulShutdown: {
            server.beginGracefulShutdown()
        }
    }

    static func run(_ service: GeyserService, host: String, port: Int, ports: ReadyPorts, logger: Logger) async throws {
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: host, port: port), transportSecurity: .plaintext,
            config: .defaults { config in
                // Subscribe requests list every followed pubkey (50,000 keys are ~2.3 MB).
                config.rpc.maxRequestPayloadSize = 16 << 20
            })
        let server = GeyserServer(server: GRPCServer(transport: transport, services: [service]))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await GracefulStop.run([server], logger: logger) }
            group.addTask {
                do {
                    let address = try await transport.listeningAddress
                    ports.set(grpc: address.ipv4?.port ?? address.ipv6?.port ?? 0)
                } catch {
                    ports.fail(error)
                    throw error
                }
            }
            for try await _ in group {}
        }
    }
}
