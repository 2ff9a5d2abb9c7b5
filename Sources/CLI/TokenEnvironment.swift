import Foundation
import Soak

/// `--token-env NAME`: the API token is read from the environment variable NAME (never from the
/// command line itself, where other users can read it in the process list).
enum TokenEnvironment {
    static func read(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        guard let token = environment[name], !token.isEmpty else {
            throw CommandError.bad("--token-env \(name): the environment variable is not set")
        }
        guard token.utf8.count >= 16, !token.contains(where: \.isWhitespace) else {
            throw CommandError.bad("--token-env \(name): the token must be at least 16 characters without spaces")
        }
        return token
    }
}
