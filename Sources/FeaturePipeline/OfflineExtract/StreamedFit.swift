import Foundation
import Recommender
import TensorCore
import TextFeatures

/// What `pipeline extract` learns from the whole catalog before it embeds any item, in passes
/// over the items file that keep only counts: the ids, the item fields' scalers and
/// vocabularies, the text vocabulary and idf, and the audio scaler, each fitted only when not
/// given (a trained model brings its own). The states equal those of fitting on the whole
/// catalog at once, so streamed extraction writes the same bytes.
struct StreamedFit {
    var ids: [String] = []
    var columns: [String] = []
    /// Rows of the items file rejected as repeated ids, for later passes to replay.
    var duplicateRows: [Int] = []
    var fitted: ItemEncoderSet.Fitted
    var vectorizer: TextVectorizer?
    /// The sounds extracted to fit the audio scaler, for the embedding pass to read back.
    var audio: AudioSpill?

    /// Pass 1 reads the table alone (ids, item fields, text counts; a second table pass counts
    /// documents with unknown terms when the vocabulary has an unknown id); pass 2 extracts the
    /// sounds (through the item cache) to fit the audio scaler, and spills them for the embedding pass.
    init(spec: PipelineSpec, given: ItemEncoderSet.Fitted, threads: Int, context: ItemFeatureSet.Context, output: URL) throws {
        fitted = given
        let features = spec.features
        let itemsFile = spec.data.items.path.lastPathComponent
        var fields = given.itemFields == nil && !features.itemFields.isEmpty ? TabularState.Accumulator(fields: features.itemFields) : nil
        let textSpec = features.text
        var text = try textSpec.flatMap { t in given.text == nil ? try TextFitAccumulator(options: t.options, threads: threads) : nil }
        var chunks = ItemsFileChunks(data: spec.data)
        chunks.ensure = (textSpec?.options.fields.map(\.name) ?? []) + features.itemFields.map(\.name)

        let totals = try chunks.forEach { chunk, _ in
            if var accumulator = fields {
                let columns = accumulator.fields.map { chunk.columnIndex($0.name) }
                for item in 0..<chunk.count { accumulator.add { f in columns[f].flatMap { chunk.value(item: item, column: $0) } } }
                fields = accumulator
            }
            if let textSpec, text != nil { text!.add(try Self.fitDocuments(chunk, textSpec, itemsFile)) }
        }
        columns = totals.columns
        ids = totals.ids
        duplicateRows = totals.duplicateRows
        if let textSpec {  // the error of a text field no row has, listing every column
            let whole = Catalog(source: spec.data.items.path.path, ids: [], columns: columns, values: [], lines: [], invalidUTF8: [:])
            _ = try TextExtraction(spec: textSpec, threads: threads).documents(whole, itemsFile: itemsFile)
        }
        if let fields { fitted.itemFields = fields.state() }
        if let textSpec, var accumulator = text {
            try accumulator.chooseVocabulary()
            if accumulator.needsSecondPass {
                var again = ItemsFileChunks(data: spec.data)
                again.columns = columns
                again.duplicateRows = duplicateRows
                try again.forEach { chunk, _ in accumulator.countUnknown(try Self.fitDocuments(chunk, textSpec, itemsFile)) }
            }
            vectorizer = try accumulator.vectorizer()
            fitted.text = vectorizer?.fitted
        } else if let given = given.text {
            vectorizer = try TextVectorizer(fitted: given)
        }
        if features.audio != nil, given.audioScaler == nil {
            let spill = try AudioSpill(output: output)
            fitted.audioScaler = try Self.fitAudioScaler(spec, columns: columns, duplicateRows: duplicateRows, count: ids.count,
                                                         context: context, spill: spill)
            self.audio = spill
        }
    }

    /// The documents the vocabulary is fitted on: every item's but those rejected for invalid UTF-8.
    private static func fitDocuments(_ chunk: Catalog, _ spec: TextSpec, _ itemsFile: String) throws -> [TextDocument] {
        let (documents, rejected, _) = try TextExtraction(spec: spec, threads: 1).documents(chunk, itemsFile: itemsFile)
        return rejected.isEmpty ? documents : documents.indices.filter { !rejected.contains($0) }.map { documents[$0] }
    }

    /// Mean and deviation of the pooled audio features of every item that has them, in catalog order.
    private static func fitAudioScaler(_ spec: PipelineSpec, columns: [String], duplicateRows: [Int], count: Int,
                                       context: ItemFeatureSet.Context, spill: AudioSpill) throws -> FeatureScaler {
        var audioOnly = spec
        audioOnly.features.text = nil
        audioOnly.features.image = nil
        var context = context
        context.spec = audioOnly
        context.applyFailPolicy = false
        let task = context.progress.task("extract audio", total: count)
        context.tasks = ["audio": task]
        var chunks = ItemsFileChunks(data: spec.data)
        chunks.columns = columns
        chunks.duplicateRows = duplicateRows
        var accumulator: FeatureScaler.Accumulator?
        var extracted = 0, cached = 0, failed = 0
        try chunks.forEach { chunk, _ in
            let features = try ItemFeatureSet(chunk, context)
            guard let matrix = features.file["audio.features"]?.tensor(), let present = features.file["audio.present"]?.bytes else { return }
            if accumulator == nil { accumulator = .init(width: matrix.shape[1]) }
            let width = matrix.shape[1]
            matrix.withUnsafeBufferPointer { p in
                for r in present.indices where present[r] != 0 {
                    accumulator!.add(UnsafeBufferPointer(rebasing: p[(r * width)..<((r + 1) * width)]))
                }
            }
            try spill.append(matrix, present: present, failures: features.failures, ids: chunk.ids)
            let summary = features.modalities["audio"]
            extracted += summary?.extracted ?? 0
            cached += summary?.cached ?? 0
            failed += summary?.failed ?? 0
        }
        task.finish("\(extracted) extracted, \(cached) cached, \(failed) failed")
        return accumulator?.scaler() ?? FeatureScaler.Accumulator(width: 0).scaler()
    }
}
