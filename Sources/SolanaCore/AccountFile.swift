import Foundation

/// Reads account snapshots from disk: the fixtures' format
/// (`{address, owner, data_base64, lamports?, slot?}`) and saved JSON-RPC answers
/// (`getAccountInfo`, `getMultipleAccounts`, or an `accountNotification`), where data is
/// `["<base64>", "base64"]`.
///
/// ```swift
/// let accounts = try AccountFile.load(path: "snapshots/58oQ….json")
/// ```
public enum AccountFile {
    public struct Loaded: Sendable {
        /// nil when the file does not say which address it is (some decoder fixtures).
        public var address: Pubkey?
        public var account: AccountData
        public var file: String
    }

    public enum LoadError: Error, CustomStringConvertible {
        case unreadable(String, String)
        case badJSON(String, String)
        case badShape(String, String)
        case badBase64(String)
        case rpcError(String, String)

        public var description: String {
            switch self {
            case let .unreadable(f, why): return "\(f): cannot read file: \(why)"
            case let .badJSON(f, why): return "\(f): invalid JSON: \(why)"
            case let .badShape(f, why): return "\(f): not an account file: \(why)"
            case let .badBase64(f): return "\(f): account data is not valid base64"
            case let .rpcError(f, why): return "\(f): JSON-RPC error: \(why)"
            }
        }
    }

    /// All account files under the given paths (files, or folders searched recursively for *.json).
    public static func loadAll(paths: [String]) throws -> [Loaded] {
        var out: [Loaded] = []
        for path in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
                throw LoadError.unreadable(path, "no such file or directory")
            }
            if isDir.boolValue {
                let files = (FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? [])
                    .filter { $0.hasSuffix(".json") }
                    .sorted { ($0.split(separator: "/").count, $0) < ($1.split(separator: "/").count, $1) }
                for f in files { out += try load(path: (path as NSString).appendingPathComponent(f)) }
            } else {
                out += try load(path: path)
            }
        }
        return out
    }

    public static func load(path: String) throws -> [Loaded] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw LoadError.unreadable(path, "no such file or directory")
        }
        guard !isDir.boolValue else { throw LoadError.unreadable(path, "is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError.unreadable(path, "permission denied or not a regular file")
        }
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return try parse(data, file: path, fallbackAddress: try? Pubkey(base58: stem))
    }

    public static func parse(_ data: Data, file: String, fallbackAddress: Pubkey? = nil) throws -> [Loaded] {
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw LoadError.badJSON(file, (error as NSError).localizedDescription)
        }
        guard let obj = json as? [String: Any] else { throw LoadError.badShape(file, "top level is not an object") }

        // Fixture format.
        if let b64 = obj["data_base64"] {
            guard let s = b64 as? String, let bytes = Data(base64Encoded: s) else { throw LoadError.badBase64(file) }
            let owner = try key(obj["owner"], file, "owner")
            let address = try obj["address"].flatMap { $0 is NSNull ? nil : try key($0, file, "address") }
            return [
                Loaded(
                    address: address ?? fallbackAddress,
                    account: AccountData(
                        address: address ?? fallbackAddress ?? .zero, owner: owner, data: [UInt8](bytes),
                        lamports: uint(obj["lamports"]) ?? 0, slot: uint(obj["slot"]) ?? 0),
                    file: file)
            ]
        }
        // JSON-RPC: {"result": {"context": {"slot"}, "value": {...} | [...]}} or a notification.
        if let err = obj["error"] { throw LoadError.rpcError(file, "\(err)") }
        var result = obj["result"]
        if result == nil, let params = obj["params"] as? [String: Any] { result = params["result"] }
        guard let res = result as? [String: Any], let value = res["value"] else {
            throw LoadError.badShape(file, "no data_base64 and no JSON-RPC result.value")
        }
        let slot = uint((res["context"] as? [String: Any])?["slot"]) ?? 0
        // Addresses for getMultipleAccounts come from a saved request (`params: [[keys…]]`) if present.
        var requested: [Pubkey?] = []
        if let params = obj["params"] as? [Any], let keys = params.first as? [Any] {
            requested = keys.map { ($0 as? String).flatMap { try? Pubkey(base58: $0) } }
        } else if let params = obj["params"] as? [Any], let k = params.first as? String {
            requested = [try? Pubkey(base58: k)]
        }
        func one(_ v: Any, _ index: Int) throws -> Loaded? {
            if v is NSNull { return nil }
            guard let acc = v as? [String: Any] else { throw LoadError.badShape(file, "value is not an account object") }
            guard let d = acc["data"] as? [Any], d.count == 2, let b64 = d[0] as? String, let enc = d[1] as? String else {
                throw LoadError.badShape(file, "value.data is not [\"<base64>\", \"base64\"]")
            }
            guard enc == "base64", let bytes = Data(base64Encoded: b64) else { throw LoadError.badBase64(file) }
            let owner = try key(acc["owner"], file, "owner")
            let address = index < requested.count ? requested[index] : (index == 0 ? fallbackAddress : nil)
            return Loaded(
                address: address,
                account: AccountData(
                    address: address ?? .zero, owner: owner, data: [UInt8](bytes),
                    lamports: uint(acc["lamports"]) ?? 0, slot: slot),
                file: file)
        }
        if let list = value as? [Any] {
            return try list.enumerated().compactMap { try one($0.element, $0.offset) }
        }
        return try one(value, 0).map { [$0] } ?? []
    }

    static func key(_ v: Any?, _ file: String, _ field: String) throws -> Pubkey {
        guard let s = v as? String else { throw LoadError.badShape(file, "missing \(field)") }
        do { return try Pubkey(base58: s) } catch { throw LoadError.badShape(file, "\(field): \(error)") }
    }

    static func uint(_ v: Any?) -> UInt64? {
        if let n = v as? NSNumber { return n.uint64Value }
        if let s = v as? String { return UInt64(s) }
        return nil
    }
}
