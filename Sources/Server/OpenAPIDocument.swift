import Foundation

/// The `/v1` OpenAPI document, kept in the repo as `Sources/Server/openapi.json` and served as is.
enum OpenAPIDocument {
    static let bytes: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"), let data = try? Data(contentsOf: url) else {
            return Array(#"{"error":"openapi document missing from the build"}"#.utf8)
        }
        return [UInt8](data)
    }()
}
