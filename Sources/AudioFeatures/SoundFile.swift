import CSndfile
import Foundation
import TensorCore

/// An open libsndfile reader over bytes in memory; closes itself when released.
///
/// Opening classifies libsndfile's refusal into a `FailureClass`; `read` checks `sf_error` after
/// every block so a decoder failure midway is reported instead of ending the stream early.
final class SoundFile {
    let handle: OpaquePointer
    let info: SF_INFO
    let io: MemoryVirtualIO
    let path: String

    /// Opens `io` (which must outlive this object). Throws `ItemError` with the right class.
    init(io: MemoryVirtualIO, path: String) throws {
        self.io = io
        self.path = path
        var info = SF_INFO()
        var callbacks = MemoryVirtualIO.callbacks
        let user = Unmanaged.passUnretained(io).toOpaque()
        // A failed open leaves its reason in one process-wide variable (`sf_error(NULL)`), so
        // opening and reading that reason happen under a lock; reads on open handles run freely.
        let opened: Result<OpaquePointer, ItemError> = SoundFile.openLock.withLock {
            if let handle = sf_open_virtual(&callbacks, Int32(SFM_READ), &info, user) { return .success(handle) }
            return .failure(SoundFile.openFailure(io: io, path: path))
        }
        self.handle = try opened.get()
        self.info = info
    }

    private static let openLock = NSLock()

    deinit { sf_close(handle) }

    /// libsndfile's log of the header parse (chunk sizes, warnings).
    var log: String {
        var buffer = [CChar](repeating: 0, count: 8192)
        sf_command(handle, Int32(SFC_GET_LOG_INFO), &buffer, Int32(buffer.count))
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Reads up to `frames` interleaved frames into `destination`; 0 at the end of the stream.
    func read(into destination: UnsafeMutablePointer<Float>, frames: Int) throws -> Int {
        let got = Int(sf_readf_float(handle, destination, sf_count_t(frames)))
        let code = sf_error(handle)
        guard Int(code) == SF_ERR_NO_ERROR else {
            let reason = String(cString: sf_strerror(handle))
            if io.readPastEnd {
                throw ItemError(.truncated, source: path, detail: "the data ends in the middle of the stream (libsndfile: \(reason))",
                                hint: "the file was probably cut short (interrupted download or copy); fetch it again")
            }
            throw ItemError(.corrupt, source: path, detail: "decoding failed midway (libsndfile: \(reason))",
                            hint: "the file is damaged; re-encode it from its source")
        }
        return Swift.max(0, got)
    }

    /// Moves the read position to `frame`; false if the format cannot seek there.
    func seek(to frame: Int) -> Bool {
        sf_seek(handle, sf_count_t(frame), SEEK_SET) == sf_count_t(frame)
    }

    private static func openFailure(io: MemoryVirtualIO, path: String) -> ItemError {
        let code = sf_error(nil)
        let reason = String(cString: sf_strerror(nil))
        let head = io.base.map { UnsafeRawBufferPointer(start: $0, count: Swift.min(io.count, MediaKind.headLength)) }
            ?? UnsafeRawBufferPointer(start: nil, count: 0)
        let kind = MediaKind.sniff(head)
        if reason.hasPrefix("Too many channels") {
            return ItemError(.tooLarge, source: path, detail: "libsndfile refused the channel count (\(reason))",
                             hint: "libsndfile reads at most 1024 channels; a header claiming more is damaged")
        }
        switch Int(code) {
        case SF_ERR_UNRECOGNISED_FORMAT:
            return notAudio(kind, head, path: path)
                ?? ItemError(.corrupt, source: path, detail: "the file is \(kind), but libsndfile does not recognise it: \(reason)",
                             hint: "the header is damaged or the file is cut short; re-encode it from its source")
        case SF_ERR_UNSUPPORTED_ENCODING:
            return ItemError(.unsupported, source: path, detail: "the encoding inside this \(kind.name) file is not supported (libsndfile: \(reason))",
                             hint: "convert it to WAV (PCM) or FLAC")
        default:
            if io.readPastEnd {
                return ItemError(.truncated, source: path, detail: "the header ends before the file says it should (libsndfile: \(reason))",
                                 hint: "the file was probably cut short (interrupted download or copy); fetch it again")
            }
            return notAudio(kind, head, path: path)
                ?? ItemError(.corrupt, source: path, detail: "libsndfile cannot parse this \(kind.name) file: \(reason)",
                             hint: "the header is damaged; re-encode the file from its source")
        }
    }

    /// The refusal of a file libsndfile does not read, in the words `pipeline probe` and the image
    /// decoder use (`MediaKind`); nil for the audio libsndfile reads, whose refusal means damage.
    private static func notAudio(_ kind: MediaKind, _ head: UnsafeRawBufferPointer, path: String) -> ItemError? {
        switch kind.family {
        case .audio where kind.isDecoded:
            return nil
        case .audio:
            return ItemError(.unsupported, source: path, detail: "the file is \(kind), which libsndfile does not read",
                             hint: "convert it to FLAC or WAV (e.g. ffmpeg -i in.m4a out.flac)")
        case .image:
            return ItemError(.unsupported, source: path, detail: "the file is \(kind), not audio",
                             hint: "check that the catalog's audio column points at the sound file")
        case .other, .text, .unrecognised:
            return ItemError(.unsupported, source: path, detail: kind.neitherDetail(head), hint: kind.neitherHint)
        }
    }
}
