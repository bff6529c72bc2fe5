import Foundation

/// `pipeline fit`: everything extraction learns from the whole catalog, fitted once and written
/// as a fit folder (`FitArtifact`): the item fields' scalers and vocabularies, the modalities'
/// fitted states (text vocabulary and idf) and the states fitted on extracted features (audio's
/// scaler). The passes are those of an unsharded `pipeline extract` (`StreamedFit`), so shards
/// extracted with the folder write the bytes the unsharded extract writes.
public struct CatalogFit {
    public var spec: PipelineSpec
    public var output: URL
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    public var quiet = false

    public init(spec: PipelineSpec, output: URL) {
        self.spec = spec
        self.output = output
    }

    public struct Summary: Sendable {
        public var items: Int
        /// The fitted parts: `item_fields` and each modality with a state.
        public var fitted: [String]
        public var fitHash: String
    }

    public func execute() throws -> Summary {
        let progress = ProgressReporter.automatic(quiet: quiet)
        let engine = ExtractionEngine(spec: spec, context: ExtractionContext(
            spec: spec, threads: threads, cache: ItemCache(root: output.appendingPathComponent("cache")), progress: progress))
        var chunks = ItemsFileChunks(data: spec.data)
        let fit = try StreamedFit(spec: spec, given: ItemEncoderSet.Fitted(), engine: engine, chunks: &chunks, output: output)
        try FitArtifact.write(fit.fitted, items: fit.items, spec: spec, to: output)
        let manifest = try FitArtifact.read(output, for: spec).manifest
        let names = (fit.fitted.itemFields == nil ? [] : ["item_fields"]) + spec.features.modalityNames.filter { fit.fitted.states[$0] != nil }
        return Summary(items: fit.items, fitted: names, fitHash: manifest.statesHash)
    }
}
