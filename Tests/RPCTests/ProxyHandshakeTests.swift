import NIOCore
import NIOEmbedded
@testable import RPC
import XCTest

/// Proxy handshakes byte for byte (RFC 9110 CONNECT, RFC 1928/1929 SOCKS5) and the handler on
/// an EmbeddedChannel: no sockets.
final class ProxyHandshakeTests: XCTestCase {
    func testHTTPConnectRequestAndReplies() throws {
        var h = HTTPConnectHandshake(targetHost: "rpc.example.com", targetPort: 443, username: "alice", password: "s3cret")
        let request = String(decoding: try h.start(), as: UTF8.self)
        XCTAssertEqual(
            request, "CONNECT rpc.example.com:443 HTTP/1.1\r\nHost: rpc.example.com:443\r\nProxy-Authorization: Basic YWxpY2U6czNjcmV0\r\n\r\n")
        var partial = Array("HTTP/1.1 200 Connection established\r\n".utf8)
        XCTAssertEqual(try h.receive(&partial), .needMore)
        var full = Array("HTTP/1.1 200 Connection established\r\nProxy-agent: x\r\n\r\n".utf8)
        XCTAssertEqual(try h.receive(&full), .done)
        XCTAssertEqual(full, [])

        var denied = Array("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n".utf8)
        XCTAssertThrowsError(try h.receive(&denied)) {
            XCTAssertEqual($0 as? TransportError, .proxyRefused("HTTP 407 proxy authentication required"))
        }
        var forbidden = Array("HTTP/1.0 403 Forbidden\r\n\r\n".utf8)
        XCTAssertThrowsError(try h.receive(&forbidden))
        var garbage = Array("SSH-2.0-OpenSSH\r\n\r\n".utf8)
        XCTAssertThrowsError(try h.receive(&garbage)) { XCTAssertTrue("\($0)".contains("not an HTTP reply")) }
        var huge = [UInt8](repeating: 65, count: HTTPConnectHandshake.maxHeaderBytes + 1)
        XCTAssertThrowsError(try h.receive(&huge))
    }

    func testSOCKS5NoAuth() throws {
        var h = SOCKS5Handshake(targetHost: "127.0.0.1", targetPort: 8900)
        XCTAssertEqual(try h.start(), [5, 1, 0])
        var choice: [UInt8] = [5, 0]
        XCTAssertEqual(try h.receive(&choice), .send([5, 1, 0, 1, 127, 0, 0, 1, 0x22, 0xC4]))
        var reply: [UInt8] = [5, 0, 0, 1, 127, 0]
        XCTAssertEqual(try h.receive(&reply), .needMore)
        reply += [0, 1, 0x1F, 0x90]
        XCTAssertEqual(try h.receive(&reply), .done)
    }

    func testSOCKS5WithPasswordAndDomain() throws {
        var h = SOCKS5Handshake(targetHost: "rpc.example.com", targetPort: 443, username: "bob", password: "pw")
        XCTAssertEqual(try h.start(), [5, 2, 0, 2])
        var choice: [UInt8] = [5, 2]
        XCTAssertEqual(try h.receive(&choice), .send([1, 3] + Array("bob".utf8) + [2] + Array("pw".utf8)))
        var authOK: [UInt8] = [1, 0]
        XCTAssertEqual(try h.receive(&authOK), .send([5, 1, 0, 3, 15] + Array("rpc.example.com".utf8) + [1, 0xBB]))
        var reply: [UInt8] = [5, 0, 0, 3, 4] + Array("host".utf8) + [0, 80]
        XCTAssertEqual(try h.receive(&reply), .done)
    }

    func testSOCKS5Failures() throws {
        var badAuth = SOCKS5Handshake(targetHost: "h", targetPort: 1, username: "u", password: "p")
        _ = try badAuth.start()
        var c: [UInt8] = [5, 2]
        _ = try badAuth.receive(&c)
        var rejected: [UInt8] = [1, 1]
        XCTAssertThrowsError(try badAuth.receive(&rejected)) {
            XCTAssertEqual($0 as? TransportError, .proxyRefused("SOCKS5 username/password rejected"))
        }

        var noMethod = SOCKS5Handshake(targetHost: "h", targetPort: 1)
        _ = try noMethod.start()
        var ff: [UInt8] = [5, 0xFF]
        XCTAssertThrowsError(try noMethod.receive(&ff))

        var unoffered = SOCKS5Handshake(targetHost: "h", targetPort: 1)
        _ = try unoffered.start()
        var two: [UInt8] = [5, 2]
        XCTAssertThrowsError(try unoffered.receive(&two))

        var refused = SOCKS5Handshake(targetHost: "h", targetPort: 1)
        _ = try refused.start()
        var ok: [UInt8] = [5, 0]
        _ = try refused.receive(&ok)
        var r: [UInt8] = [5, 5, 0, 1, 0]
        XCTAssertThrowsError(try refused.receive(&r)) {
            XCTAssertEqual($0 as? TransportError, .proxyRefused("SOCKS5 CONNECT failed: connection refused"))
        }

        var v4 = SOCKS5Handshake(targetHost: "h", targetPort: 1)
        var four: [UInt8] = [4, 0]
        XCTAssertThrowsError(try v4.receive(&four))
    }

    func testHandlerOnEmbeddedChannel() throws {
        let channel = EmbeddedChannel()
        let promise = channel.eventLoop.makePromise(of: Void.self)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1080)).wait()
        try channel.pipeline.addHandler(ProxyHandshakeHandler(handshake: SOCKS5Handshake(targetHost: "10.0.0.1", targetPort: 443), promise: promise))
            .wait()
        var greeting = try XCTUnwrap(channel.readOutbound(as: ByteBuffer.self))
        XCTAssertEqual(greeting.readBytes(length: greeting.readableBytes), [5, 1, 0])
        try channel.writeInbound(ByteBuffer(bytes: [5]))  // split reply: waits
        XCTAssertNil(try channel.readOutbound(as: ByteBuffer.self))
        try channel.writeInbound(ByteBuffer(bytes: [0]))
        var connect = try XCTUnwrap(channel.readOutbound(as: ByteBuffer.self))
        XCTAssertEqual(connect.readBytes(length: connect.readableBytes), [5, 1, 0, 1, 10, 0, 0, 1, 1, 0xBB])
        var done = false
        promise.futureResult.whenSuccess { done = true }
        try channel.writeInbound(ByteBuffer(bytes: [5, 0, 0, 1, 0, 0, 0, 0, 0, 0]))
        XCTAssertTrue(done)
        // The handler left the pipeline: later bytes pass through untouched.
        try channel.writeInbound(ByteBuffer(bytes: [1, 2, 3]))
        var passed = try XCTUnwrap(channel.readInbound(as: ByteBuffer.self))
        XCTAssertEqual(passed.readBytes(length: 3), [1, 2, 3])
        _ = try channel.finish()
    }

    func testHandlerFailsOnProxyClose() throws {
        let channel = EmbeddedChannel()
        let promise = channel.eventLoop.makePromise(of: Void.self)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 3128)).wait()
        try channel.pipeline.addHandler(ProxyHandshakeHandler(handshake: HTTPConnectHandshake(targetHost: "a", targetPort: 1), promise: promise))
            .wait()
        var failure: Error?
        promise.futureResult.whenFailure { failure = $0 }
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 502 Bad Gateway\r\n\r\n"))
        XCTAssertNotNil(failure)
        XCTAssertFalse(channel.isActive)
    }

    func testTokenBucket() {
        var b = TokenBucket(rate: 10, capacity: 2, now: 0)
        XCTAssertEqual(b.reserve(now: 0), 0)
        XCTAssertEqual(b.reserve(now: 0), 0)
        XCTAssertEqual(b.reserve(now: 0), 0.1, accuracy: 1e-9)
        XCTAssertEqual(b.reserve(now: 0), 0.2, accuracy: 1e-9)
        XCTAssertEqual(b.reserve(now: 1), 0, accuracy: 1e-9)  // refilled
        b.block(until: 5)
        XCTAssertEqual(b.reserve(now: 2), 3 + 0.1, accuracy: 1e-9)  // after the block, at the steady rate
    }

    func testEndpointURL() throws {
        let u = try EndpointURL("wss://rpc.example.com/ws?api-key=SECRET")
        XCTAssertEqual(u.port, 443)
        XCTAssertTrue(u.tls)
        XCTAssertEqual(u.requestTarget, "/ws?api-key=SECRET")
        XCTAssertFalse(u.description.contains("SECRET"))
        XCTAssertEqual(try EndpointURL("http://127.0.0.1:8899").authority, "127.0.0.1:8899")
        XCTAssertThrowsError(try EndpointURL("ftp://x"))
        XCTAssertThrowsError(try EndpointURL("not a url"))
        XCTAssertThrowsError(try EndpointURL("http://x:99999"))
    }
}
