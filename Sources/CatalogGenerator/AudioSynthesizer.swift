import Foundation
import TensorCore

/// Synthesises an item's sound from its two audio factors: z₂ sets the pitch (165–660 Hz), z₃
/// the brightness (how slowly the harmonics fall off). Envelope, vibrato phase and noise are
/// nuisance.
struct AudioSynthesizer {
    static func samples(_ z: [Float], seconds: Double, sampleRate: Int, rng: inout SeededGenerator) -> [Float] {
        let f0 = 330 * pow(2, tanh(Double(z[2])))
        let rolloff = 2 - 1.2 * tanh(Double(z[3]))
        let count = Int(seconds * Double(sampleRate))
        let harmonics = max(1, min(12, Int(Double(sampleRate) / 2 / f0) - 1))
        let phase = Double(rng.nextUnitFloat()) * 2 * .pi
        var out = [Float](repeating: 0, count: count)
        var norm = 0.0
        for h in 1...harmonics { norm += pow(Double(h), -rolloff) }
        for n in 0..<count {
            let t = Double(n) / Double(sampleRate)
            let envelope = min(1, t / 0.02) * exp(-2 * t)
            var s = 0.0
            for h in 1...harmonics {
                s += pow(Double(h), -rolloff) * sin(2 * .pi * f0 * Double(h) * t + phase * Double(h))
            }
            out[n] = Float(0.5 * envelope * s / norm) + 0.01 * rng.nextNormal()
        }
        return out
    }
}
