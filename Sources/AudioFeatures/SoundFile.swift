import CSndfile
import Foundation

/// An open libsndfile reader over bytes in memory; closes itself when released.
///
/// Opening classifies libsndfile's refusal into a `FailureClass`; `read` checks `sf_error` after
/// every block so a decoder failure midway is reported instead of ending the stream early.
final class SoundFile {
    let handle: OpaquePointer
    let info: SF_INFO
    let io: MemoryVirtualIO
    let path: String

    /// Opens `io` (which must outlive this object). Throws `AudioError` with the right class.
    init(io: MemoryVirtualIO, path: String) throws {
        self.io = io
        self.path = path
        var info = SF_INFO()
        var callbacks = MemoryVirtualIO.callbacks
        let user = Unmanaged.passUnretained(io).toOpaque()
        // A failed open leaves its reason in one process-wide variable (`sf_error(NULL)`), so
        // opening and reading that reason happen under a lock; reads on open handles run freely.
        let opened: Result<OpaquePointer, AudioError> = SoundFile.openLock.withLock {
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
                throw AudioError(path: path, .truncated, "the data ends in the middle of the stream (libsndfile: \(reason))",
                                 hint: "the file was probably cut short (interrupted download or copy); fetch it again")
            }
            throw AudioError(path: path, .corrupt, "decoding failed midway (libsndfile: \(reason))",
                             hint: "the file is damaged; re-encode it from its source")
        }
        return Swift.max(0, got)
    }

    /// Moves the read position to `frame`; false if the format cannot seek there.
    func seek(to frame: Int) -> Bool {
        sf_seek(handle, sf_count_t(frame), SEEK_SET) == sf_count_t(frame)
    }

    private static func openFailure(io: MemoryVirtualIO, path: String) -> AudioError {
        let code = sf_error(nil)
        let reason = String(cString: sf_strerror(nil))
        let head = io.base.map { [UInt8](UnsafeRawBufferPointer(start: $0, count: Swift.min(io.count, 512))) } ?? []
        let kind = SniffedKind(head)
        if reason.hasPrefix("Too many channels") {
            return AudioError(path: path, .tooLarge, "libsndfile refused the channel count (\(reason))",
                              hint: "libsndfile reads at most 1024 channels; a header claiming more is damaged")
        }
        switch Int(code) {
        case SF_ERR_UNRECOGNISED_FORMAT:
            return AudioError(path: path, kind.isKnownAudio ? .corrupt : .unsupported,
                              "\(kind.description); libsndfile: \(reason)",
                              hint: kind.hint)
        case SF_ERR_UNSUPPORTED_ENCODING:
            return AudioError(path: path, .unsupported, "the encoding inside \(kind.description) is not supported (libsndfile: \(reason))",
                              hint: "convert it to WAV (PCM) or FLAC")
        default:
            if io.readPastEnd {
                return AudioError(path: path, .truncated, "the header ends before the file says it should (libsndfile: \(reason))",
                                  hint: "the file was probably cut short (interrupted download or copy); fetch it again")
            }
            return AudioError(path: path, .corrupt, "libsndfile cannot parse \(kind.description): \(reason)",
                              hint: "the header is damaged; re-encode the file from its source")
        }
    }
}

/// What the first bytes of a file look like, for error messages and for telling a damaged audio
/// file (corrupt) from something that is not audio libsndfile reads (unsupported).
struct SniffedKind: CustomStringConvertible {
    let name: String
    let isKnownAudio: Bool
    let hint: String

    init(_ head: [UInt8]) {
        func starts(_ s: String, at offset: Int = 0) -> Bool {
            let b = Array(s.utf8)
            return head.count >= offset + b.count && Array(head[offset..<(offset + b.count)]) == b
        }
        let audio = [("RIFF", "a RIFF/WAV file"), ("RF64", "an RF64 file"), ("FORM", "an AIFF file"),
                     ("fLaC", "a FLAC file"), ("OggS", "an Ogg file"), (".snd", "an AU file"),
                     ("caff", "a CAF file"), ("riff", "a W64 file")]
        if let hit = audio.first(where: { starts($0.0) }) {
            name = hit.1; isKnownAudio = true
            hint = "the header is damaged or the file is cut short; re-encode it from its source"
        } else if starts("ftyp", at: 4) {
            name = "an MP4/M4A container (AAC or ALAC)"; isKnownAudio = false
            hint = "libsndfile does not read MP4; convert it to FLAC or WAV (e.g. ffmpeg -i in.m4a out.flac)"
        } else if !head.isEmpty, head.allSatisfy({ $0 == 9 || $0 == 10 || $0 == 13 || (32..<127).contains($0) || $0 >= 0x80 }) {
            name = "text, not audio"; isKnownAudio = false
            hint = "the file holds text; check that the catalog points at the audio file itself"
        } else {
            name = "data in no audio format libsndfile recognises"; isKnownAudio = false
            hint = "supported: WAV, AIFF, AU, CAF, W64, RF64, FLAC, Ogg Vorbis/Opus, MP3 and other libsndfile formats"
        }
    }

    var description: String { "the file is \(name)" }
}
