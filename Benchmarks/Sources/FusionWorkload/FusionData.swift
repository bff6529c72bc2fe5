import Foundation
import Recommender
import TensorCore

/// The generated training set of the fused-model benchmark, shared with the PyTorch peer
/// (scripts/bench/fusion_step.py) through .npy files, so both train on the same ratings, bags and
/// batches.
///
/// Ratings: users uniform, items Zipf(0.8) (a few popular items, a long tail), stars 0.5–5 in
/// half steps. Per item a TF-IDF-like text bag (10–30 distinct terms of a Zipf(1.0) vocabulary,
/// weights in [0.5, 1.5)) and 1–3 genres written "g3|g17" (a multi_hot field). `order` is a
/// seeded permutation of the ratings: batch b is order[256 b ..< 256 (b + 1)].
public struct FusionData {
    public var users: [Int32] = [], items: [Int32] = [], ratings: [Float] = []
    public var textOffsets: [Int32] = [0], textIds: [Int32] = [], textWeights: [Float] = []
    public var genres: [String] = []
    public var order: [Int32] = []
    public let userCount: Int, itemCount: Int, vocabulary: Int

    public init(users userCount: Int, items itemCount: Int, ratings count: Int, vocabulary: Int, genres genreCount: Int, seed: UInt64) {
        self.userCount = userCount
        self.itemCount = itemCount
        self.vocabulary = vocabulary
        var rng = SeededGenerator(seed: seed, stream: "fusion-bench")
        let itemZipf = Zipf(count: itemCount, exponent: 0.8), termZipf = Zipf(count: vocabulary, exponent: 1.0)
        for _ in 0..<count {
            users.append(Int32(rng.nextInt(below: userCount)))
            items.append(Int32(itemZipf.sample(&rng)))
            ratings.append(Float(1 + rng.nextInt(below: 10)) * 0.5)
        }
        for _ in 0..<itemCount {
            var terms = Set<Int32>()
            let length = 10 + rng.nextInt(below: 21)
            while terms.count < length { terms.insert(Int32(termZipf.sample(&rng))) }
            for t in terms.sorted() {
                textIds.append(t)
                textWeights.append(0.5 + rng.nextUnitFloat())
            }
            textOffsets.append(Int32(textIds.count))
            var g = Set<Int>()
            let k = 1 + rng.nextInt(below: 3)
            while g.count < k { g.insert(rng.nextInt(below: genreCount)) }
            genres.append(g.sorted().map { "g\($0)" }.joined(separator: "|"))
        }
        var permutation = Array(0..<Int32(count))
        rng.shuffle(&permutation)
        order = permutation
    }

    /// The rating set (every rating is a train rating) for `UserBehavior` and the trainer.
    public var set: RatingSet {
        RatingSet(userIds: (0..<userCount).map { "u\($0)" }, itemIds: (0..<itemCount).map { "i\($0)" },
                  users: users, items: items, ratings: ratings, timestamps: (0..<ratings.count).map(Double.init))
    }

    func write(to dir: URL, genreIds: (offsets: [Int32], ids: [Int32])) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func int32(_ name: String, _ values: [Int32]) throws {
            try NumpyFile.encode(int32: values, shape: [values.count]).write(to: dir.appendingPathComponent("\(name).npy"))
        }
        func float32(_ name: String, _ values: [Float]) throws {
            try NumpyFile.write(Tensor(shape: [values.count], storage: values), to: dir.appendingPathComponent("\(name).npy"))
        }
        try int32("users", users); try int32("items", items); try float32("ratings", ratings)
        try int32("text_offsets", textOffsets); try int32("text_ids", textIds); try float32("text_weights", textWeights)
        try int32("genre_offsets", genreIds.offsets); try int32("genre_ids", genreIds.ids)
        try int32("order", order)
        let sizes = "{\"users\": \(userCount), \"items\": \(itemCount), \"vocabulary\": \(vocabulary)}\n"
        try Data(sizes.utf8).write(to: dir.appendingPathComponent("sizes.json"))
    }
}

/// Zipf(s) over 0..<count by inverse transform on the cumulative weights 1/(k+1)^s.
struct Zipf {
    let cumulative: [Double]

    init(count: Int, exponent: Double) {
        var total = 0.0
        cumulative = (0..<count).map { k in
            total += 1 / pow(Double(k + 1), exponent)
            return total
        }
    }

    func sample(_ rng: inout SeededGenerator) -> Int {
        let u = rng.nextUnitDouble() * cumulative.last!
        var (lo, hi) = (0, cumulative.count - 1)
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] < u { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
