import TensorCore

/// Turns the raw bytes of one item's text field into a `String`, with a policy for bytes that
/// are not UTF-8 (catalog files may hold Latin-1 or truncated sequences).
///
/// Validity is Unicode's (The Unicode Standard, 3.9, Table 3-7): no overlong forms, no
/// surrogates, nothing above U+10FFFF. `replace` substitutes U+FFFD for each maximal ill-formed
/// subpart, as Python's `bytes.decode("utf-8", "replace")` does; U+FFFD is not a word character,
/// so it splits tokens.
public enum TextDecoding {
    public enum Policy: String, Sendable, Codable, Equatable, CaseIterable, OptionChoice {
        /// Fail the item with `FailureClass.corrupt`, naming the byte offset.
        case reject
        /// Substitute U+FFFD and go on.
        case replace
    }

    /// The text of `bytes`, or an `ItemError` naming `source` (e.g. `items.csv:12 column 'title'`)
    /// and the first bad offset. A leading UTF-8 byte-order mark is dropped.
    public static func decode(_ bytes: [UInt8], source: String, policy: Policy) throws(ItemError) -> String {
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        if policy == .reject, let offset = firstInvalidOffset(body) {
            let shown = body[offset..<min(offset + 4, body.count)].map { String($0, radix: 16, uppercase: true) }
            throw rejection(source: source, at: "byte \(offset + bytes.count - body.count) (bytes \(shown.joined(separator: " ")))")
        }
        return String(decoding: body, as: UTF8.self)
    }

    /// The error for text that is not UTF-8 under `invalid_utf8: reject`; `position` says where,
    /// when the caller still has the bytes.
    public static func rejection(source: String, at position: String? = nil) -> ItemError {
        ItemError(.corrupt, source: source, detail: "not valid UTF-8" + (position.map { " at \($0)" } ?? ""),
                  hint: "re-save the items file as UTF-8, or set features.text.invalid_utf8: replace")
    }

    /// Offset of the first byte that starts an ill-formed sequence, or nil when all is UTF-8.
    public static func firstInvalidOffset(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { b -> Int? in
            let n = b.count
            var i = 0
            while i < n {
                // Eight ASCII bytes at a time: the common case in catalogs.
                while i + 8 <= n,
                    UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0
                { i += 8 }
                guard i < n else { break }
                let c = b[i]
                if c < 0x80 { i += 1; continue }
                let length: Int
                var low: UInt8 = 0x80, high: UInt8 = 0xBF  // allowed range of the second byte
                switch c {
                case 0xC2...0xDF: length = 2
                case 0xE0: length = 3; low = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: length = 3
                case 0xED: length = 3; high = 0x9F
                case 0xF0: length = 4; low = 0x90
                case 0xF1...0xF3: length = 4
                case 0xF4: length = 4; high = 0x8F
                default: return i
                }
                guard i + length <= n, (low...high).contains(b[i + 1]) else { return i }
                for k in 2..<length where b[i + k] & 0xC0 != 0x80 { return i }
                i += length
            }
            return nil
        }
    }
}
