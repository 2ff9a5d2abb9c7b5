import Foundation
import SolanaCore

/// One PubSub WebSocket connection's subscriptions and messages, in the exact mainnet shapes.
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

    public init(maxSubscriptions: Int = 100, firstId: Int = 1) {
        self.maxSubscriptions = maxSubscriptions
        nextId = firstId
    }

    public var subscriptionCount: Int { subAccount.count + slotSubs.count }
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
        for account in event.changed {
            for sid in accountSubs[account.address] ?? [] { out.append(Self.accountNotification(account, slot: event.slot, subscription: sid)) }
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
