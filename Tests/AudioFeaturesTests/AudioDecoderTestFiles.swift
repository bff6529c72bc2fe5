import Foundation
import TestSupport

/// Hand-built WAV files for decoder tests, including deliberately broken headers.
enum AudioDecoderTestFiles {
    static let blockFrames = 4096

    /// A canonical 44-byte RIFF/WAVE header.
    static func wavHeader(format: UInt16 = 1, channels: UInt16, sampleRate: UInt32, bitsPerSample: UInt16,
                          dataBytes: UInt32, riffBytes: UInt32? = nil) -> [UInt8] {
        var h: [UInt8] = []
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { h += $0 } }
        func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { h += $0 } }
        let blockAlign = UInt32(channels) * UInt32(bitsPerSample / 8)
        h += Array("RIFF".utf8); u32(riffBytes ?? dataBytes &+ 36); h += Array("WAVE".utf8)
        h += Array("fmt ".utf8); u32(16); u16(format); u16(channels); u32(sampleRate)
        u32(sampleRate &* blockAlign); u16(UInt16(truncatingIfNeeded: blockAlign)); u16(bitsPerSample)
        h += Array("data".utf8); u32(dataBytes)
        return h
    }

    static func write(_ bytes: [UInt8], name: String) throws -> URL {
        let url = Repository.temporaryDirectory("audio").appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    /// 32-bit float mono WAV holding `samples`.
    static func floatWAV(_ samples: [Float], sampleRate: UInt32) throws -> URL {
        var bytes = wavHeader(format: 3, channels: 1, sampleRate: sampleRate, bitsPerSample: 32, dataBytes: UInt32(samples.count * 4))
        samples.withUnsafeBytes { bytes += $0 }
        return try write(bytes, name: "ramp.wav")
    }

    /// 16-bit PCM WAV of `frames` frames of a quiet tone.
    static func pcm16(frames: Int, channels: UInt16 = 1, sampleRate: UInt32 = 8000) -> [UInt8] {
        var bytes = wavHeader(channels: channels, sampleRate: sampleRate, bitsPerSample: 16,
                              dataBytes: UInt32(frames * Int(channels) * 2))
        for i in 0..<(frames * Int(channels)) {
            let v = Int16(3000 * sin(Double(i) * 0.3))
            withUnsafeBytes(of: v.littleEndian) { bytes += $0 }
        }
        return bytes
    }
}
