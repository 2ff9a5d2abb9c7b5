import Foundation
import Hummingbird
import NIOCore

/// The dashboard: `GET /` and `/dashboard` serve one page, `/dashboard/dashboard.js` and
/// `/dashboard/dashboard.css` its code, all from the binary's resources (`Sources/Server/Dashboard`).
/// The files hold no data, so they load without the API token (`AuthMiddleware` lets them through);
/// the page then sends the token on every data request. The Content-Security-Policy keeps the page
/// to this origin: nothing is fetched from a CDN or anywhere else.
struct DashboardRoutes {
    /// Path, file name, content type.
    static let files: [(path: String, file: String, type: String)] = [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/dashboard", "index.html", "text/html; charset=utf-8"),
        ("/dashboard/dashboard.js", "dashboard.js", "text/javascript; charset=utf-8"),
        ("/dashboard/dashboard.css", "dashboard.css", "text/css; charset=utf-8"),
    ]
    /// The paths that need no token.
    static let publicPaths = Set(files.map(\.path))

    static let securityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// The file's bytes from the bundle, read once.
    static let contents: [String: [UInt8]] = {
        var out: [String: [UInt8]] = [:]
        for f in files where out[f.file] == nil {
            let name = (f.file as NSString).deletingPathExtension, ext = (f.file as NSString).pathExtension
            if let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Dashboard"), let data = try? Data(contentsOf: url) {
                out[f.file] = [UInt8](data)
            }
        }
        return out
    }()

    func register(on router: Router<some RequestContext>) {
        for f in Self.files {
            router.get(RouterPath(f.path)) { _, _ -> Response in
                guard let bytes = Self.contents[f.file] else {
                    throw APIError(.internalServerError, "dashboard_missing", "\(f.file) is missing from the build")
                }
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: f.type, .cacheControl: "no-cache", .contentSecurityPolicy: Self.securityPolicy,
                        .xContentTypeOptions: "nosniff",
                    ],
                    body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            }
        }
    }
}
