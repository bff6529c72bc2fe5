import Foundation

/// The lines of a file read one at a time through a 64 KiB buffer, for files too large to hold
/// (a buffer per part and file in `pipeline merge`: small, so that their memory does not depend on
/// the catalog's size).
final class LineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    init(_ url: URL) throws {
        handle = try FileHandle(forReadingFrom: url)
    }

    deinit { try? handle.close() }

    /// The next line without its newline, nil at the end of the file.
    func next() throws -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                defer { start = newline + 1 }
                return String(decoding: buffer[start..<newline], as: UTF8.self)
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return String(decoding: buffer[start...], as: UTF8.self)
            }
            let block = try handle.read(upToCount: 1 << 16) ?? Data()
            atEnd = block.isEmpty
            buffer = Array(buffer[start...]) + block
            start = 0
        }
    }
}
