import Foundation
import NeuralNet
import TensorCore

/// Fitted state of tabular fields: scalers of numeric fields and vocabularies of categorical and
/// multi-hot fields. Part of model.json, so prediction reproduces training.
public struct TabularState: Sendable, Codable, Equatable {
    public struct Numeric: Sendable, Codable, Equatable {
        public var mean: Double
        public var std: Double
    }

    public var fields: [TabularField]
    /// Per field: the scaler (numeric) or nil.
    public var scalers: [Numeric?]
    /// Per field: known values in id order; id 0 is the out-of-vocabulary value (categorical, multi_hot).
    public var vocabularies: [[String]]

    /// Fits on the rows `fitRows` of `column(field)` (the training entities).
    public static func fit(fields: [TabularField], column: (String) -> [String?], fitRows: [Int]) -> TabularState {
        var accumulator = Accumulator(fields: fields)
        let columns = fields.map { column($0.name) }
        for r in fitRows { accumulator.add { f in columns[f][r] } }
        return accumulator.state()
    }

    /// `fit` over entities that arrive one at a time (a catalog read as a stream): numeric values
    /// and category counts are kept, so the state is the same as `fit` on all the rows in order.
    public struct Accumulator: Sendable {
        public let fields: [TabularField]
        var numbers: [[Double]]
        var counts: [[String: Int]]

        public init(fields: [TabularField]) {
            self.fields = fields
            numbers = fields.map { _ in [] }
            counts = fields.map { _ in [:] }
        }

        /// Adds one entity; `value(f)` is its value of `fields[f]`.
        public mutating func add(_ value: (Int) -> String?) {
            for (f, field) in fields.enumerated() {
                switch field.kind {
                case .numeric:
                    if let x = value(f).flatMap({ numericValue($0, log: field.log) }) { numbers[f].append(x) }
                case .categorical, .multiHot:
                    for token in tokens(value(f), field) { counts[f][token, default: 0] += 1 }
                }
            }
        }

        public func state() -> TabularState {
            var scalers: [Numeric?] = []
            var vocabularies: [[String]] = []
            for (f, field) in fields.enumerated() {
                switch field.kind {
                case .numeric:
                    let xs = numbers[f]
                    let mean = xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count)
                    let variance = xs.isEmpty ? 1 : xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(xs.count)
                    scalers.append(Numeric(mean: mean, std: max(variance.squareRoot(), 1e-9)))
                    vocabularies.append([])
                case .categorical, .multiHot:
                    let known = counts[f].filter { $0.value >= field.minCount }.keys.sorted()
                    scalers.append(nil)
                    vocabularies.append(["<oov>"] + known)
                }
            }
            return TabularState(fields: fields, scalers: scalers, vocabularies: vocabularies)
        }
    }

    static func numericValue(_ text: String, log: Bool) -> Double? {
        guard let v = Double(text.trimmedSpaces), v.isFinite else { return nil }
        return log ? Foundation.log1p(max(v, 0)) : v
    }

    static func tokens(_ value: String?, _ field: TabularField) -> [String] {
        guard let value, !value.isEmpty else { return [] }
        if field.kind == .categorical { return [value.trimmedSpaces] }
        return value.components(separatedBy: field.separator).map { $0.trimmedSpaces }.filter { !$0.isEmpty }
    }
}

/// Tabular fields of every entity, encoded once: standardised numbers (missing → 0 plus a
/// missing flag) and, per categorical or multi-hot field, a bag of vocabulary ids (unknown values
/// → id 0, the out-of-vocabulary row). The encoder's output is
/// [numbers, flags, mean embedding of each field's bag] per entity.
public final class TabularEncoder: FeatureEncoder {
    public let name: String
    public let state: TabularState
    /// (entities, numeric fields × 2): standardised values then missing flags.
    let numeric: Tensor
    /// Per categorical/multi-hot field: per entity the ids of its values.
    let bags: [[[Int]]]
    let embeddings: [EmbeddingBag]
    private var cachedIndices: [Int] = []

    /// - Parameter column: the values of a field for every entity (index-aligned).
    public init(name: String, state: TabularState, entityCount: Int, column: (String) -> [String?],
                rng: inout SeededGenerator) {
        self.name = name
        self.state = state
        let numericFields = state.fields.indices.filter { state.fields[$0].kind == .numeric }
        var numbers = Tensor(shape: [entityCount, numericFields.count * 2])
        for (k, f) in numericFields.enumerated() {
            let values = column(state.fields[f].name)
            let scaler = state.scalers[f]!
            for e in 0..<entityCount {
                if let v = values[e].flatMap({ TabularState.numericValue($0, log: state.fields[f].log) }) {
                    numbers[e, k] = Float((v - scaler.mean) / scaler.std)
                } else {
                    numbers[e, numericFields.count + k] = 1
                }
            }
        }
        numeric = numbers
        var bags: [[[Int]]] = []
        var embeddings: [EmbeddingBag] = []
        for (f, field) in state.fields.enumerated() where field.kind != .numeric {
            let vocabulary = Dictionary(uniqueKeysWithValues: state.vocabularies[f].enumerated().map { ($1, $0) })
            let values = column(field.name)
            bags.append((0..<entityCount).map { e in
                let ids = TabularState.tokens(values[e], field).map { vocabulary[$0] ?? 0 }
                return ids.isEmpty ? [0] : ids
            })
            embeddings.append(EmbeddingBag(count: state.vocabularies[f].count, dimension: field.embedding, mode: .mean,
                                           std: 0.1, name: "\(name).\(field.name)", rng: &rng))
        }
        self.bags = bags
        self.embeddings = embeddings
    }

    public var outputDimension: Int { numeric.shape[1] + embeddings.reduce(0) { $0 + $1.dimension } }
    public var parameters: [Parameter] { embeddings.flatMap(\.parameters) }
    public func isPresent(_ index: Int) -> Bool { true }

    public func forward(_ indices: [Int]) -> Tensor {
        cachedIndices = indices
        return encode(indices) { layer, bags in layer.forward(bags) }
    }

    public func infer(_ indices: [Int]) -> Tensor { encode(indices) { layer, bags in layer.infer(bags) } }

    public func backward(_ gradOutput: Tensor) {
        var column = numeric.shape[1]
        for layer in embeddings {
            layer.backward(columns(gradOutput, from: column, width: layer.dimension))
            column += layer.dimension
        }
    }

    /// The encoding of an entity whose values are all unknown: numbers 0 with their missing flags
    /// set, every field's out-of-vocabulary row. (1, outputDimension).
    public func inferUnknown() -> Tensor {
        let k = numeric.shape[1] / 2
        var parts = [Tensor(shape: [1, 2 * k], storage: [Float](repeating: 0, count: k) + [Float](repeating: 1, count: k))]
        for layer in embeddings { parts.append(layer.infer(Bags([[0]]))) }
        return concatenateColumns(parts)
    }

    /// The encoder's fixed inputs for every entity, for export: "numeric" (entities, 2k) and, per
    /// categorical or multi-hot field, "<field>.offsets" and "<field>.ids" (CSR, as float32).
    public func exportedInputs() -> [(String, Tensor)] {
        var result = [("numeric", numeric)]
        var k = 0
        for field in state.fields where field.kind != .numeric {
            var offsets: [Float] = [0], ids: [Float] = []
            for bag in bags[k] {
                ids += bag.map(Float.init)
                offsets.append(Float(ids.count))
            }
            result.append(("\(field.name).offsets", Tensor(shape: [offsets.count], storage: offsets)))
            result.append(("\(field.name).ids", Tensor(shape: [ids.count], storage: ids)))
            k += 1
        }
        return result
    }

    private func encode(_ indices: [Int], _ pool: (EmbeddingBag, Bags) -> Tensor) -> Tensor {
        var parts = [gather(numeric, indices)]
        for (k, layer) in embeddings.enumerated() {
            parts.append(pool(layer, Bags(indices.map { bags[k][$0] })))
        }
        return concatenateColumns(parts)
    }
}

