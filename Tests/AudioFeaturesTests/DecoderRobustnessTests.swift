import AudioFeatures
import Foundation
import TensorCore
import TestSupport
import Testing

/// Seeded damage to every small clip (cuts, header bytes, scattered flips): decoding must either
/// succeed or throw an `ItemError`, never crash, hang or return more frames than the header had.
@Suite struct DecoderRobustnessTests {
    static let clips = AudioGolden.shared.clips.keys.sorted().filter { $0.hasPrefix("tone440") } + ["speech_44100_stereo.flac"]

    @Test(arguments: clips)
    func damagedCopiesFailCleanly(clip: String) throws {
        let original = [UInt8](try Data(contentsOf: AudioGolden.clip(clip)))
        let declared = try AudioDecoder.info(of: AudioGolden.clip(clip)).frames
        var rng = SeededGenerator(seed: 42, stream: clip)
        var outcomes = [String: Int]()
        for trial in 0..<60 {
            var bytes = original
            switch trial % 3 {
            case 0: bytes.removeSubrange(rng.nextInt(below: bytes.count)...)
            case 1: for _ in 0..<4 { bytes[rng.nextInt(below: min(64, bytes.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            default: for _ in 0..<20 { bytes[rng.nextInt(below: bytes.count)] ^= UInt8(1 << rng.nextInt(below: 8)) }
            }
            do {
                let audio = try bytes.withUnsafeBytes { try AudioDecoder.decode(bytes: $0, name: "\(clip)#\(trial)") }
                #expect(audio.frameCount <= max(declared, 1 << 20), "trial \(trial): \(audio.frameCount) frames")
                #expect(audio.samples.allSatisfy { $0.isFinite } || audio.info.subtype == "FLOAT")
                outcomes["ok", default: 0] += 1
            } catch let error as ItemError {
                #expect(error.message.contains(" (hint: ") && error.message.hasSuffix(")"))
                outcomes[error.failureClass.rawValue, default: 0] += 1
            }
        }
        #expect(outcomes.values.reduce(0, +) == 60)
        #expect(outcomes.keys.count >= 2, "\(outcomes)")  // the damage is noticed at least sometimes
    }
}
