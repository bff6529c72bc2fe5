import CPNG
import CSndfile
import CTurboJPEG
import Foundation
import TensorCore

/// Encoders for the synthetic catalog's media: PNG through libpng, JPEG through TurboJPEG,
/// WAV and FLAC through libsndfile. Every file is written atomically.
enum MediaWriters {
    struct EncodeError: Error, CustomStringConvertible {
        var description: String
    }

    /// 8-bit RGB or RGBA pixels (row-major, `channels` per pixel) to PNG bytes.
    static func png(_ pixels: [UInt8], width: Int, height: Int, channels: Int) throws -> [UInt8] {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        image.width = png_uint_32(width)
        image.height = png_uint_32(height)
        image.format = channels == 4 ? CPNG_FORMAT_RGBA : CPNG_FORMAT_RGB
        var size: png_alloc_size_t = 0
        guard pixels.withUnsafeBytes({ png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, 0, nil) }) != 0
        else { throw EncodeError(description: "png size query failed") }
        var out = [UInt8](repeating: 0, count: Int(size))
        let ok = out.withUnsafeMutableBytes { dst in
            pixels.withUnsafeBytes { png_image_write_to_memory(&image, dst.baseAddress, &size, 0, $0.baseAddress, 0, nil) }
        }
        guard ok != 0 else { throw EncodeError(description: "png encoding failed") }
        return Array(out.prefix(Int(size)))
    }

    /// 8-bit RGB pixels to baseline JPEG bytes (4:2:0, the given quality).
    static func jpeg(_ pixels: [UInt8], width: Int, height: Int, quality: Int) throws -> [UInt8] {
        guard let handle = tjInitCompress() else { throw EncodeError(description: "tjInitCompress failed") }
        defer { tjDestroy(handle) }
        var buffer: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let rc = pixels.withUnsafeBufferPointer {
            tjCompress2(handle, $0.baseAddress, Int32(width), 0, Int32(height), Int32(TJPF_RGB.rawValue),
                        &buffer, &size, Int32(TJSAMP_420.rawValue), Int32(quality), 0)
        }
        defer { if let buffer { tjFree(buffer) } }
        guard rc == 0, let buffer else { throw EncodeError(description: String(cString: tjGetErrorStr2(handle))) }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(size)))
    }

    enum AudioFormat { case wav16, flac16 }

    /// Mono samples in −1…1 written as 16-bit WAV or FLAC at `url` (via a temporary, then renamed).
    static func audio(_ samples: [Float], sampleRate: Int, format: AudioFormat, to url: URL) throws {
        let tmp = url.deletingLastPathComponent().appendingPathComponent(AtomicFile.temporaryPrefix + url.lastPathComponent)
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = 1
        info.format = Int32(format == .wav16 ? (SF_FORMAT_WAV | SF_FORMAT_PCM_16) : (SF_FORMAT_FLAC | SF_FORMAT_PCM_16))
        guard let file = sf_open(tmp.path, Int32(SFM_WRITE), &info) else {
            throw EncodeError(description: "cannot write \(url.path): \(String(cString: sf_strerror(nil)))")
        }
        let written = samples.withUnsafeBufferPointer { sf_writef_float(file, $0.baseAddress, sf_count_t($0.count)) }
        sf_close(file)
        guard written == samples.count else { throw EncodeError(description: "short write to \(url.path)") }
        guard rename(tmp.path, url.path) == 0 else { throw EncodeError(description: "cannot rename into \(url.path)") }
    }
}
