/// A configuration problem that stops the start: one line naming the file, line and key.
///
/// ```swift
/// do { _ = try ConfigLoader.load(path: "config.toml") } catch let e as ConfigError { print(e) }
/// // config.toml:14: api.port: expected an integer in 1…65535, got "abc"
/// ```
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    /// 1-based line of the offending key or table, nil when the key is absent.
    public var line: Int?
    /// Dotted key, e.g. `api.port`, `pools[3].address`.
    public var key: String
    public var message: String

    public init(file: String, line: Int?, key: String, message: String) {
        self.file = file; self.line = line; self.key = key; self.message = message
    }

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return key.isEmpty ? "\(place): \(message)" : "\(place): \(key): \(message)"
    }
}
