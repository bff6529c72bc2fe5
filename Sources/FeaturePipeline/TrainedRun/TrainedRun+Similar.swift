import Foundation
import Recommender
import TensorCore

/// "Items like this one": cosine similarity of the fused item vectors, the ones the run exports
/// (item_embeddings.npy), so `pipeline similar` agrees with a numpy reader of those files.
extension TrainedRun {
    public struct Neighbour: Codable, Sendable, Equatable {
        public var rank: Int
        public var item: String
        /// Cosine similarity of the two items' vectors, in [−1, 1].
        public var similarity: Float
    }

    /// The `k` items most similar to `item`, itself excluded; equal similarities go to the smaller id.
    public func similar(to item: String, k: Int) throws -> [Neighbour] {
        let target = try itemIndex(item)
        let cosine = cosines(to: target)
        let n = cosine.count
        let ids = allItemIds
        let order = (0..<n).filter { $0 != target && ids[$0] != item }.sorted {
            cosine[$0] != cosine[$1] ? cosine[$0] > cosine[$1] : ids[$0] < ids[$1]
        }
        return order.prefix(max(0, k)).enumerated().map { Neighbour(rank: $0.offset + 1, item: ids[$0.element], similarity: cosine[$0.element]) }
    }

    /// Cosine similarity of every item's vector to item `target`'s (0 for a zero vector).
    func cosines(to target: Int) -> [Float] {
        let vectors = itemVectors
        let n = vectors.shape[0], d = vectors.shape[1]
        var cosine = [Float](repeating: 0, count: n)
        vectors.storage.withUnsafeBufferPointer { v in
            func norm(_ i: Int) -> Float {
                var s: Float = 0
                for j in 0..<d { s += v[i * d + j] * v[i * d + j] }
                return s.squareRoot()
            }
            let targetNorm = norm(target)
            for i in 0..<n {
                var dot: Float = 0
                for j in 0..<d { dot += v[i * d + j] * v[target * d + j] }
                let denominator = norm(i) * targetNorm
                cosine[i] = denominator > 0 ? dot / denominator : 0
            }
        }
        return cosine
    }
}
