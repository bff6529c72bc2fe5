import AudioFeatures
import Foundation
import Recommender
import TensorCore

/// Sound: each item's clip decoded, resampled, framed into spectral features and pooled over
/// time (`audio.features`, `audio.present`); the item tower standardises them (a scaler fitted
/// on the fit items) and projects them.
struct AudioModality: ItemModality {
    var spec: AudioSpec

    static let name = "audio"
    static let summary = "Sound of each item: decoded with libsndfile, resampled, framed spectral features pooled over time (off when absent)."
    static func read(_ r: MappingReader) -> AudioModality { AudioModality(spec: AudioSpec.read(r)) }
    static var state: (key: String, type: any ModalityState.Type)? { ("audio_scaler", FeatureScaler.self) }

    var onError: OnError { spec.onError }
    var inputNoun: String { "a sound" }
    var columns: [(name: String, role: String, key: String)] { [(spec.field, "audio path", "features.audio.field")] }
    var mediaColumn: String? { spec.field }
    var requiredTensors: [String] { ["features", "present"] }
    func makeFeatureFitter() -> (any FeatureFitter)? { ScalerFitter() }

    /// The extractor (mel filters, FFT plans), built once for every chunk.
    func prepare(_ state: (any ModalityState)?) throws -> (any Sendable)? { try AudioFeatureExtractor(options: spec.options) }

    func extract(_ chunk: Catalog, prepared: (any Sendable)?, _ context: ExtractionContext) throws -> ModalityOutput {
        let extractor = prepared as! AudioFeatureExtractor
        let result = MediaExtraction(modality: Self.name, column: spec.field, maxBytes: spec.options.maxBytes, context)
            .run(chunk) { bytes, name in FloatBytes.encode(try extractor.extract(bytes: bytes, name: name)) }
        let width = extractor.outputDimension
        var matrix = Tensor(shape: [chunk.count, width])
        for (i, d) in result.features.enumerated() {
            guard let d else { continue }
            matrix.storage.replaceSubrange((i * width)..<((i + 1) * width), with: FloatBytes.decode(d))
        }
        return ModalityOutput(entries: [.init(name: "audio.features", tensor: matrix), result.presence(name: "audio.present")],
                              failures: result.failures, summary: result.summary(items: chunk.count))
    }

    func encoder(_ tensors: ModalityTensors, count: Int, state: (any ModalityState)?, fitItems: [Int],
                 rng: inout SeededGenerator) throws -> (encoder: any FeatureEncoder, state: (any ModalityState)?) {
        let matrix = tensors["features"]!.tensor()
        let present = tensors.present!
        let scaler = (state as? FeatureScaler) ?? FeatureScaler.fit(matrix, rows: fitItems.filter { present[$0] })
        let encoder = ProjectionEncoder(name: Self.name, features: scaler.apply(matrix), present: present,
                                        outputDimension: spec.dim, rng: &rng)
        return (encoder, scaler)
    }
}

extension FeatureScaler: ModalityState {}

/// The audio scaler over every item that has features, rows added in catalog order: the same
/// sums as `FeatureScaler.fit` over them at once.
struct ScalerFitter: FeatureFitter {
    var accumulator: FeatureScaler.Accumulator?

    mutating func add(_ tensors: ModalityTensors) {
        guard let matrix = tensors["features"]?.tensor(), let present = tensors["present"]?.bytes else { return }
        let width = matrix.shape[1]
        if accumulator == nil { accumulator = .init(width: width) }
        matrix.withUnsafeBufferPointer { p in
            for r in present.indices where present[r] != 0 {
                accumulator!.add(UnsafeBufferPointer(rebasing: p[(r * width)..<((r + 1) * width)]))
            }
        }
    }

    func state() -> any ModalityState { (accumulator ?? FeatureScaler.Accumulator(width: 0)).scaler() }
}
