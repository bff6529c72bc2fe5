import Foundation
import NeuralNet
import Recommender
import TensorCore

/// The fused rating model of the training benchmarks (Recommender.FusionModel) on generated
/// data, stepped exactly as Recommender.Trainer steps it: zeroGrad, forward(users:items:ratings:rng:),
/// MSE gradient, backward, regularizeTouchedRows, Adam (lazy on the tables, the SparseAdam form).
///
/// Model: user and item ids (32-d) + text bag (32-d, weighted sum over TF-IDF-like bags) + a
/// multi-hot genres field (8-d mean bag) → item and user towers (32) → μ + biases + ⟨w, v⟩ +
/// MLP 96-128-64-1; with `history`, also the mean-pooled history and the user statistics (the
/// defaults of `pipeline run`). Dropouts are off, so the PyTorch mirror computes the same thing.
public final class FusionWorkload: @unchecked Sendable {
    public let data: FusionData
    public let set: RatingSet
    public let behavior: UserBehavior
    public let genreState: TabularState
    public let model: FusionModel
    let optimizer: Adam
    let lambda = Float(TrainOptions().embeddingRegularization)
    public let batchSize = 256
    /// Batch b is rows order[256 b ..< 256 (b + 1)].
    public let batches: [[Int]]

    public init(users: Int, items: Int, ratings: Int, vocabulary: Int = 20_000, history: Bool) {
        data = FusionData(users: users, items: items, ratings: ratings, vocabulary: vocabulary, genres: 20, seed: 11)
        set = data.set
        var options = ModelOptions()
        options.hidden = [128, 64]
        options.dropout = 0
        options.modalityDropout = 0
        options.itemIdDropout = 0
        options.userIdDropout = 0
        options.historyPooling = history ? .mean : .none
        options.userStatistics = history
        behavior = UserBehavior(set: set, trainRows: Array(0..<set.count), maxItems: options.historyMaxItems)
        var rng = SeededGenerator(seed: 3, stream: "encoders")
        var field = TabularField(name: "genres", kind: .multiHot)
        field.embedding = 8
        let genres = data.genres
        let column = { (_: String) -> [String?] in genres }
        genreState = TabularState.fit(fields: [field], column: column, fitRows: Array(0..<data.itemCount))
        let genreEncoder = TabularEncoder(name: "item_fields", state: genreState, entityCount: data.itemCount, column: column, rng: &rng)
        let text = BagEncoder(name: "text", offsets: data.textOffsets.map(Int.init), ids: data.textIds.map(Int.init),
                              weights: data.textWeights, vocabularySize: data.vocabulary, outputDimension: 32, rng: &rng)
        let mean = set.ratings.reduce(0, +) / Float(set.count)
        model = FusionModel(options: options, behavior: behavior, globalMean: mean, itemEncoders: [genreEncoder, text],
                            isModality: [false, true], userEncoder: nil, seed: 3)
        optimizer = Adam(parameters: model.parameters, learningRate: 0.002)
        let order = data.order
        batches = stride(from: 0, to: order.count - 255, by: 256).map { start in order[start..<(start + 256)].map(Int.init) }
    }

    /// One training step on batch `b` (cycled); returns the batch's mean squared error.
    @discardableResult
    public func step(_ b: Int) -> Double {
        let rows = batches[b % batches.count]
        let users = rows.map { Int(set.users[$0]) }, items = rows.map { Int(set.items[$0]) }
        let ratings = rows.map { set.ratings[$0] }
        optimizer.zeroGrad()
        var rng = SeededGenerator(seed: 5, stream: "batch-0-\(b)")
        let predictions = model.forward(users: users, items: items, ratings: ratings, rng: &rng)
        var gradient = [Float](repeating: 0, count: rows.count)
        var loss = 0.0
        let scale = 2 / Float(rows.count)
        for k in 0..<rows.count {
            let e = predictions[k] - ratings[k]
            gradient[k] = scale * e
            loss += Double(e * e)
        }
        model.backward(gradient)
        model.regularizeTouchedRows(lambda)
        optimizer.step()
        return loss / Double(rows.count)
    }

    /// Writes what the PyTorch peer reads: the data, the genre bags as the encoder maps them
    /// (vocabulary ids, 0 = out of vocabulary), each user's history and statistics.
    public func writePeerFiles(to dir: URL) throws {
        let vocabulary = Dictionary(uniqueKeysWithValues: genreState.vocabularies[0].enumerated().map { ($1, Int32($0)) })
        var offsets: [Int32] = [0], ids: [Int32] = []
        for g in data.genres {
            ids += g.split(separator: "|").map { vocabulary[String($0)] ?? 0 }
            offsets.append(Int32(ids.count))
        }
        try data.write(to: dir, genreIds: (offsets, ids))
        func int32(_ name: String, _ values: [Int32]) throws {
            try NumpyFile.encode(int32: values, shape: [values.count]).write(to: dir.appendingPathComponent("\(name).npy"))
        }
        try int32("history_offsets", behavior.history.reduce(into: [Int32(0)]) { $0.append($0.last! + Int32($1.count)) })
        try int32("history_ids", behavior.history.flatMap { $0.map(Int32.init) })
        try int32("user_count", behavior.ratingCount.map(Int32.init))
        try NumpyFile.write(Tensor(shape: [data.userCount], storage: behavior.meanRating), to: dir.appendingPathComponent("user_mean.npy"))
    }
}
