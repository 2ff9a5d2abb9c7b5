import SolanaCore

/// One message a Solana PubSub server sends, as far as the cache cares.
public enum PubSubMessage: Sendable, Equatable {
    /// `accountNotification`: the account's new state at `slot` (address comes from the subscription).
    case account(AccountNotification)
    /// `slotNotification`.
    case slot(subscription: UInt64, slot: UInt64)
    /// Reply to a request: a subscription id (subscribe) or a boolean (unsubscribe).
    case result(id: UInt64, value: ReplyValue)
    /// Error reply (id absent when the server could not read the request).
    case error(id: UInt64?, code: Int, message: String)
    /// Anything else (other notification methods): counted and ignored.
    case other(method: String)

    public enum ReplyValue: Sendable, Equatable {
        case subscription(UInt64)
        case bool(Bool)
    }
}

/// An `accountNotification` decoded to bytes; `AccountData` once the subscription's account is known.
public struct AccountNotification: Sendable, Equatable {
    public var subscription: UInt64
    public var slot: UInt64
    public var owner: Pubkey
    public var lamports: UInt64
    public var data: [UInt8]

    public init(subscription: UInt64, slot: UInt64, owner: Pubkey, lamports: UInt64, data: [UInt8]) {
        self.subscription = subscription; self.slot = slot; self.owner = owner; self.lamports = lamports; self.data = data
    }

    public func account(address: Pubkey) -> AccountData {
        AccountData(address: address, owner: owner, data: data, lamports: lamports, slot: slot)
    }
}

/// Why a PubSub frame was rejected.
public enum PubSubParseError: Error, Equatable, CustomStringConvertible, Sendable {
    case json(JSONError)
    case notAnObject
    case missing(String)
    case badBase64
    case unsupportedEncoding(String)
    case badPubkey(String)

    public var description: String {
        switch self {
        case .json(let e): return "malformed JSON: \(e)"
        case .notAnObject: return "frame is not a JSON object"
        case .missing(let f): return "missing \(f)"
        case .badBase64: return "account data is not valid base64"
        case .unsupportedEncoding(let e): return "account data encoding \(e) (expected base64)"
        case .badPubkey(let s): return "owner '\(s.prefix(64))' is not a pubkey"
        }
    }
}

/// The hot-path parser for PubSub text frames: one pass over the bytes, no intermediate
/// document, base64 decoded in place, owners resolved through a small cache (few programs own
/// every watched account). Field order is not assumed.
///
/// ```swift
/// var parser = PubSubParser()
/// if case .account(let n) = try parser.parse(frameBytes) { store.apply(n.account(address: key), …) }
/// ```
public struct PubSubParser: Sendable {
    private var ownerCache: [(text: [UInt8], key: Pubkey)] = []

    public init() {}

    public mutating func parse(_ bytes: [UInt8]) throws -> PubSubMessage {
        try bytes.withUnsafeBufferPointer { try parse($0) }
    }

    public mutating func parse(_ buf: UnsafeBufferPointer<UInt8>) throws -> PubSubMessage {
        do {
            return try parseUnwrapped(buf)
        } catch let e as JSONError {
            throw PubSubParseError.json(e)
        }
    }

    private mutating func parseUnwrapped(_ buf: UnsafeBufferPointer<UInt8>) throws -> PubSubMessage {
        var s = JSONScanner(buf)
        guard try s.peek() == 0x7B else { throw PubSubParseError.notAnObject }
        var method: String?
        var id: UInt64?
        var resultValue: PubSubMessage.ReplyValue?
        var error: (Int, String)?
        var params = Params()
        try s.objectFields { key, s in
            if s.key(key, is: "method") {
                method = try s.readString()
            } else if s.key(key, is: "params") {
                params = try self.readParams(&s)
            } else if s.key(key, is: "id") {
                if try s.readNullIfPresent() { return }
                id = try s.readUInt64()
            } else if s.key(key, is: "result") {
                switch try s.peek() {
                case 0x74, 0x66: resultValue = .bool(try s.peek() == 0x74); try s.skipValue()
                case 0x30...0x39: resultValue = .subscription(try s.readUInt64())
                default: try s.skipValue()
                }
            } else if s.key(key, is: "error") {
                var code = 0, message = ""
                try s.objectFields { k, s in
                    if s.key(k, is: "code") {
                        let text = try s.readNumberText()
                        code = Int(text) ?? 0
                    } else if s.key(k, is: "message"), try s.peek() == 0x22 {
                        message = try s.readString()
                    } else {
                        try s.skipValue()
                    }
                }
                error = (code, message)
            } else {
                try s.skipValue()
            }
        }
        guard s.atEnd else { throw PubSubParseError.json(.unexpected(byte: try s.peek(), at: s.index)) }
        if let error { return .error(id: id, code: error.0, message: error.1) }
        if let method {
            switch method {
            case "accountNotification":
                guard let sub = params.subscription else { throw PubSubParseError.missing("params.subscription") }
                guard let slot = params.contextSlot else { throw PubSubParseError.missing("params.result.context.slot") }
                guard let value = params.value else { throw PubSubParseError.missing("params.result.value") }
                return .account(AccountNotification(subscription: sub, slot: slot, owner: value.owner, lamports: value.lamports, data: value.data))
            case "slotNotification":
                guard let sub = params.subscription else { throw PubSubParseError.missing("params.subscription") }
                guard let slot = params.slot else { throw PubSubParseError.missing("params.result.slot") }
                return .slot(subscription: sub, slot: slot)
            default:
                return .other(method: method)
            }
        }
        if let id, let resultValue { return .result(id: id, value: resultValue) }
        throw PubSubParseError.missing("method or result")
    }

    struct Value { var owner: Pubkey; var lamports: UInt64; var data: [UInt8] }
    struct Params { var subscription: UInt64?; var contextSlot: UInt64?; var slot: UInt64?; var value: Value? }

    private mutating func readParams(_ s: inout JSONScanner) throws -> Params {
        var p = Params()
        try s.objectFields { key, s in
            if s.key(key, is: "subscription") {
                p.subscription = try s.readUInt64()
            } else if s.key(key, is: "result") {
                guard try s.peek() == 0x7B else { try s.skipValue(); return }
                try s.objectFields { k, s in
                    if s.key(k, is: "context") {
                        try s.objectFields { k2, s in
                            if s.key(k2, is: "slot") { p.contextSlot = try s.readUInt64() } else { try s.skipValue() }
                        }
                    } else if s.key(k, is: "value") {
                        if try s.readNullIfPresent() {
                            // A closed account: no data, no lamports, owned by the system program.
                            p.value = Value(owner: .zero, lamports: 0, data: [])
                        } else {
                            p.value = try self.readAccount(&s)
                        }
                    } else if s.key(k, is: "slot") {
                        p.slot = try s.readUInt64()
                    } else {
                        try s.skipValue()
                    }
                }
            } else {
                try s.skipValue()
            }
        }
        return p
    }

    private mutating func readAccount(_ s: inout JSONScanner) throws -> Value {
        var owner: Pubkey?
        var lamports: UInt64 = 0
        var data: [UInt8]?
        try s.objectFields { k, s in
            if s.key(k, is: "data") {
                guard try s.peek() == 0x5B else { throw PubSubParseError.unsupportedEncoding("non-array data") }
                var parts: [Range<Int>] = []
                try s.arrayElements { s in
                    guard try s.peek() == 0x22 else { throw PubSubParseError.unsupportedEncoding("non-string data") }
                    parts.append(try s.readRawString().range)
                }
                guard parts.count == 2 else { throw PubSubParseError.missing("data encoding") }
                guard s.key(parts[1], is: "base64") else {
                    throw PubSubParseError.unsupportedEncoding(String(decoding: UnsafeBufferPointer(rebasing: s.bytes[parts[1]]), as: UTF8.self))
                }
                guard let bytes = Base64.decode(UnsafeBufferPointer(rebasing: s.bytes[parts[0]])) else { throw PubSubParseError.badBase64 }
                data = bytes
            } else if s.key(k, is: "owner") {
                let (range, _) = try s.readRawString()
                owner = try self.owner(UnsafeBufferPointer(rebasing: s.bytes[range]))
            } else if s.key(k, is: "lamports") {
                lamports = try s.readUInt64()
            } else {
                try s.skipValue()
            }
        }
        guard let owner else { throw PubSubParseError.missing("value.owner") }
        guard let data else { throw PubSubParseError.missing("value.data") }
        return Value(owner: owner, lamports: lamports, data: data)
    }

    private mutating func owner(_ text: UnsafeBufferPointer<UInt8>) throws -> Pubkey {
        for entry in ownerCache where entry.text.elementsEqual(text) { return entry.key }
        let string = String(decoding: text, as: UTF8.self)
        guard let key = try? Pubkey(base58: string) else { throw PubSubParseError.badPubkey(string) }
        if ownerCache.count >= 32 { ownerCache.removeFirst() }
        ownerCache.append((Array(text), key))
        return key
    }
}
