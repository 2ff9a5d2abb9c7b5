/// A DEX we price, by the name used in JSON (`dex`), config and fixtures. The known kinds are the
/// descriptors in `DexRegistry.all`; each DEX folder declares its own constant.
public struct DexKind: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// A registered kind by name, nil for names no descriptor uses.
    public init?(rawValue: String) {
        guard DexRegistry.all.contains(where: { $0.kind.rawValue == rawValue }) else { return nil }
        self.rawValue = rawValue
    }

    /// For the DEX folders' own constants.
    init(named name: String) { rawValue = name }

    public static var allCases: [DexKind] { DexRegistry.all.map(\.kind) }
    public var description: String { rawValue }

    public init(from decoder: Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let kind = DexKind(rawValue: name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown dex \(name)"))
        }
        self = kind
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}
