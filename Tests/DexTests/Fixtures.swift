import Dex
import Foundation
import SolanaCore
import XCTest

/// Access to `../shared/fixtures` (real mainnet dumps + `expected.json`).
enum Fixtures {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/fixtures").standardizedFileURL

    static let expected: [String: Any] = {
        let data = try! Data(contentsOf: root.appendingPathComponent("expected.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    static var sets: [[String: Any]] { expected["sets"] as! [[String: Any]] }
    static var files: [[String: Any]] { expected["files"] as! [[String: Any]] }

    /// One account file, e.g. "accounts/raydium-amm-v4/58oQ….json" (a trailing " (note)" is ignored).
    static func account(_ relative: String) throws -> AccountData {
        let clean = String(relative.split(separator: " ").first!)
        let loaded = try AccountFile.load(path: root.appendingPathComponent(clean).path)
        return loaded[0].account
    }

    /// The set whose name starts with `prefix`: its values, quotes and accounts by address.
    static func set(_ prefix: String) throws -> (values: [String: Any], quotes: [[String: Any]], accounts: [Pubkey: AccountData]) {
        guard let s = sets.first(where: { ($0["set"] as! String).hasPrefix(prefix) }) else {
            throw NSError(domain: "fixtures", code: 1, userInfo: [NSLocalizedDescriptionKey: "no set \(prefix)"])
        }
        var accounts: [Pubkey: AccountData] = [:]
        for f in s["files"] as! [String] {
            let a = try account(f)
            accounts[a.address] = a
        }
        return (s["values"] as! [String: Any], s["quotes"] as! [[String: Any]], accounts)
    }

    /// Every file entry of a given kind (e.g. "raydium-amm-v4/AmmInfo").
    static func files(kind: String) -> [[String: Any]] { files.filter { ($0["kind"] as! String) == kind } }

    /// Expected JSON value → the string our decoder prints (ints as decimal strings, bools as bools).
    static func text(_ v: Any) -> String {
        if v is NSNull { return "null" }
        if let n = v as? NSNumber {
            if String(cString: n.objCType) == "c" { return n.boolValue ? "true" : "false" }
            return n.stringValue
        }
        if let s = v as? String { return s }
        if let a = v as? [Any] { return "[" + a.map(text).joined(separator: ",") + "]" }
        return "\(v)"
    }
}

extension FieldValue {
    /// Same rendering as `Fixtures.text` for comparing with expected.json.
    var text: String {
        switch self {
        case .int(let s): return s
        case .pubkey(let k): return k.base58
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .list(let l): return "[" + l.map(\.text).joined(separator: ",") + "]"
        }
    }
}

/// Asserts every expected field of every fixture file of `kind` decodes to exactly that value.
func assertFixtureFilesDecode(kind: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let entries = Fixtures.files(kind: kind)
    XCTAssertFalse(entries.isEmpty, "no fixtures of kind \(kind)", file: file, line: line)
    for entry in entries {
        let path = entry["file"] as! String
        let account = try Fixtures.account(path)
        let decoded = try AccountRegistry.decode(account)
        let fields = Dictionary(decoded.fields.map { ($0.0, $0.1.text) }, uniquingKeysWith: { a, _ in a })
        for (name, value) in entry["decoded"] as! [String: Any] {
            XCTAssertEqual(fields[name], Fixtures.text(value), "\(path): field \(name)", file: file, line: line)
        }
    }
}
