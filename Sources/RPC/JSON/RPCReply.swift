import SolanaCore

/// Pure decoding of Solana JSON-RPC replies (no I/O), shared by `JSONRPCClient` and the
/// `jsonrpc-replies` fuzz target: every malformed or foreign reply becomes `TransportError`.
///
/// ```swift
/// let result = try RPCReply.result(body: replyBytes, method: "getSlot")
/// let slot = try RPCReply.slot(result)
/// ```
public enum RPCReply {
    /// The `result` member of a JSON-RPC response body; `.rpc` for a JSON-RPC error object.
    public static func result(body: [UInt8], method: String) throws -> JSONValue {
        let json: JSONValue
        do { json = try JSONValue.parse(body) } catch { throw TransportError.badReply("\(method): \(error)") }
        if let err = json["error"], !err.isNull {
            throw TransportError.rpc(code: err["code"]?.int ?? 0, message: err["message"]?.string ?? "")
        }
        guard let result = json["result"] else { throw TransportError.badReply("\(method): no result") }
        return result
    }

    /// `getMultipleAccounts` result: context slot and one entry per requested key (nil = absent).
    public static func multipleAccounts(_ result: JSONValue, keys: [Pubkey]) throws -> (slot: UInt64, accounts: [AccountData?]) {
        guard let slot = result["context"]?["slot"]?.uint64, let list = result["value"]?.array else {
            throw TransportError.badReply("getMultipleAccounts: expected {context.slot, value[]}")
        }
        guard list.count == keys.count else { throw TransportError.badReply("getMultipleAccounts: \(list.count) values for \(keys.count) keys") }
        var accounts: [AccountData?] = []
        accounts.reserveCapacity(keys.count)
        for (key, v) in zip(keys, list) {
            if v.isNull { accounts.append(nil); continue }
            accounts.append(try account(v, address: key, slot: slot))
        }
        return (slot, accounts)
    }

    /// `getProgramAccounts` result (requested `withContext: true`).
    public static func programAccounts(_ result: JSONValue) throws -> (slot: UInt64, accounts: [AccountData]) {
        guard let slot = result["context"]?["slot"]?.uint64, let list = result["value"]?.array else {
            throw TransportError.badReply("getProgramAccounts: expected {context.slot, value[]}")
        }
        var out: [AccountData] = []
        for item in list {
            guard let keyText = item["pubkey"]?.string, let key = try? Pubkey(base58: keyText), let acc = item["account"] else {
                throw TransportError.badReply("getProgramAccounts: item without pubkey/account")
            }
            out.append(try account(acc, address: key, slot: slot))
        }
        return (slot, out)
    }

    /// `getSlot` result.
    public static func slot(_ result: JSONValue) throws -> UInt64 {
        guard let slot = result.uint64 else { throw TransportError.badReply("getSlot: not a u64") }
        return slot
    }

    /// One account object in `["<base64>", "base64"]` encoding.
    public static func account(_ v: JSONValue, address: Pubkey, slot: UInt64) throws -> AccountData {
        guard let data = v["data"]?.array, data.count == 2, data[1].string == "base64", let b64 = data[0].string else {
            throw TransportError.badReply("account \(address): data is not [base64, \"base64\"]")
        }
        guard let bytes = Base64.decode(b64) else { throw TransportError.badReply("account \(address): bad base64") }
        guard let ownerText = v["owner"]?.string, let owner = try? Pubkey(base58: ownerText) else {
            throw TransportError.badReply("account \(address): bad owner")
        }
        return AccountData(address: address, owner: owner, data: bytes, lamports: v["lamports"]?.uint64 ?? 0, slot: slot)
    }
}
