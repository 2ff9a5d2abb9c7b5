import Foundation

/// A JSON request body decoded with `Codable`; a field that is missing or of the wrong type is a
/// 400 naming it, with the field's own message.
protocol RequestBody: Decodable {
    /// The 400 message per JSON field name ("expected a number between 0 and 1000").
    static var fieldErrors: [String: String] { get }
}

/// `POST /v1/pools`: `{"address": "…", "name": "…", "pool_type": "…"}`.
struct AddPoolBody: RequestBody {
    var address: String
    var name: String?
    var poolType: String?
    enum CodingKeys: String, CodingKey { case address, name, poolType = "pool_type" }
    static let fieldErrors = [
        "address": "missing (string)",
        "name": "expected a string of at most 128 characters",
        "pool_type": "expected a string of at most 64 characters",
    ]
}

/// `POST /scan-arbitrage`: `{"threshold_pct": 0.3}` (optional).
struct ScanArbitrageBody: RequestBody {
    var thresholdPct: Double?
    enum CodingKeys: String, CodingKey { case thresholdPct = "threshold_pct" }
    static let fieldErrors = ["threshold_pct": "expected a number between 0 and 1000"]
}

/// A `/v1/stream` client's filter message: `{"pools": ["…"], "mints": ["…"]}` (either optional).
struct StreamFilterBody: RequestBody {
    var pools: [String]?
    var mints: [String]?
    static let fieldErrors = ["pools": "expected an array of base58 pool addresses", "mints": "expected an array of base58 mints"]
}

extension Body {
    /// Decodes `bytes` as `T`: invalid JSON or a non-object is `malformed_json`, a bad field a 400 naming it.
    static func decode<T: RequestBody>(_ bytes: [UInt8], as type: T.Type) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            let path: [CodingKey]
            switch error {
            case .keyNotFound(let key, let context): path = context.codingPath + [key]
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): path = context.codingPath
            @unknown default: path = []
            }
            guard let field = path.first?.stringValue else {
                if case .typeMismatch = error { throw APIError(.badRequest, "malformed_json", "request body must be a JSON object") }
                throw APIError(.badRequest, "malformed_json", "request body is not valid JSON")
            }
            throw APIError.badParam(field, T.fieldErrors[field] ?? "invalid value")
        }
    }
}
