import Foundation

/// Hides secrets in URLs before they are logged or echoed: user info and query strings.
public enum Redact {
    /// The URL with its password, query and long paths masked (errors and config echo).
    public static func url(_ s: String) -> String {
        guard var c = URLComponents(string: s) else { return String(s.prefix(8)) + "…" }
        if c.password != nil { c.password = "***" }
        if c.query != nil { c.query = "***" }
        if c.path.count > 24 { c.path = String(c.path.prefix(8)) + "***" }  // some providers put the key in the path
        return c.string ?? "…"
    }

    /// scheme://host:port of an endpoint URL, for logs and health (never user info, path or query).
    public static func endpoint(_ text: String) -> String {
        (try? EndpointURL(text))?.description ?? url(text)
    }
}
