import Foundation
import Recommender
import TensorCore

/// What `pipeline extract` learns from the whole catalog before it embeds any item, in passes
/// over the items file that keep only counts: the ids, the item fields' scalers and
/// vocabularies, and each modality's state (the engine's `fitStates` and `fitOnFeatures`), each
/// fitted only when not given (a trained model brings its own). The states equal those of
/// fitting on the whole catalog at once, so streamed extraction writes the same bytes.
///
/// A shard (`chunks.keeps` set) fits nothing on the catalog (`ExtractionSource` sees to it) and
/// needs no ids: its one pass learns which rows are items with the ids sorted on disk
/// (`ItemsFileChunks.learnRows`), so that its memory does not grow with the catalog.
struct StreamedFit {
    /// The item ids in catalog order (empty for a shard).
    var ids: [String] = []
    /// The catalog's items, and those the shard holds (all of them without a shard).
    var items = 0
    var keptItems = 0
    var fitted: ItemEncoderSet.Fitted
    /// Outputs of the modalities extracted to fit their states, for the embedding pass to read back.
    var spill: FeatureSpill?

    init(spec: PipelineSpec, given: ItemEncoderSet.Fitted, engine: ExtractionEngine, chunks: inout ItemsFileChunks,
         output: URL) throws {
        fitted = given
        let features = spec.features
        var fields = given.itemFields == nil && !features.itemFields.isEmpty ? TabularState.Accumulator(fields: features.itemFields) : nil
        chunks.ensure = features.modalities.flatMap { $0.columns.map(\.name) } + features.itemFields.map(\.name)
        if chunks.keeps != nil {
            precondition(fields == nil, "a shard fitting the item fields on its own items")
            try chunks.learnRows(sortingIn: output)
            try engine.checkColumns(chunks.columns ?? [])
        } else {
            fitted.states = try engine.fitStates(&chunks, fit: { _ in true }, given: given.states) { chunk, _ in
                guard var accumulator = fields else { return }
                let columns = accumulator.fields.map { chunk.columnIndex($0.name) }
                for item in 0..<chunk.count { accumulator.add { f in columns[f].flatMap { chunk.value(item: item, column: $0) } } }
                fields = accumulator
            }
        }
        (ids, items, keptItems) = (chunks.ids, chunks.items ?? 0, chunks.keptItems ?? 0)
        if let fields { fitted.itemFields = fields.state() }
        if let (states, spill) = try engine.fitOnFeatures(&chunks, items: keptItems, given: given.states, spillingTo: output) {
            fitted.states.merge(states) { a, _ in a }
            self.spill = spill
        }
    }
}
