import Foundation
import NeuralNet
import TensorCore

/// A splitmix64 stream: tiny, and written identically in scripts/bench/train_step.py, so that the
/// Swift driver and its PyTorch peer train on exactly the same batches.
struct SplitMix {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 bits.
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform integer in 0..<n (floor of a uniform double; exact for the sizes used here).
    mutating func below(_ n: Int) -> Int { Int(unit() * Double(n)) }
}

/// Inverse-CDF sampler of a Zipf law over 0..<n: P(k) ∝ 1/(k + 1)^s.
struct Zipf {
    let cdf: [Double]

    init(n: Int, s: Double) {
        var total = 0.0
        var cdf = [Double](repeating: 0, count: n)
        for k in 0..<n {
            total += 1 / pow(Double(k + 1), s)
            cdf[k] = total
        }
        self.cdf = cdf.map { $0 / total }
    }

    /// The first k with cdf[k] > u (binary search).
    func sample(_ rng: inout SplitMix) -> Int {
        let u = rng.unit()
        var (lo, hi) = (0, cdf.count - 1)
        while lo < hi {
            let mid = (lo + hi) / 2
            if cdf[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

/// The benchmark's catalog and batches: every item has 10-30 Zipf-distributed tokens with weights
/// in [0.5, 1.5) and 1-3 genres; a batch is `batchSize` (user uniform, item Zipf(0.8), rating 1-5).
struct SyntheticRatings {
    static let users = 100_000, items = 20_000, vocabulary = 20_000, genres = 20

    struct Batch {
        let users: [Int], items: [Int]
        let text: Bags, genres: Bags
        let ratings: Tensor
    }

    let batches: [Batch]

    init(batchCount: Int, batchSize: Int, seed: UInt64 = 42) {
        var rng = SplitMix(state: seed)
        let tokenLaw = Zipf(n: Self.vocabulary, s: 1.0), itemLaw = Zipf(n: Self.items, s: 0.8)
        var itemTokens: [[Int]] = [], itemWeights: [[Float]] = [], itemGenres: [[Int]] = []
        for _ in 0..<Self.items {
            let length = 10 + rng.below(21)
            itemTokens.append((0..<length).map { _ in tokenLaw.sample(&rng) })
            itemWeights.append((0..<length).map { _ in Float(0.5 + rng.unit()) })
            itemGenres.append((0..<(1 + rng.below(3))).map { _ in rng.below(Self.genres) })
        }
        var batches: [Batch] = []
        for _ in 0..<batchCount {
            var users: [Int] = [], items: [Int] = [], ratings: [Float] = []
            for _ in 0..<batchSize {
                users.append(rng.below(Self.users))
                items.append(itemLaw.sample(&rng))
                ratings.append(Float(1 + rng.below(5)))
            }
            batches.append(Batch(
                users: users, items: items,
                text: Bags(items.map { itemTokens[$0] }, weights: items.map { itemWeights[$0] }),
                genres: Bags(items.map { itemGenres[$0] }),
                ratings: Tensor(shape: [batchSize], storage: ratings)))
        }
        self.batches = batches
    }
}
