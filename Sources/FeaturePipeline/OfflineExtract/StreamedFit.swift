import Foundation
import Recommender
import TensorCore

/// What `pipeline extract` learns from the whole catalog before it embeds any item, in passes
/// over the items file that keep only counts: the ids, the item fields' scalers and
/// vocabularies, and each modality's state (the engine's `fitStates` and `fitOnFeatures`), each
/// fitted only when not given (a trained model brings its own). The states equal those of
/// fitting on the whole catalog at once, so streamed extraction writes the same bytes.
struct StreamedFit {
    var ids: [String] = []
    var fitted: ItemEncoderSet.Fitted
    /// Outputs of the modalities extracted to fit their states, for the embedding pass to read back.
    var spill: FeatureSpill?

    init(spec: PipelineSpec, given: ItemEncoderSet.Fitted, engine: ExtractionEngine, chunks: inout ItemsFileChunks,
         output: URL) throws {
        fitted = given
        let features = spec.features
        var fields = given.itemFields == nil && !features.itemFields.isEmpty ? TabularState.Accumulator(fields: features.itemFields) : nil
        chunks.ensure = features.modalities.flatMap { $0.columns.map(\.name) } + features.itemFields.map(\.name)
        fitted.states = try engine.fitStates(&chunks, fit: { _ in true }, given: given.states) { chunk, _ in
            guard var accumulator = fields else { return }
            let columns = accumulator.fields.map { chunk.columnIndex($0.name) }
            for item in 0..<chunk.count { accumulator.add { f in columns[f].flatMap { chunk.value(item: item, column: $0) } } }
            fields = accumulator
        }
        ids = chunks.ids
        if let fields { fitted.itemFields = fields.state() }
        if let (states, spill) = try engine.fitOnFeatures(&chunks, items: ids.count, given: given.states, spillingTo: output) {
            fitted.states.merge(states) { a, _ in a }
            self.spill = spill
        }
    }
}
