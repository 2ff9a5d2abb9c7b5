/// Replaces `${NAME}` in config strings with environment variables, so RPC keys and database
/// passwords never sit in the file. A missing variable is an error (never an empty string:
/// `wss://host?api-key=` would fail later with a far less useful message).
///
/// ```swift
/// try EnvironmentSubstitution.apply("wss://rpc?api-key=${HELIUS_KEY}", environment: ["HELIUS_KEY": "k"])
/// ```
public enum EnvironmentSubstitution {
    public enum Failure: Error, Equatable {
        case missing(String)
        case unterminated
        case badName(String)
    }

    public static func apply(_ text: String, environment: [String: String]) throws -> String {
        guard text.contains("${") else { return text }
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            let after = rest[start.upperBound...]
            guard let end = after.firstIndex(of: "}") else { throw Failure.unterminated }
            let name = String(after[..<end])
            guard !name.isEmpty, name.allSatisfy({ $0 == "_" || $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw Failure.badName(name)
            }
            guard let value = environment[name] else { throw Failure.missing(name) }
            out += value
            rest = after[after.index(after: end)...]
        }
        return out + rest
    }
}

import Foundation
