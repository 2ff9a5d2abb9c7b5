import Foundation
import SolanaCore

/// The account filters of `getProgramAccounts` and `programSubscribe`: an exact data size and
/// bytes at offsets (`memcmp`, base58 or base64), as the Solana RPC defines them
/// (https://solana.com/docs/rpc/http/getprogramaccounts#filter-criteria). One parser and one
/// matcher for both methods.
///
/// ```swift
/// let f = try AccountFilter.parse([["dataSize": 165], ["memcmp": ["offset": 32, "bytes": authority.base58]]])
/// f.matches(account.data)
/// ```
public struct AccountFilter: Sendable {
    public var dataSize: Int?
    public var memcmp: [(offset: Int, bytes: [UInt8])] = []

    public init(dataSize: Int? = nil, memcmp: [(offset: Int, bytes: [UInt8])] = []) {
        self.dataSize = dataSize; self.memcmp = memcmp
    }

    /// Why a filter list was refused (the message is the JSON-RPC -32602 text).
    public struct Invalid: Error { public let message: String }

    /// Reads a JSON `filters` array (already parsed by JSONSerialization).
    public static func parse(_ filters: [Any]?) throws -> AccountFilter {
        var out = AccountFilter()
        for f in filters ?? [] {
            guard let f = f as? [String: Any] else { throw Invalid(message: "Invalid filter") }
            if let n = f["dataSize"] as? Int {
                out.dataSize = n
            } else if let m = f["memcmp"] as? [String: Any], let offset = m["offset"] as? Int, let text = m["bytes"] as? String {
                let enc = m["encoding"] as? String ?? "base58"
                let bytes: [UInt8]? = enc == "base64" ? Data(base64Encoded: text).map { [UInt8]($0) } : Base58.decode(text)
                guard let bytes, offset >= 0 else { throw Invalid(message: "Invalid memcmp filter") }
                out.memcmp.append((offset, bytes))
            } else {
                throw Invalid(message: "Invalid filter: expected dataSize or memcmp")
            }
        }
        return out
    }

    public func matches(_ data: [UInt8]) -> Bool {
        if let n = dataSize, data.count != n { return false }
        for m in memcmp {
            guard m.offset >= 0, m.offset + m.bytes.count <= data.count else { return false }
            for (i, b) in m.bytes.enumerated() where data[m.offset + i] != b { return false }
        }
        return true
    }
}
