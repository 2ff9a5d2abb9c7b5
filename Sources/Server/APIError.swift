import Hummingbird
import NIOCore
import SolanaCore

/// A client-facing error: HTTP status, a stable machine code and one human sentence, sent as
/// `{"error": code, "message": …}`. Nothing else (no stack trace, no internal type names).
///
/// ```swift
/// throw APIError(.badRequest, "invalid_mint", "inputMint is not a base58 public key")
/// ```
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status; self.code = code; self.message = message
    }

    public var json: JSONText { .object([("error", .string(code)), ("message", .string(message))]) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var h = headers
        h[.contentType] = "application/json"
        return Response(status: status, headers: h, body: .init(byteBuffer: ByteBuffer(string: json.rendered)))
    }

    static func badParam(_ name: String, _ why: String) -> APIError { APIError(.badRequest, "invalid_parameter", "\(name): \(why)") }
}

/// `Response` with a JSON body.
func jsonResponse(_ body: JSONText, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body.rendered)))
}
