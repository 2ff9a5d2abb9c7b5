import SolanaCore

/// A kind of account a DEX program owns that one `programSubscribe` can deliver for every pool
/// at once (pools, tick/bin arrays, bitmap extensions, oracles): its exact size and/or its
/// leading discriminator bytes, the filters the RPC node matches (`dataSize`, `memcmp` at 0).
///
/// ```swift
/// let arrays = ProgramAccountKind(name: "tick array", dataSize: 10_240)
/// arrays.matches(size: account.data.count, head: account.data.prefix(8))
/// ```
public struct ProgramAccountKind: Sendable, Hashable {
    public let name: String
    public let dataSize: Int?
    /// Bytes at offset 0 (an Anchor account discriminator); empty for none.
    public let discriminator: [UInt8]

    public init(name: String, dataSize: Int?, discriminator: [UInt8] = []) {
        self.name = name; self.dataSize = dataSize; self.discriminator = discriminator
    }

    /// With the discriminator as the layouts spell it (16 hex digits).
    public init(name: String, dataSize: Int?, discriminatorHex hex: String) {
        var bytes: [UInt8] = []
        var chars = Array(hex.utf8)[...]
        while chars.count >= 2, let b = UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16) {
            bytes.append(b)
            chars = chars.dropFirst(2)
        }
        self.init(name: name, dataSize: dataSize, discriminator: bytes)
    }

    public func matches<C: Collection>(size: Int, head: C) -> Bool where C.Element == UInt8 {
        if let dataSize, size != dataSize { return false }
        return head.count >= discriminator.count && head.prefix(discriminator.count).elementsEqual(discriminator)
    }
}
