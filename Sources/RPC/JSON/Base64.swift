/// Standard base64 (RFC 4648, with padding) decoding straight from bytes, without Foundation:
/// used on every account notification, so it avoids intermediate Strings and Data.
///
/// ```swift
/// Base64.decode(Array("AQID".utf8)[...])   // [1, 2, 3]
/// ```
public enum Base64 {
    static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    /// Decodes; nil when the length or an alphabet character is invalid.
    public static func decode(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var n = input.count
        if n == 0 { return [] }
        guard n % 4 == 0 else { return nil }
        var pad = 0
        if input[n - 1] == 0x3D { pad += 1; if input[n - 2] == 0x3D { pad += 1 } }
        n -= pad
        let outCount = (input.count / 4) * 3 - pad
        var out = [UInt8](repeating: 0, count: outCount)
        let ok: Bool = table.withUnsafeBufferPointer { t in
            out.withUnsafeMutableBufferPointer { o in
                var i = 0, j = 0
                while i + 4 <= n {
                    let a = t[Int(input[i])], b = t[Int(input[i + 1])], c = t[Int(input[i + 2])], d = t[Int(input[i + 3])]
                    if (a | b | c | d) & 0xC0 != 0 { return false }
                    let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    o[j] = UInt8(truncatingIfNeeded: v >> 16); o[j + 1] = UInt8(truncatingIfNeeded: v >> 8); o[j + 2] = UInt8(truncatingIfNeeded: v)
                    i += 4; j += 3
                }
                let rest = n - i
                if rest == 2 {
                    let a = t[Int(input[i])], b = t[Int(input[i + 1])]
                    if (a | b) & 0xC0 != 0 { return false }
                    o[j] = a << 2 | b >> 4
                } else if rest == 3 {
                    let a = t[Int(input[i])], b = t[Int(input[i + 1])], c = t[Int(input[i + 2])]
                    if (a | b | c) & 0xC0 != 0 { return false }
                    o[j] = a << 2 | b >> 4; o[j + 1] = b << 4 | c >> 2
                } else if rest != 0 {
                    return false
                }
                return true
            }
        }
        return ok ? out : nil
    }

    public static func decode(_ text: String) -> [UInt8]? {
        var t = text
        return t.withUTF8 { decode($0) }
    }

    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(v >> 18 & 63)], alphabet[Int(v >> 12 & 63)], alphabet[Int(v >> 6 & 63)], alphabet[Int(v & 63)]]
            i += 3
        }
        if bytes.count - i == 1 {
            let v = UInt32(bytes[i]) << 16
            out += [alphabet[Int(v >> 18 & 63)], alphabet[Int(v >> 12 & 63)], 0x3D, 0x3D]
        } else if bytes.count - i == 2 {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(v >> 18 & 63)], alphabet[Int(v >> 12 & 63)], alphabet[Int(v >> 6 & 63)], 0x3D]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
