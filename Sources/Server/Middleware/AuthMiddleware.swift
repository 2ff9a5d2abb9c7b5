import Hummingbird
import Logging

/// Bearer-token authentication (`[api] auth_token`). Mutating requests (any method but GET, HEAD
/// and OPTIONS, except the read-only POSTs: the original's `/scan-arbitrage` and the instruction
/// builders `/v1/swap-instructions`, `/v1/opportunities/instructions`) need the token; on a
/// non-loopback listener every route but `/health` and the dashboard's static files (`/`,
/// `/dashboard…`: no data in them; the page asks for the token and sends it) does. Browsers cannot set headers on a
/// WebSocket, so `GET /v1/stream` also accepts `?access_token=`. The comparison takes the same
/// time wherever the tokens differ; the token itself is never logged or echoed.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: [UInt8]
    /// Every route but `/health` (a listener other machines can reach).
    let everyRoute: Bool
    let metrics: ServiceMetrics
    /// POST routes that compute an answer and change nothing.
    static var readOnlyPosts: Set<String> { ["/scan-arbitrage", "/v1/swap-instructions", "/v1/opportunities/instructions"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let reading = [.get, .head, .options].contains(request.method) || (request.method == .post && Self.readOnlyPosts.contains(path))
        let exempt = path == "/health" || DashboardRoutes.publicPaths.contains(path)
        guard !reading || (everyRoute && !exempt) else { return try await next(request, context) }
        var presented: Substring?
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            presented = header.dropFirst(7)
        } else if path == "/v1/stream", let q = request.uri.queryParameters["access_token"] {
            presented = q
        }
        guard let presented, Self.same(Array(presented.utf8), token) else {
            metrics.unauthorized.increment()
            context.logger.info("401 \(request.method) \(String(path.prefix(200))): \(presented == nil ? "no bearer token" : "wrong token")")
            var response = try APIError(.unauthorized, "unauthorized", "this route needs Authorization: Bearer <api.auth_token>")
                .response(from: request, context: context)
            response.headers[.wwwAuthenticate] = #"Bearer realm="solana-pool-cache""#
            return response
        }
        return try await next(request, context)
    }

    /// Equal bytes, in time that depends only on the lengths.
    static func same(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) { diff |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0) }
        return diff == 0
    }
}
