import SolanaCore

/// A decoded field value, printed by `decode` with integers as decimal strings and
/// pubkeys as base58 (field names as in the fixtures' `expected.json`).
public enum FieldValue: Sendable, Equatable {
    case int(String)
    case pubkey(Pubkey)
    case string(String)
    case bool(Bool)
    case null
    case list([FieldValue])

    public static func u<T: BinaryInteger>(_ v: T) -> FieldValue { .int(String(v)) }
    public static func key(_ k: Pubkey?) -> FieldValue { k.map { .pubkey($0) } ?? .null }
}

/// Ordered (name, value) pairs of one decoded account.
public typealias Fields = [(String, FieldValue)]

/// One account decoded for display: which program and layout, and its fields.
public struct DecodedAccount: Sendable {
    public var program: String
    public var kind: String
    public var fields: Fields
    public init(program: String, kind: String, fields: Fields) {
        self.program = program; self.kind = kind; self.fields = fields
    }
}

/// An account layout: checks (owner, size, discriminator) then reads fields.
/// Conforming types are the decoders; `AccountRegistry` picks one per account.
public protocol AccountLayout: Sendable {
    /// "raydium-amm-v4" etc.
    static var program: String { get }
    /// "AmmInfo", "PoolState", …
    static var kind: String { get }
    /// True when owner, size and discriminator say the bytes are this layout (no field reads).
    static func matches(_ account: AccountData) -> Bool
    /// Decodes after verifying owner, size and discriminator; throws `DecodeError` naming the failed check.
    init(_ account: AccountData) throws
    var fields: Fields { get }
}

extension AccountLayout {
    public var decoded: DecodedAccount { DecodedAccount(program: Self.program, kind: Self.kind, fields: fields) }
}

/// An Anchor account of a fixed size: owner program, exact size and 8-byte discriminator
/// identify it, so `matches` and the pre-read checks come from these statics.
public protocol AnchorLayout: AccountLayout {
    static var programId: Pubkey { get }
    static var size: Int { get }
    /// First 8 bytes, hex: sha256("account:<Name>")[..8] (Anchor `#[account]`).
    static var discriminator: String { get }
}

extension AnchorLayout {
    public static func matches(_ a: AccountData) -> Bool {
        a.owner == programId && a.data.count == size && LayoutCheck.hasDiscriminator(a, discriminator)
    }

    /// Owner, size and discriminator, each failure a `DecodeError` naming the check.
    public static func check(_ a: AccountData) throws {
        try LayoutCheck.anchor(a, owner: programId, size: size, disc: discriminator, kind: kind)
    }
}

/// The three checks every decoder runs before reading a field.
public enum LayoutCheck {
    public static func owner(_ a: AccountData, _ expected: Pubkey..., kind: String) throws {
        guard expected.contains(a.owner) else { throw DecodeError.wrongOwner(kind: kind, expected: expected, got: a.owner) }
    }
    public static func size(_ a: AccountData, exactly n: Int, kind: String) throws {
        guard a.data.count == n else { throw DecodeError.wrongSize(kind: kind, expected: "\(n)", got: a.data.count) }
    }
    public static func size(_ a: AccountData, atLeast n: Int, kind: String) throws {
        guard a.data.count >= n else { throw DecodeError.wrongSize(kind: kind, expected: "at least \(n)", got: a.data.count) }
    }
    public static func discriminator(_ a: AccountData, _ hex: String, kind: String) throws {
        let got = Hex.encode(a.data.prefix(8))
        guard got == hex else { throw DecodeError.wrongDiscriminator(kind: kind, expected: hex, got: got) }
    }
    /// Owner + size + discriminator in one call, for Anchor accounts.
    public static func anchor(_ a: AccountData, owner: Pubkey, size: Int, atLeast: Bool = false, disc: String, kind: String) throws {
        try self.owner(a, owner, kind: kind)
        if atLeast { try self.size(a, atLeast: size, kind: kind) } else { try self.size(a, exactly: size, kind: kind) }
        try discriminator(a, disc, kind: kind)
    }
    /// Compares the first 8 bytes with lowercase `hex` digit by digit (no allocation: this runs
    /// for every account the registry classifies).
    public static func hasDiscriminator(_ a: AccountData, _ hex: String) -> Bool {
        guard a.data.count >= 8 else { return false }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            default: return nil
            }
        }
        var i = 0, high: UInt8 = 0
        for c in hex.utf8 {
            guard i < 16, let n = nibble(c) else { return false }
            if i & 1 == 0 { high = n } else if a.data[a.data.startIndex + i / 2] != high << 4 | n { return false }
            i += 1
        }
        return i == 16
    }
}
