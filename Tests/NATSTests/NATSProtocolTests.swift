import NATS
import NATSSync
import SolanaCore
import XCTest

/// The pure protocol parts: parser (split frames, headers, errors), encoder, JetStream metadata,
/// the account message format, subjects and the `shard_of` split.
final class NATSProtocolTests: XCTestCase {
    func testFramesSplitAnywhereParseTheSame() throws {
        let head = "NATS/1.0\r\nSpc-Slot: 42\r\nK:  v \r\n\r\n"
        let wire = Array(
            ("INFO {\"server_id\":\"X\",\"headers\":true,\"max_payload\":1048576}\r\nPING\r\n+OK\r\nMSG a.b 7 5\r\nhello\r\n"
                + "MSG a.c 8 reply.to 0\r\n\r\nHMSG spc.acct.x 9 _INBOX.r \(head.utf8.count) \(head.utf8.count + 5)\r\n\(head)bytes\r\nPONG\r\n").utf8
        )
        var whole = NATSParser()
        let expected = try whole.feed(wire)
        XCTAssertEqual(expected.count, 7)
        guard case .msg(let m) = expected[5] else { return XCTFail("expected HMSG, got \(expected[5])") }
        XCTAssertEqual(m.subject, "spc.acct.x")
        XCTAssertEqual(m.replyTo, "_INBOX.r")
        XCTAssertEqual(m.headers?["spc-slot"], "42")
        XCTAssertEqual(m.headers?["K"], "v")
        XCTAssertEqual(m.payload, Array("bytes".utf8))
        guard case .msg(let empty) = expected[4] else { return XCTFail("expected MSG") }
        XCTAssertEqual(empty.payload, [])
        XCTAssertEqual(empty.replyTo, "reply.to")
        // Byte by byte, and in every two-piece split: the same operations.
        var bytewise = NATSParser()
        var ops: [NATSServerOp] = []
        for b in wire { ops += try bytewise.feed([b]) }
        XCTAssertEqual(ops, expected)
        XCTAssertEqual(bytewise.buffered, 0)
        for cut in 1..<wire.count {
            var p = NATSParser()
            XCTAssertEqual(try p.feed(wire[..<cut]) + p.feed(wire[cut...]), expected, "split at \(cut)")
        }
    }

    func testStatusHeadersOfFlowControlAndNoResponders() throws {
        let block = "NATS/1.0 100 FlowControl Request\r\n\r\n"
        let fc = Array("HMSG _INBOX.d 2 $JS.FC.S.x.1 \(block.utf8.count) \(block.utf8.count)\r\n\(block)\r\n".utf8)
        var p = NATSParser()
        guard case .msg(let m)? = try p.feed(fc).first else { return XCTFail("no message") }
        XCTAssertEqual(m.status, 100)
        XCTAssertEqual(m.headers?.statusDescription, "FlowControl Request")
        let h = NATSHeaders.self
        XCTAssertEqual(try h.parse(ArraySlice("NATS/1.0 503\r\n\r\n".utf8)).status, 503)
        XCTAssertThrowsError(try h.parse(ArraySlice("HTTP/1.1 200\r\n\r\n".utf8)))
    }

    func testErrorsAreTyped() throws {
        var p = NATSParser()
        XCTAssertEqual(try p.feed(Array("-ERR 'Authorization Violation'\r\n".utf8)), [.err("Authorization Violation")])
        var bad = NATSParser()
        XCTAssertThrowsError(try bad.feed(Array("WHAT now\r\n".utf8))) { XCTAssertEqual($0 as? NATSProtocolError, .badControlLine("WHAT now")) }
        var big = NATSParser(maxPayload: 10)
        XCTAssertThrowsError(try big.feed(Array("MSG a 1 11\r\n".utf8))) { XCTAssertEqual($0 as? NATSProtocolError, .payloadTooLarge(11)) }
        var unterminated = NATSParser()
        XCTAssertThrowsError(try unterminated.feed(Array("MSG a 1 2\r\nabXY".utf8))) {
            XCTAssertEqual($0 as? NATSProtocolError, .missingPayloadTerminator)
        }
        var long = NATSParser()
        XCTAssertThrowsError(try long.feed([UInt8](repeating: 65, count: NATSParser.maxControlLine + 1))) {
            XCTAssertEqual($0 as? NATSProtocolError, .controlLineTooLong(NATSParser.maxControlLine))
        }
        var negative = NATSParser()
        XCTAssertThrowsError(try negative.feed(Array("HMSG a 1 9 3\r\n".utf8)))
    }

    func testEncoderWritesWhatTheProtocolSays() throws {
        var out: [UInt8] = []
        NATSEncoder.pub(into: &out, subject: "a.b", replyTo: "r", payload: Array("hi".utf8))
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "PUB a.b r 2\r\nhi\r\n")
        out = []
        let headers = NATSHeaders([("Spc-Slot", "9")])
        NATSEncoder.hpub(into: &out, subject: "s", headers: headers, payload: [1, 2])
        // NATS/1.0\r\n (10) + "Spc-Slot: 9\r\n" (13) + \r\n (2) = 25 header bytes, 27 in all.
        XCTAssertEqual(String(decoding: out.prefix(16), as: UTF8.self), "HPUB s 25 27\r\nNA")
        XCTAssertEqual(try NATSHeaders.parse(ArraySlice(headers.encoded)), headers)
        XCTAssertEqual(String(decoding: NATSEncoder.sub(subject: "x.*", sid: "3"), as: UTF8.self), "SUB x.* 3\r\n")
        XCTAssertEqual(String(decoding: NATSEncoder.unsub(sid: "3"), as: UTF8.self), "UNSUB 3\r\n")
        XCTAssertFalse(NATSEncoder.isValidToken("a.b"))
        XCTAssertTrue(NATSEncoder.isValidToken("shard-1"))
    }

    func testJetStreamDeliveryMetadata() {
        let v1 = JetStreamDelivery(replyTo: "$JS.ACK.SPC_ACCT.abc.1.1042.17.1733280000000000000.5")
        XCTAssertEqual(v1, .init(replyTo: "$JS.ACK.SPC_ACCT.abc.1.1042.17.1733280000000000000.5"))
        XCTAssertEqual(v1?.stream, "SPC_ACCT")
        XCTAssertEqual(v1?.streamSequence, 1042)
        XCTAssertEqual(v1?.consumerSequence, 17)
        XCTAssertEqual(v1?.pending, 5)
        let v2 = JetStreamDelivery(replyTo: "$JS.ACK.hub.ACCHASH.SPC_ACCT.abc.1.7.3.1733280000000000000.0.xyz")
        XCTAssertEqual(v2?.streamSequence, 7)
        XCTAssertEqual(v2?.consumerSequence, 3)
        XCTAssertEqual(v2?.pending, 0)
        XCTAssertNil(JetStreamDelivery(replyTo: "_INBOX.x.1"))
    }

    func testAccountMessageRoundTripAndRejects() throws {
        let subjects = BusSubjects()
        let a = AccountData(
            address: try Pubkey(base58: "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2"),
            owner: try Pubkey(base58: "675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8"), data: [0, 1, 2, 255], lamports: 2_039_280, slot: 312_000_123)
        let (subject, headers) = AccountMessage.encode(a, order: 99, shard: "east", publishedAtMs: 1_733_280_000_000, subjects: subjects)
        XCTAssertEqual(subject, "spc.acct.675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8.58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2")
        let back = try AccountMessage.decode(NATSMessage(subject: subject, sid: "1", headers: headers, payload: a.data), subjects: subjects)
        XCTAssertEqual(back.account, a)
        XCTAssertEqual(back.order, 99)
        XCTAssertEqual(back.shard, "east")
        XCTAssertThrowsError(
            try AccountMessage.decode(NATSMessage(subject: "spc.acct.x.y", sid: "1", headers: headers, payload: []), subjects: subjects))
        var noSlot = NATSHeaders()
        noSlot.append("Spc-Shard", "east")
        XCTAssertThrowsError(try AccountMessage.decode(NATSMessage(subject: subject, sid: "1", headers: noSlot, payload: []), subjects: subjects)) {
            XCTAssertEqual($0 as? AccountMessageError, .missingHeader("Spc-Slot"))
        }
        var badSlot = NATSHeaders([("Spc-Slot", "-1")])
        badSlot.append("Spc-Shard", "east")
        XCTAssertThrowsError(try AccountMessage.decode(NATSMessage(subject: subject, sid: "1", headers: badSlot, payload: []), subjects: subjects)) {
            XCTAssertEqual($0 as? AccountMessageError, .badHeader("Spc-Slot", "-1"))
        }
        XCTAssertEqual(subjects.parseShard("spc.shard.east"), "east")
        XCTAssertNil(subjects.parseShard("spc.shard.a.b"))
    }

    func testShardOfSplitsEveryPoolExactlyOnce() throws {
        // 400 distinct addresses.
        let pools = (0..<400).map { i in Pubkey(w0: UInt64(i) &* 0x9E37_79B9_7F4A_7C15, w1: UInt64(i), w2: 7, w3: UInt64(i) << 3) }
        let shards = try (0..<3).map { try PoolShard(index: $0, count: 3) }
        var owners: [Int] = []
        for p in pools { owners.append(shards.filter { $0.owns(p) }.count) }
        XCTAssertEqual(Set(owners), [1])
        let sizes = shards.map { s in pools.filter(s.owns).count }
        XCTAssertTrue(sizes.allSatisfy { $0 > 80 }, "uneven split \(sizes)")
        // FNV-1a 64 of 32 zero bytes (the published function: offset basis, prime 0x100000001b3).
        XCTAssertEqual(PoolShard.hash(Pubkey(w0: 0, w1: 0, w2: 0, w3: 0)), Self.fnv1a([UInt8](repeating: 0, count: 32)))
        XCTAssertEqual(try PoolShard(parsing: "1/2"), try PoolShard(index: 1, count: 2))
        XCTAssertThrowsError(try PoolShard(parsing: "2/2"))
        XCTAssertThrowsError(try PoolShard(parsing: "a/b"))
    }

    /// An independent FNV-1a 64 (reference: http://www.isthe.com/chongo/tech/comp/fnv/).
    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 14_695_981_039_346_656_037
        for b in bytes { h = (h ^ UInt64(b)) &* 1_099_511_628_211 }
        return h
    }

    func testShardBookJudgesByTheDeadline() {
        var book = ShardBook(deadline: 2, now: 100)
        book.heartbeat("a", slot: 10, now: 100)
        book.applied("b", slot: 5, lagMs: nil)
        XCTAssertEqual(book.judge(now: 101).down, [])
        XCTAssertEqual(book.judge(now: 102.5).down, ["a", "b"])
        book.heartbeat("a", slot: 11, now: 103)
        XCTAssertEqual(book.judge(now: 103.1).up, ["a"])
        XCTAssertTrue(book.isAlive("a"))
        XCTAssertFalse(book.isAlive("b"))
        XCTAssertEqual(ShardBook.quantile([5, 1, 3, 2, 4], 0.5), 3)
        XCTAssertEqual(ShardBook.quantile([5, 1, 3, 2, 4], 0.99), 5)
    }
}
