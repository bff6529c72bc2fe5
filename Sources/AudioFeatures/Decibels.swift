import Foundation
import TensorCore

/// Power to decibels, as `librosa.power_to_db`, in float32 like librosa on float32 input.
///
/// dB = 10·log10(max(amin, S)) − 10·log10(max(amin, ref)); with `top_db`, every value is raised to
/// at least max(dB) − top_db, the maximum taken over the whole input (one item).
public enum Decibels {
    public static func powerToDB(_ power: Tensor, ref: Double = 1, amin: Double = 1e-10, topDB: Double? = 80) -> Tensor {
        var out = power
        powerToDBInPlace(&out, ref: ref, amin: amin, topDB: topDB)
        return out
    }

    public static func powerToDB(_ power: Tensor, _ settings: AudioOptions.Decibels) -> Tensor {
        powerToDB(power, ref: settings.ref, amin: settings.amin, topDB: settings.topDB)
    }

    static func powerToDBInPlace(_ values: inout Tensor, ref: Double, amin: Double, topDB: Double?) {
        precondition(amin > 0 && ref > 0, "powerToDB: amin \(amin) and ref \(ref) must be positive")
        let floor = Float(amin)
        let offset = Float(10 * log10(Swift.max(amin, ref)))
        let dbPerOctave = Float(10 * log10(2.0))  // 10·log10(x) = 10·log10(2)·log2(x); log2f is the faster libm call
        var peak = -Float.infinity
        values.withUnsafeMutableBufferPointer { v in
            for i in v.indices {
                let db = dbPerOctave * log2f(Swift.max(floor, v[i])) - offset
                v[i] = db
                peak = Swift.max(peak, db)
            }
            if let topDB {
                let low = peak - Float(topDB)
                for i in v.indices where v[i] < low { v[i] = low }
            }
        }
    }
}
