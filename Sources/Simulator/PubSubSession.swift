import Foundation
import SolanaCore

/// One PubSub WebSocket connection's subscriptions and messages, in the exact mainnet shapes:
/// `accountSubscribe`, `programSubscribe` (filters `dataSize` / `memcmp`, base64; a
/// `programNotification` per changed matching account, https://solana.com/docs/rpc/websocket/programsubscribe)
/// and `slotSubscribe`, each with its unsubscribe; every kind counts against `maxSubscriptions`.
/// Pure: text in → text out; the server feeds it frames and slot events.
///
/// ```swift
/// var session = PubSubSession(maxSubscriptions: 100)
/// let reply = session.receive(#"{"jsonrpc":"2.0","id":1,"method":"accountSubscribe","params":["58oQ…",{"encoding":"base64"}]}"#)
/// let notes = session.notifications(for: event)
/// ```
public struct PubSubSession: Sendable {
    public let maxSubscriptions: Int
    private var nextId: Int
    private var accountSubs: [Pubkey: [Int]] = [:]
    private var subAccount: [Int: Pubkey] = [:]
    private var slotSubs: Set<Int> = []
    private var programSubs: [Int: (owner: Pubkey, filter: AccountFilter)] = [:]

    public init(maxSubscriptions: Int = 100, firstId: Int = 1) {
        self.maxSubscriptions = maxSubscriptions
        nextId = firstId
    }

    public var subscriptionCount: Int { subAccount.count + slotSubs.count + programSubs.count }
    public var programSubscriptionCount: Int { programSubs.count }
    public var subscribedAccounts: Set<Pubkey> { Set(accountSubs.keys) }

    public mutating func receive(_ text: String) -> String {
        guard let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)), let r = json as? [String: Any] else {
            return RpcHandler.error(code: -32700, message: "Parse error", id: .null).rendered
        }
        let id = RpcHandler.id(r["id"])
        guard r["jsonrpc"] as? String == "2.0", let method = r["method"] as? String else {
            return RpcHandler.error(code: -32600, message: "Invalid request", id: id).rendered
        }
        let params = r["params"] as? [Any] ?? []
        func ok(_ v: JSONText) -> String { JSONText.object([("jsonrpc", .string("2.0")), ("result", v), ("id", id)]).rendered }
        func fail(_ code: Int, _ m: String) -> String { RpcHandler.error(code: code, message: m, id: id).rendered }
        switch method {
        case "accountSubscribe":
            guard let s = params.first as? String, let key = try? Pubkey(base58: s) else {
                return fail(-32602, "Invalid Request: Invalid pubkey provided")
            }
            if let cfg = params.count > 1 ? params[1] as? [String: Any] : nil, let enc = cfg["encoding"] as? String, enc != "base64" {
                return fail(-32602, "Invalid params: unsupported encoding \(enc) (this cluster serves base64)")
            }
            guard subscriptionCount < maxSubscriptions else {
                return fail(-32003, "subscription limit of \(maxSubscriptions) per connection reached")
            }
            let sid = allocate()
            accountSubs[key, default: []].append(sid)
            subAccount[sid] = key
            return ok(.number(String(sid)))
        case "accountUnsubscribe":
            guard let sid = params.first as? Int, let key = subAccount.removeValue(forKey: sid) else {
                return fail(-32602, "Invalid subscription id.")
            }
            accountSubs[key]?.removeAll { $0 == sid }
            if accountSubs[key]?.isEmpty == true { accountSubs.removeValue(forKey: key) }
            return ok(.bool(true))
        case "programSubscribe":
            guard let s = params.first as? String, let owner = try? Pubkey(base58: s) else {
                return fail(-32602, "Invalid Request: Invalid pubkey provided")
            }
            let cfg = params.count > 1 ? params[1] as? [String: Any] : nil
            if let enc = cfg?["encoding"] as? String, enc != "base64" {
                return fail(-32602, "Invalid params: unsupported encoding \(enc) (this cluster serves base64)")
            }
            let filter: AccountFilter
            do { filter = try AccountFilter.parse(cfg?["filters"] as? [Any]) } catch {
                return fail(-32602, (error as? AccountFilter.Invalid)?.message ?? "Invalid filter")
            }
            guard subscriptionCount < maxSubscriptions else {
                return fail(-32003, "subscription limit of \(maxSubscriptions) per connection reached")
            }
            let sid = allocate()
            programSubs[sid] = (owner, filter)
            return ok(.number(String(sid)))
        case "programUnsubscribe":
            guard let sid = params.first as? Int, programSubs.removeValue(forKey: sid) != nil else {
                return fail(-32602, "Invalid subscription id.")
            }
            return ok(.bool(true))
        case "slotSubscribe":
            guard subscriptionCount < maxSubscriptions else {
                return fail(-32003, "subscription limit of \(maxSubscriptions) per connection reached")
            }
            let sid = allocate()
            slotSubs.insert(sid)
            return ok(.number(String(sid)))
        case "slotUnsubscribe":
            guard let sid = params.first as? Int, slotSubs.remove(sid) != nil else { return fail(-32602, "Invalid subscription id.") }
            return ok(.bool(true))
        default:
            return fail(-32601, "Method not found")
        }
    }

    private mutating func allocate() -> Int {
        defer { nextId += 1 }
        return nextId
    }

    /// One notification per changed account per subscription, then the slot notification.
    public func notifications(for event: SlotEvent) -> [String] {
        var out: [String] = []
        let programs = programSubs.sorted { $0.key < $1.key }
        for account in event.changed {
            for sid in accountSubs[account.address] ?? [] { out.append(Self.accountNotification(account, slot: event.slot, subscription: sid)) }
            for (sid, p) in programs where p.owner == account.owner && p.filter.matches(account.data) {
                out.append(Self.programNotification(account, slot: event.slot, subscription: sid))
            }
        }
        for sid in slotSubs.sorted() {
            out.append(
                JSONText.object([
                    ("jsonrpc", .string("2.0")), ("method", .string("slotNotification")),
                    (
                        "params",
                        .object([
                            (
                                "result",
                                .object([
                                    ("parent", .number(String(event.slot - 1))), ("root", .number(String(event.slot > 32 ? event.slot - 32 : 0))),
                                    ("slot", .number(String(event.slot))),
                                ])
                            ),
                            ("subscription", .number(String(sid))),
                        ])
                    ),
                ]).rendered)
        }
        return out
    }

    /// Notifications of `account` as an older version (fault: an older slot after a newer one).
    public func staleNotifications(_ account: AccountData) -> [String] {
        (accountSubs[account.address] ?? []).map { Self.accountNotification(account, slot: account.slot, subscription: $0) }
            + programSubs.sorted { $0.key < $1.key }.filter { $0.value.owner == account.owner && $0.value.filter.matches(account.data) }.map {
                Self.programNotification(account, slot: account.slot, subscription: $0.key)
            }
    }

    /// Mainnet's shape: `params.result = {context: {slot}, value: {pubkey, account}}`.
    public static func programNotification(_ a: AccountData, slot: UInt64, subscription: Int) -> String {
        JSONText.object([
            ("jsonrpc", .string("2.0")), ("method", .string("programNotification")),
            (
                "params",
                .object([
                    (
                        "result",
                        .object([
                            ("context", .object([("slot", .number(String(slot)))])),
                            ("value", .object([("pubkey", .string(a.address.base58)), ("account", RpcHandler.accountJSON(a))])),
                        ])
                    ),
                    ("subscription", .number(String(subscription))),
                ])
            ),
        ]).rendered
    }

    public static func accountNotification(_ a: AccountData, slot: UInt64, subscription: Int) -> String {
        JSONText.object([
            ("jsonrpc", .string("2.0")), ("method", .string("accountNotification")),
            (
                "params",
                .object([
                    ("result", .object([("context", .object([("slot", .number(String(slot)))])), ("value", RpcHandler.accountJSON(a))])),
                    ("subscription", .number(String(subscription))),
                ])
            ),
        ]).rendered
    }
}
