import Foundation
import NeuralNet
import TensorCore

/// Evaluation-mode passes: item and user vectors for everything, then cheap pair scoring.
extension FusionModel {
    static let chunk = 2048

    /// Fused item vectors v_i of every item, (itemCount, itemDim); `masked` modalities are
    /// replaced by their missing vectors (modality ablation). `forRanking`: the ranking's ṽ_i.
    public func itemVectors(masked: Set<String> = [], forRanking: Bool = false) -> Tensor {
        let tower = forRanking ? retrievalItemTower : itemTower
        let dimension = tower.outFeatures
        var out = Tensor(shape: [itemCount, dimension])
        for start in stride(from: 0, to: itemCount, by: Self.chunk) {
            let items = Array(start..<min(itemCount, start + Self.chunk))
            let inputs = itemInputs(items, mode: .inference(masked: masked))
            let v = tower.infer(inputs.x)
            out.storage.replaceSubrange((start * dimension)..<((start + items.count) * dimension), with: v.storage)
        }
        return out
    }

    /// Fused item vectors of another catalog's items, (count, itemDim): `encoders` mirror
    /// `itemEncoders` (same names and widths, this model's trained weights) but encode that
    /// catalog; `idRows[i]` is item i's row in the id embedding (`unknownItemRow` for items this
    /// model never saw). Used by `pipeline extract --model`, with `fullBatch`: every product of
    /// the item tower then runs on a whole chunk of rows (short ones padded with their last item,
    /// encoders wrapped in `FullBatchEncoder`), so an item's vector does not depend on its chunk.
    public func itemVectors(encoders: [any FeatureEncoder], idRows: [Int], forRanking: Bool = false,
                            fullBatch: Bool = false) -> Tensor {
        precondition(encoders.map(\.name) == itemEncoders.map(\.name), "itemVectors: encoders \(encoders.map(\.name)) do not mirror \(itemEncoders.map(\.name))")
        let count = idRows.count
        let tower = forRanking ? retrievalItemTower : itemTower
        let dimension = tower.outFeatures
        var out = Tensor(shape: [count, dimension])
        let foreign = ForeignItems(encoders: encoders, idRows: idRows)
        for start in stride(from: 0, to: count, by: Self.chunk) {
            let items = Array(start..<min(count, start + Self.chunk))
            let padded = fullBatch ? items + Array(repeating: items[items.count - 1], count: Self.chunk - items.count) : items
            let v = tower.infer(itemInputs(padded, mode: .inference(masked: []), foreign: foreign).x)
            out.storage.replaceSubrange((start * dimension)..<((start + items.count) * dimension),
                                        with: v.storage[0..<(items.count * dimension)])
        }
        return out
    }

    /// The id-embedding row of items the model has no ratings for.
    public var unknownItemRow: Int { itemCount }

    /// The id-embedding row of this model's item `index` (the unknown row if train never saw it).
    public func idRow(ofItem index: Int) -> Int { itemRow(index) }

    /// Each modality encoder's output for every item (missing items get the missing vector), for export.
    public func modalityVectors() -> [(name: String, vectors: Tensor)] {
        let inputs = itemInputs(Array(0..<itemCount), mode: .inference(masked: []))
        var column = 0
        var result: [(String, Tensor)] = []
        for (k, encoder) in itemEncoders.enumerated() {
            if isModality[k] { result.append((encoder.name, columns(inputs.x, from: column, width: encoder.outputDimension))) }
            column += encoder.outputDimension + (isModality[k] ? 1 : 0)
        }
        return result
    }

    /// User vectors w_u of every user from their whole train history, (userCount, itemDim);
    /// `forRanking`: the ranking's w̃_u (the unknown id row for everyone, its own tower if any).
    public func userVectors(forRanking: Bool = false) -> Tensor {
        let tower = forRanking ? retrievalUserTower : userTower
        let dimension = tower.outFeatures
        var out = Tensor(shape: [userCount, dimension])
        for start in stride(from: 0, to: userCount, by: Self.chunk) {
            let users = Array(start..<min(userCount, start + Self.chunk))
            let inputs = userInputs(users: users, targets: nil, mode: .inference(masked: []), withoutIds: forRanking)
            let w = tower.infer(inputs.x)
            out.storage.replaceSubrange((start * dimension)..<((start + users.count) * dimension), with: w.storage)
        }
        return out
    }

    /// The user vector of a user the run never saw: unknown id, no history, no statistics, unknown
    /// field values. (1, itemDim). `forRanking`: through the ranking's tower.
    public func coldUserVector(forRanking: Bool = false) -> Tensor {
        userVector(history: [], ratings: [], forRanking: forRanking)
    }

    /// Predicted (normalised) ratings for pairs, from precomputed vectors (`Scorer.score`).
    public func score(users: [Int], items: [Int], userVectors: Tensor, itemVectors: Tensor, coldUser: Bool = false) -> [Float] {
        scorer().score(users: users, items: items, userVectors: userVectors, itemVectors: itemVectors, coldUser: coldUser)
    }
}

/// The fused model as a `RatingPredictor`: vectors computed once, normalisation undone,
/// predictions clipped to the train rating range.
public struct FusedPredictor: RatingPredictor {
    public let name: String
    let scorer: FusionModel.Scorer
    let normalizer: RatingNormalizer
    let userVectors: Tensor
    let itemVectors: Tensor
    let range: ClosedRange<Float>

    public init(model: FusionModel, normalizer: RatingNormalizer, range: ClosedRange<Float>,
                masked: Set<String> = [], name: String = "fused") {
        self.init(model: model, normalizer: normalizer, range: range, userVectors: model.userVectors(),
                  itemVectors: model.itemVectors(masked: masked), name: name)
    }

    /// With vectors already computed.
    public init(model: FusionModel, normalizer: RatingNormalizer, range: ClosedRange<Float>, userVectors: Tensor,
                itemVectors: Tensor, name: String = "fused") {
        self.name = name
        scorer = model.scorer()
        self.normalizer = normalizer
        self.range = range
        self.userVectors = userVectors
        self.itemVectors = itemVectors
    }

    public func predict(users: [Int32], items: [Int32]) -> [Float] {
        let us = users.map(Int.init), its = items.map(Int.init)
        let raw = scorer.score(users: us, items: its, userVectors: userVectors, itemVectors: itemVectors)
        return zip(us, raw).map { u, p in min(max(normalizer.denormalize(p, user: u), range.lowerBound), range.upperBound) }
    }

}

extension FusionModel {
    /// The user vector of someone the model never saw, described by ratings: the unknown id row,
    /// `items` (this model's item indices) as the history with their `ratings` (in the model's
    /// rating units), statistics from those ratings, unknown field values. (1, itemDim).
    /// `forRanking`: through the ranking's tower. With no items it is `coldUserVector`.
    public func userVector(history items: [Int], ratings: [Float], forRanking: Bool = false) -> Tensor {
        precondition(items.count == ratings.count, "userVector: \(items.count) items, \(ratings.count) ratings")
        let n = items.count
        let mean = n > 0 ? ratings.reduce(0, +) / Float(n) : 0
        var parts: [Tensor] = []
        if let embedding = userEmbedding { parts.append(embedding.infer([userCount])) }
        if let history {
            let weights = options.historyPooling == .ratingWeighted ? ratings.map { ($0 - mean) / Float(max(n, 1)) } : nil
            parts.append(history.infer(Bags(offsets: [0, n], indices: items, weights: weights)))
        }
        if options.userStatistics {
            let count = n > 0 ? Float(Foundation.log1p(Double(n))) / max(behavior.countScale, 1e-6) : 0
            parts.append(Tensor(shape: [1, 2], storage: [count, n > 0 ? mean - behavior.globalMean : 0]))
        }
        if let encoder = userEncoder {
            parts.append((encoder as? TabularEncoder)?.inferUnknown() ?? Tensor(shape: [1, encoder.outputDimension]))
        }
        return (forRanking ? retrievalUserTower : userTower).infer(parts.isEmpty ? Tensor(shape: [1, 1]) : concatenateColumns(parts))
    }
}

extension FusionModel {
    /// Predicted (normalised) ratings of one user for items of another catalog (`Scorer.score`).
    public func score(userVector: Tensor, userIndex: Int?, itemVectors: Tensor, idRows: [Int]) -> [Float] {
        scorer().score(userVector: userVector, userIndex: userIndex, itemVectors: itemVectors, idRows: idRows)
    }

    /// The ranking head's scores of one user for items of another catalog (`Scorer.rankingScores`).
    public func rankingScores(userVector: Tensor, itemVectors: Tensor, idRows: [Int]) -> [Float] {
        scorer().rankingScores(userVector: userVector, itemVectors: itemVectors, idRows: idRows)
    }
}
