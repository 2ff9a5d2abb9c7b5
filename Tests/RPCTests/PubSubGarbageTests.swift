import Foundation
import GracefulStop
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import RPC
import SolanaCore
import XCTest

/// Undecodable bytes on the PubSub WebSocket, from a real WebSocket server that answers the
/// subscription and then sends junk: each bad frame is reported as `.malformed` (the engine counts
/// and logs it), the connection stays up, and the next good notification is delivered intact.
final class PubSubGarbageTests: XCTestCase {
    static let junk: [WebSocketOutboundWriter.OutboundFrame] = [
        .text("not json at all"),
        .text(#"{"jsonrpc":"2.0","method":"accountNotification"}"#),
        .binary(ByteBuffer(bytes: [0xFF, 0x00, 0xFE, 0x7B])),
        .text(
            #"{"jsonrpc":"2.0","method":"accountNotification","params":{"result":{"context":{"slot":5},"value":{"data":["!!!not base64","base64"],"owner":"11111111111111111111111111111111","lamports":1,"executable":false,"rentEpoch":0,"space":3}},"subscription":7}}"#
        ),
        .text(String(repeating: "{", count: 5_000)),
    ]

    func testUndecodableFramesAreReportedAndTheConnectionStaysUp() async throws {
        var quiet = Logger(label: "garbage-server")
        quiet.logLevel = .critical
        let router = Router()
        let (portStream, portSink) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(configuration: .init(ws: .init(autoPing: .disabled))) { _, _, _ in
                .upgrade([:]) { inbound, outbound, _ in
                    for try await message in inbound.messages(maxSize: 1 << 16) {
                        guard case .text(let text) = message, text.contains("accountSubscribe"),
                            let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], let id = object["id"] as? Int
                        else { continue }
                        try await outbound.write(.text(#"{"jsonrpc":"2.0","result":7,"id":\#(id)}"#))
                        for frame in Self.junk { try await outbound.write(frame) }
                        try await outbound.write(
                            .text(
                                #"{"jsonrpc":"2.0","method":"accountNotification","params":{"result":{"context":{"slot":9},"value":{"data":["AQID","base64"],"owner":"11111111111111111111111111111111","lamports":5,"executable":false,"rentEpoch":0,"space":3}},"subscription":7}}"#
                            ))
                    }
                }
            },
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: {
                portSink.yield($0.localAddress?.port ?? 0); portSink.finish()
            }, logger: quiet)
        let server = Task { try await GracefulStop.run([app], logger: quiet) }
        defer { server.cancel() }
        var ports = portStream.makeAsyncIterator()
        let first = await ports.next()
        let port = try XCTUnwrap(first, "the server did not start")

        let ws = try await PubSubConnection.connect(
            url: "ws://127.0.0.1:\(port)", dialer: try Dialer(), options: .init(pingIntervalSeconds: 1, silenceDeadlineSeconds: 10))
        defer { ws.close() }
        let key = Pubkey(bytes: [UInt8](repeating: 9, count: 32))!
        _ = try await ws.subscribe(account: key, commitment: "confirmed")
        let collect = Task { () -> ([String], AccountData?) in
            var malformed: [String] = []
            var delivered: AccountData?
            for await event in ws.events {
                switch event {
                case .malformed(let why): malformed.append(why)
                case .account(let a, _): delivered = a; return (malformed, delivered)
                case .closed(let e): XCTFail("the connection closed on junk: \(String(describing: e))"); return (malformed, delivered)
                case .slot: continue
                }
            }
            return (malformed, delivered)
        }
        let watchdog = Task {
            try await Task.sleep(for: .seconds(15))
            collect.cancel()
        }
        defer { watchdog.cancel() }
        let (malformed, delivered) = await collect.value
        XCTAssertEqual(malformed.count, Self.junk.count, "every junk frame is reported: \(malformed)")
        XCTAssertEqual(delivered?.address, key)
        XCTAssertEqual(delivered?.data, [1, 2, 3])
        XCTAssertEqual(delivered?.slot, 9)
        XCTAssertEqual(delivered?.lamports, 5)
    }
}
