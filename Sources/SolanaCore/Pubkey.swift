/// A 32-byte Solana public key (account address, program id, mint).
///
/// ```swift
/// let usdc = try Pubkey(base58: "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v")
/// print(usdc)            // base58 again
/// ```
/// Stored as four little-endian words so hashing and equality are four compares.
public struct Pubkey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    public static let zero = Pubkey(w0: 0, w1: 0, w2: 0, w3: 0)

    public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3
    }

    /// From exactly 32 raw bytes.
    public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        guard bytes.count == 32 else { return nil }
        var words: [UInt64] = [0, 0, 0, 0]
        for (i, b) in bytes.enumerated() { words[i >> 3] |= UInt64(b) << (UInt64(i & 7) * 8) }
        self.init(w0: words[0], w1: words[1], w2: words[2], w3: words[3])
    }

    public init(base58 text: String) throws {
        guard let raw = Base58.decode(text), raw.count == 32, let key = Pubkey(bytes: raw) else {
            throw PubkeyError.invalidBase58(text)
        }
        self = key
    }

    /// Non-throwing form for literals known to be valid (program ids); traps on a typo, caught by tests.
    public init(_ literal: StaticString) {
        self = try! Pubkey(base58: "\(literal)")
    }

    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        for i in 0..<32 {
            let w = i < 8 ? w0 : i < 16 ? w1 : i < 24 ? w2 : w3
            out[i] = UInt8(truncatingIfNeeded: w >> (UInt64(i & 7) * 8))
        }
        return out
    }

    /// Base58 of the 32 bytes. Fixed-width: the key as four big-endian u64 limbs divided by 58^10
    /// (ten digits per pass) — the API prints a key per row; the generic byte loop was much slower.
    public var base58: String {
        var n = (w0.byteSwapped, w1.byteSwapped, w2.byteSwapped, w3.byteSwapped)
        var leadingZeroBytes = 0
        while leadingZeroBytes < 32 && self[byte: leadingZeroBytes] == 0 { leadingZeroBytes += 1 }
        return String(unsafeUninitializedCapacity: 64) { out in
            let chunk: UInt64 = 430_804_206_899_405_824  // 58^10
            var count = 0  // digits, least significant first; reversed at the end
            while n != (0, 0, 0, 0) {
                var rem: UInt64 = 0
                (n.0, rem) = chunk.dividingFullWidth((rem, n.0))
                (n.1, rem) = chunk.dividingFullWidth((rem, n.1))
                (n.2, rem) = chunk.dividingFullWidth((rem, n.2))
                (n.3, rem) = chunk.dividingFullWidth((rem, n.3))
                for _ in 0..<10 { out[count] = UInt8(rem % 58); rem /= 58; count += 1 }
            }
            while count > 0 && out[count - 1] == 0 { count -= 1 }
            for _ in 0..<leadingZeroBytes { out[count] = 0; count += 1 }  // each leading zero byte is a "1"
            for i in 0..<count { out[i] = Base58.alphabet[Int(out[i])] }
            out[0..<count].reverse()
            return count
        }
    }

    /// Byte `i` (0…31) of the key.
    @inline(__always) subscript(byte i: Int) -> UInt8 {
        let w = i < 8 ? w0 : i < 16 ? w1 : i < 24 ? w2 : w3
        return UInt8(truncatingIfNeeded: w >> (UInt64(i & 7) * 8))
    }
    public var description: String { base58 }
    /// First four characters and an ellipsis, for log lines.
    public var short: String { String(base58.prefix(4)) + "…" }

    /// Byte-wise order, as Rust's `Pubkey: Ord` (the programs sort mints this way).
    /// Byte order (how base58 keys sort on chain). Words hold their bytes little-endian, so
    /// byte-swapped words compare like the bytes, without building arrays.
    public static func < (a: Pubkey, b: Pubkey) -> Bool {
        if a.w0 != b.w0 { return a.w0.byteSwapped < b.w0.byteSwapped }
        if a.w1 != b.w1 { return a.w1.byteSwapped < b.w1.byteSwapped }
        if a.w2 != b.w2 { return a.w2.byteSwapped < b.w2.byteSwapped }
        return a.w3.byteSwapped < b.w3.byteSwapped
    }
}

public enum PubkeyError: Error, CustomStringConvertible, Equatable {
    case invalidBase58(String)
    public var description: String {
        switch self {
        case .invalidBase58(let s): return "invalid pubkey '\(s.prefix(64))': not 32 bytes of base58"
        }
    }
}
