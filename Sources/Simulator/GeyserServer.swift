import GRPCCore
import GRPCNIOTransportHTTP2Posix

/// Serves `GeyserService` over HTTP/2 plaintext (h2c) on `host:port` (0: the kernel's port,
/// reported to `ports`) until the task is cancelled.
///
/// ```swift
/// try await GeyserServer.run(service, host: "127.0.0.1", port: 0, ports: ports)
/// ```
enum GeyserServer {
    static func run(_ service: GeyserService, host: String, port: Int, ports: ReadyPorts) async throws {
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: host, port: port), transportSecurity: .plaintext,
            config: .defaults { config in
                // Account messages can be large (10 MiB accounts exist on mainnet).
                config.rpc.maxRequestPayloadSize = 16 << 20
            })
        let server = GRPCServer(transport: transport, services: [service])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            group.addTask {
                do {
                    let address = try await transport.listeningAddress
                    ports.set(grpc: address.ipv4?.port ?? address.ipv6?.port ?? 0)
                } catch {
                    ports.fail(error)
                    throw error
                }
            }
            do {
                try await group.next()
                try await group.next()
            } catch {
                server.beginGracefulShutdown()
                throw error
            }
        }
    }
}
