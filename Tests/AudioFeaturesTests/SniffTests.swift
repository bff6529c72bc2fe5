import AudioFeatures
import CSndfile
import Foundation
import TensorCore
import TestSupport
import Testing

/// `MediaKind` knows the signature of every container this build's libsndfile writes, and the
/// ones it does not know are exactly those without a signature, which libsndfile still reads.
@Suite struct SniffTests {
    /// Writes 800 frames of a tone in `major` with the first encoding libsndfile accepts for it.
    static func write(major: Int32, to url: URL) -> Bool {
        let subtypes = [SF_FORMAT_PCM_16, SF_FORMAT_PCM_S8, SF_FORMAT_PCM_U8, SF_FORMAT_FLOAT, SF_FORMAT_ALAW, SF_FORMAT_VORBIS,
                        SF_FORMAT_MPEG_LAYER_III, SF_FORMAT_DPCM_8]
        for sub in subtypes {
            var info = SF_INFO(frames: 0, samplerate: 8000, channels: 1, format: major | Int32(sub), sections: 0, seekable: 0)
            guard sf_format_check(&info) != 0, let file = sf_open(url.path, Int32(SFM_WRITE), &info) else { continue }
            let tone = (0..<800).map { Float(0.3 * sin(Double($0) * 0.2)) }
            _ = sf_writef_float(file, tone, 800)
            sf_close(file)
            return true
        }
        return false
    }

    @Test func everyWritableContainerIsRecognisedAsAudio() throws {
        let dir = Repository.temporaryDirectory("sniff")
        defer { try? FileManager.default.removeItem(at: dir) }
        let withoutSignature: Set<String> = ["RAW", "HTK", "MPC", "SD2"]
        var count: Int32 = 0
        sf_command(nil, Int32(SFC_GET_FORMAT_MAJOR_COUNT), &count, Int32(MemoryLayout<Int32>.size))
        var checked = 0
        for i in 0..<count {
            var format = SF_FORMAT_INFO()
            format.format = i
            sf_command(nil, Int32(SFC_GET_FORMAT_MAJOR), &format, Int32(MemoryLayout<SF_FORMAT_INFO>.size))
            let name = String(cString: format.name), short = String(name.prefix { $0 != " " })
            let url = dir.appendingPathComponent("f\(i).\(String(cString: format.extension))")
            guard Self.write(major: format.format, to: url) else { continue }
            let head = Array(try Data(contentsOf: url).prefix(MediaKind.headLength))
            let kind = head.withUnsafeBytes { MediaKind.sniff($0) }
            if withoutSignature.contains(short) {
                #expect(kind.family != .audio && kind.family != .image, "\(name): \(kind)")
                // Which is why `pipeline probe` still offers unrecognised bytes to libsndfile. (RAW
                // needs its format from the caller; SD2 keeps its header in a resource fork.)
                if short == "HTK" || short == "MPC" { #expect(AudioProbe.probe(url).ok, "\(name): \(AudioProbe.probe(url).message ?? "")") }
            } else {
                #expect(kind.family == .audio && kind.isDecoded, "\(name): sniffed as \(kind), starts with \(MediaKind.hex(head.prefix(12)))")
            }
            checked += 1
        }
        #expect(checked >= 24, "libsndfile wrote only \(checked) containers")
    }
}
