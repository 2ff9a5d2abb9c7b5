import SolanaCore

/// One message a Solana PubSub server sends, as far as the cache cares.
public enum PubSubMessage: Sendable, Equatable {
    /// `accountNotification`: the account's new state at `slot` (address comes from the subscription).
    case account(AccountNotification)
    /// `programNotification` of a followed account: its address and new state at `slot`.
    case programAccount(subscription: UInt64, AccountData)
    /// `programNotification` of an account the caller does not follow: dropped before its data
    /// was decoded (the cheap path of a program subscription).
    case unfollowed(subscription: UInt64)
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
        case .badPubkey(let s): return "'\(s.prefix(64))' is not a pubkey"
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

    /// `follows` decides, for a `programNotification`, whether its account is wanted: when it is
    /// not, the frame is answered `.unfollowed` without decoding the account data (nil: all are).
    public mutating func parse(_ bytes: [UInt8], follows: ((Pubkey) -> Bool)? = nil) throws -> PubSubMessage {
        try bytes.withUnsafeBufferPointer { try parse($0, follows: follows) }
    }

    public mutating func parse(_ buf: UnsafeBufferPointer<UInt8>, follows: ((Pubkey) -> Bool)? = nil) throws -> PubSubMessage {
        do {
            return try parseUnwrapped(buf, follows: follows)
        } catch let e as JSONError {
            throw PubSubParseError.json(e)
        }
    }

    private mutating func parseUnwrapped(_ buf: UnsafeBufferPointer<UInt8>, follows: ((Pubkey) -> Bool)?) throws -> PubSubMessage {
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
                return .account(
                    AccountNotification(subscription: sub, slot: slot, owner: value.owner, lamports: value.lamports, data: try value.decode(buf)))
            case "programNotification":
                // Mainnet shape: params.result.value = {pubkey, account: {data, owner, lamports, …}}.
                guard let sub = params.subscription else { throw PubSubParseError.missing("params.subscription") }
                guard let slot = params.contextSlot else { throw PubSubParseError.missing("params.result.context.slot") }
                guard let text = params.pubkey else { throw PubSubParseError.missing("params.result.value.pubkey") }
                let string = String(decoding: UnsafeBufferPointer(rebasing: buf[text]), as: UTF8.self)
                guard string.utf8.count <= 44, let raw = Base58.decode(string), let key = Pubkey(bytes: raw) else {
                    throw PubSubParseError.badPubkey(string)
                }
                if let follows, !follows(key) { return .unfollowed(subscription: sub) }
                guard let value = params.value else { throw PubSubParseError.missing("params.result.value.account") }
                return .programAccount(
                    subscription: sub,
                    AccountData(address: key, owner: value.owner, data: try value.decode(buf), lamports: value.lamports, slot: slot))
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

    /// An account value whose data is still base64 text (`data`: its range in the frame), decoded
    /// only once the frame is known to be wanted.
    struct Value {
        var owner: Pubkey
        var lamports: UInt64
        var data: Range<Int>?
        func decode(_ buf: UnsafeBufferPointer<UInt8>) throws -> [UInt8] {
            guard let data else { return [] }
            guard let bytes = Base64.decode(UnsafeBufferPointer(rebasing: buf[data])) else { throw PubSubParseError.badBase64 }
            return bytes
        }
    }
    struct Params { var subscription: UInt64?; var contextSlot: UInt64?; var slot: UInt64?; var value: Value?; var pubkey: Range<Int>? }

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
                            p.value = Value(owner: .zero, lamports: 0, data: nil)
                        } else {
                            p.value = try self.readAccount(&s, pubkey: &p.pubkey)
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

    /// An account object; a program notification's `{pubkey, account}` wrapper is unwrapped here
    /// (its `pubkey` range goes to `pubkey`), in either field order.
    private mutating func readAccount(_ s: inout JSONScanner, pubkey: inout Range<Int>?) throws -> Value {
        var owner: Pubkey?
        var lamports: UInt64 = 0
        var data: Range<Int>?
        var nested: Value?
        var key: Range<Int>?
        try s.objectFields { k, s in
            if s.key(k, is: "pubkey") {
                guard try s.peek() == 0x22 else { throw PubSubParseError.missing("value.pubkey") }
                key = try s.readRawString().range
            } else if s.key(k, is: "account") {
                var ignored: Range<Int>?
                nested = try self.readAccount(&s, pubkey: &ignored)
            } else if s.key(k, is: "data") {
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
                data = parts[0]
            } else if s.key(k, is: "owner") {
                let (range, _) = try s.readRawString()
                owner = try self.owner(UnsafeBufferPointer(rebasing: s.bytes[range]))
            } else if s.key(k, is: "lamports") {
                lamports = try s.readUInt64()
            } else {
                try s.skipValue()
            }
        }
        if let key { pubkey = key }
        if let nested { return nested }
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
