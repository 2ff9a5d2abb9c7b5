/// Why an account could not be decoded. Every decoder checks owner, size and discriminator
/// before reading a field, and says which check failed.
public enum DecodeError: Error, CustomStringConvertible, Equatable, Sendable {
    case wrongOwner(kind: String, expected: [Pubkey], got: Pubkey)
    case wrongSize(kind: String, expected: String, got: Int)
    case wrongDiscriminator(kind: String, expected: String, got: String)
    case truncated(offset: Int, need: Int, size: Int)
    case invalidField(kind: String, field: String, reason: String)
    case unknownAccount(owner: Pubkey, size: Int, discriminator: String)

    public var description: String {
        switch self {
        case let .wrongOwner(kind, expected, got):
            return "\(kind): wrong owner program \(got) (expected \(expected.map(\.base58).joined(separator: " or ")))"
        case let .wrongSize(kind, expected, got):
            return "\(kind): wrong size \(got) bytes (expected \(expected))"
        case let .wrongDiscriminator(kind, expected, got):
            return "\(kind): wrong discriminator \(got) (expected \(expected))"
        case let .truncated(offset, need, size):
            return "truncated account: need \(need) bytes at offset \(offset), have \(size)"
        case let .invalidField(kind, field, reason):
            return "\(kind): invalid \(field): \(reason)"
        case let .unknownAccount(owner, size, disc):
            return "unknown account: owner \(owner), \(size) bytes, discriminator \(disc)"
        }
    }
}
