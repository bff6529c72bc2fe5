import Foundation
import Recommender
import TensorCore

/// `predict --explain`: what a prediction rests on.
extension TrainedRun {
    public struct Explanation: Codable, Sendable {
        /// The prediction with a modality left out (its learned missing vector in its place).
        public struct ModalityEffect: Codable, Sendable {
            public var modality: String
            public var prediction: Float
            /// prediction − masked prediction: how much this modality raised (or lowered) the score.
            public var contribution: Float
        }

        /// One of the user's rated items, by cosine similarity of its vector to the item's.
        public struct RatedNeighbour: Codable, Sendable {
            public var item: String
            public var rating: Float
            public var similarity: Float
        }

        public var prediction: Float
        public var modalities: [ModalityEffect]
        public var nearestRated: [RatedNeighbour]

        enum CodingKeys: String, CodingKey { case prediction, modalities, nearestRated = "nearest_rated" }
    }

    /// The prediction of `user` for `item`, its change when each modality is masked for this
    /// pair, and the `neighbours` items the user rated whose vectors lie nearest the item's.
    public func explain(user: String, item: String, neighbours: Int = 3) throws -> Explanation {
        let i = try itemIndex(item)
        guard !isAdded(i) else {
            throw PipelineError(what: "cannot explain '\(item)': it was added after training (the item store)",
                                hint: "predict without --explain scores it")
        }
        let u = userPositions[user]
        let full = scores(userIndex: u, items: [i])[0]
        let effects = model.itemEncoders.enumerated().filter { model.isModality[$0.offset] }.map { _, encoder in
            let masked = scores(userIndex: u, items: [i], itemVectors: model.itemVectors(masked: [encoder.name]))[0]
            return Explanation.ModalityEffect(modality: encoder.name, prediction: masked, contribution: full - masked)
        }
        var rated: [Explanation.RatedNeighbour] = []
        if let u {
            let cosine = cosines(to: i)
            for r in 0..<set.count where Int(set.users[r]) == u && split.parts[r] == .train && Int(set.items[r]) != i {
                rated.append(.init(item: set.itemIds[Int(set.items[r])], rating: set.ratings[r], similarity: cosine[Int(set.items[r])]))
            }
            rated.sort { $0.similarity != $1.similarity ? $0.similarity > $1.similarity : $0.item < $1.item }
        }
        return Explanation(prediction: full, modalities: effects, nearestRated: Array(rated.prefix(neighbours)))
    }
}
