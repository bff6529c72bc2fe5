import Foundation
import TensorCore

/// The hidden truth of a synthetic catalog: content factors per item, tastes per user, and the
/// rating model that ties them together.
///
/// Each item has six content factors z (two shown by its image, two by its sound, two by its
/// text). Its taste vector is q = 0.85·z + 0.5·ε, so most of what makes users like it is visible
/// in its content, and the rest only in its ratings. A rating is
/// μ + b_u + b_i + ⟨p_u, q_i⟩ + noise, rounded to half stars and clipped to 0.5…5.
struct LatentWorld {
    static let factors = 6
    /// Which content factors each modality shows.
    static let imageFactors = 0..<2, audioFactors = 2..<4, textFactors = 4..<6

    var content: [[Float]]  // items × 6
    var taste: [[Float]]  // items × 6
    var itemBias: [Float]
    var userTaste: [[Float]]  // users × 6
    var userBias: [Float]
    var popularity: [Double]  // items, sampling weight
    let globalMean: Float = 3.5
    let noise: Float = 0.45

    init(items: Int, users: Int, rng: inout SeededGenerator) {
        content = (0..<items).map { _ in (0..<Self.factors).map { _ in rng.nextNormal() } }
        taste = content.map { z in z.map { 0.85 * $0 + 0.5 * rng.nextNormal() } }
        itemBias = (0..<items).map { _ in 0.3 * rng.nextNormal() }
        userTaste = (0..<users).map { _ in (0..<Self.factors).map { _ in 0.26 * rng.nextNormal() } }
        userBias = (0..<users).map { _ in 0.35 * rng.nextNormal() }
        // Zipf-like popularity over a random ranking of the items.
        var ranks = Array(0..<items)
        rng.shuffle(&ranks)
        popularity = [Double](repeating: 0, count: items)
        for (rank, item) in ranks.enumerated() { popularity[item] = 1 / pow(Double(rank) + 8, 0.9) }
    }

    /// Expected rating before noise and rounding.
    func affinity(user u: Int, item i: Int) -> Float {
        var dot: Float = 0
        for f in 0..<Self.factors { dot += userTaste[u][f] * taste[i][f] }
        return globalMean + userBias[u] + itemBias[i] + dot
    }

    func rating(user u: Int, item i: Int, rng: inout SeededGenerator) -> Float {
        let raw = affinity(user: u, item: i) + noise * rng.nextNormal()
        return min(5, max(0.5, (raw * 2).rounded() / 2))
    }
}
