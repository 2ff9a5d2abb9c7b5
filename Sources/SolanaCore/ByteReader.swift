/// Bounds-checked little-endian reads from account bytes. Every read throws
/// `DecodeError.truncated` instead of trapping, so hostile or short data can never crash us.
///
/// ```swift
/// let r = ByteReader(account.data)
/// let amount = try r.u64(64)
/// ```
public struct ByteReader: Sendable {
    public let bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var count: Int { bytes.count }

    @inline(__always)
    func check(_ offset: Int, _ width: Int) throws {
        guard offset >= 0, width >= 0, offset <= bytes.count - width else {
            throw DecodeError.truncated(offset: offset, need: width, size: bytes.count)
        }
    }

    @inline(__always)
    func le(_ offset: Int, _ width: Int) -> UInt64 {
        var v: UInt64 = 0
        bytes.withUnsafeBufferPointer { p in
            for i in 0..<width { v |= UInt64(p[offset + i]) << (UInt64(i) * 8) }
        }
        return v
    }

    public func u8(_ o: Int) throws -> UInt8 { try check(o, 1); return bytes[o] }
    public func bool(_ o: Int) throws -> Bool { try u8(o) != 0 }
    public func u16(_ o: Int) throws -> UInt16 { try check(o, 2); return UInt16(truncatingIfNeeded: le(o, 2)) }
    public func u32(_ o: Int) throws -> UInt32 { try check(o, 4); return UInt32(truncatingIfNeeded: le(o, 4)) }
    public func i32(_ o: Int) throws -> Int32 { Int32(bitPattern: try u32(o)) }
    public func u64(_ o: Int) throws -> UInt64 { try check(o, 8); return le(o, 8) }
    public func i64(_ o: Int) throws -> Int64 { Int64(bitPattern: try u64(o)) }
    public func u128(_ o: Int) throws -> UInt128 {
        try check(o, 16)
        return UInt128(le(o + 8, 8)) << 64 | UInt128(le(o, 8))
    }
    public func i128(_ o: Int) throws -> Int128 { Int128(bitPattern: try u128(o)) }
    public func pubkey(_ o: Int) throws -> Pubkey {
        try check(o, 32)
        return Pubkey(w0: le(o, 8), w1: le(o + 8, 8), w2: le(o + 16, 8), w3: le(o + 24, 8))
    }
    public func slice(_ o: Int, _ n: Int) throws -> ArraySlice<UInt8> { try check(o, n); return bytes[o..<(o + n)] }
    /// `COption<Pubkey>`: u32 tag then 32 bytes; nil when the tag is 0.
    public func optionPubkey(_ o: Int) throws -> Pubkey? {
        let tag = try u32(o)
        return tag == 0 ? nil : try pubkey(o + 4)
    }
    /// The first 8 bytes as lowercase hex (Anchor discriminator).
    public func discriminatorHex() -> String { Hex.encode(bytes.prefix(8)) }
}

/// Little-endian writes, for encoders (the simulator writes pool state back).
public struct ByteWriter {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public mutating func put(_ v: UInt64, at o: Int, width: Int = 8) {
        for i in 0..<width { bytes[o + i] = UInt8(truncatingIfNeeded: v >> (UInt64(i) * 8)) }
    }
    public mutating func put128(_ v: UInt128, at o: Int) {
        put(UInt64(truncatingIfNeeded: v), at: o)
        put(UInt64(truncatingIfNeeded: v >> 64), at: o + 8)
    }
    public mutating func put(_ key: Pubkey, at o: Int) {
        let b = key.bytes
        for i in 0..<32 { bytes[o + i] = b[i] }
    }
}

public enum Hex {
    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
    public static func decode(_ s: String) -> [UInt8]? {
        let c = Array(s.utf8)
        guard c.count % 2 == 0 else { return nil }
        func nib(_ x: UInt8) -> UInt8? {
            switch x {
            case 48...57: return x - 48
            case 97...102: return x - 87
            case 65...70: return x - 55
            default: return nil
            }
        }
        var out = [UInt8]()
        var i = 0
        while i < c.count {
            guard let h = nib(c[i]), let l = nib(c[i + 1]) else { return nil }
            out.append(h << 4 | l); i += 2
        }
        return out
    }
}
