import Hummingbird
import Logging

/// Turns every error into a JSON answer: `APIError` as is, Hummingbird's own (404 route not
/// found, 413…) with a code, anything else as a bare 500 whose details go to the log only.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as APIError {
            if e.status.code >= 500 { context.logger.error("\(request.method) \(request.uri.path): \(e.message)") }
            return try e.response(from: request, context: context)
        } catch let e as HTTPError {
            let code: String
            switch e.status {
            case .notFound: code = "not_found"
            case .methodNotAllowed: code = "method_not_allowed"
            case .contentTooLarge: code = "body_too_large"
            default: code = e.status.code < 500 ? "bad_request" : "internal"
            }
            let message =
                e.status == .notFound
                ? "no such endpoint: \(request.method) \(String(request.uri.path.prefix(200)))" : (e.body ?? e.status.reasonPhrase)
            return try APIError(e.status, code, message).response(from: request, context: context)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            metrics.internalErrors.increment()
            context.logger.error("\(request.method) \(request.uri.path): internal error: \(String(reflecting: error))")
            return try APIError(.internalServerError, "internal", "internal error (logged)").response(from: request, context: context)
        }
    }
}

/// Request limits that apply before any route: URI (path + query) length and declared body size.
struct LimitsMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxURIBytes: Int
    let maxBodyBytes: Int
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.description.utf8.count > maxURIBytes {
            metrics.rejected.increment()
            throw APIError(.uriTooLong, "uri_too_long", "path and query longer than \(maxURIBytes) bytes")
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBodyBytes {
            metrics.rejected.increment()
            throw APIError(.contentTooLarge, "body_too_large", "request body larger than \(maxBodyBytes) bytes")
        }
        return try await next(request, context)
    }
}

/// Counts requests by route template and status, and times them.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        metrics.request(
            route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: response.status.code,
            seconds: (ContinuousClock.now - start).seconds)
        return response
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
