import Foundation
import TensorCore

/// Paints an item's picture from its two image factors: z₀ sets the hue of the background, z₁ the
/// frequency of the stripes across it. A randomly placed disc and pixel noise are nuisance.
struct ImageSynthesizer {
    /// `noise` is the pixel noise's standard deviation in 8-bit steps (0 keeps PNGs small).
    static func pixels(_ z: [Float], width: Int, height: Int, alpha: Bool, noise: Double, rng: inout SeededGenerator) -> [UInt8] {
        let hue = 0.5 + 0.5 * tanh(Double(z[0]))
        let frequency = 1.5 + 6 * (1 / (1 + exp(-Double(z[1]) * 1.3)))
        let background = hsv(hue, 0.75, 0.9)
        let stripe = hsv((hue + 0.5).truncatingRemainder(dividingBy: 1), 0.6, 0.35)
        let angle = Double(rng.nextUnitFloat()) * .pi
        let (cx, cy) = (Double(rng.nextUnitFloat()) * Double(width), Double(rng.nextUnitFloat()) * Double(height))
        let radius = Double(min(width, height)) * (0.1 + 0.15 * Double(rng.nextUnitFloat()))
        let disc = hsv(Double(rng.nextUnitFloat()), 0.2, 0.95)
        let channels = alpha ? 4 : 3
        var out = [UInt8](repeating: 0, count: width * height * channels)
        for y in 0..<height {
            for x in 0..<width {
                let u = (Double(x) * cos(angle) + Double(y) * sin(angle)) / Double(width)
                var colour = sin(2 * .pi * frequency * u) > 0.3 ? stripe : background
                let dx = Double(x) - cx, dy = Double(y) - cy
                if dx * dx + dy * dy < radius * radius { colour = disc }
                let o = (y * width + x) * channels
                for c in 0..<3 {
                    let noisy = colour[c] * 255 + (noise > 0 ? Double(rng.nextNormal()) * noise : 0)
                    out[o + c] = UInt8(max(0, min(255, noisy.rounded())))
                }
                if alpha { out[o + 3] = x < width / 2 ? 255 : 160 }
            }
        }
        return out
    }

    /// HSV (each 0…1) to RGB (each 0…1).
    static func hsv(_ h: Double, _ s: Double, _ v: Double) -> [Double] {
        let i = Int(h * 6) % 6
        let f = h * 6 - Double(Int(h * 6))
        let p = v * (1 - s), q = v * (1 - f * s), t = v * (1 - (1 - f) * s)
        switch i {
        case 0: return [v, t, p]
        case 1: return [q, v, p]
        case 2: return [p, v, t]
        case 3: return [p, q, v]
        case 4: return [t, p, v]
        default: return [v, p, q]
        }
    }
}
