import Foundation

/// Where `pipeline extract`'s encoders come from: a trained run (`--model`), a fit folder
/// (`--fit`), or the frozen extractors fitted on the catalog itself; and the fit hash a sharded
/// extract's parts carry, so that `pipeline merge` joins only parts embedded alike.
struct ExtractionSource {
    var trained: TrainedRun?
    /// The features and model section used: the run's with `--model`, this file's otherwise; the
    /// catalog is always this file's.
    var spec: PipelineSpec
    var given = ItemEncoderSet.Fitted()
    /// `run:<manifest sha256>`, `fit:<states.json sha256>`, or `none` (nothing fitted).
    var fitHash = "none"

    var kind: String { trained == nil ? "frozen-extractors" : "trained-model" }

    init(spec: PipelineSpec, run: URL?, fit: URL?, shard: Shard?) throws {
        self.spec = spec
        if run != nil && fit != nil {
            throw PipelineError(what: "--model and --fit are both given", hint: "a trained run brings its own fitted states; give one of them")
        }
        do {
            trained = try run.map { try TrainedRun(directory: $0, modalities: spec.features.registry) }
        } catch {
            try ItemsFileChunks(data: spec.data).forEach { _, _ in }  // a broken catalog is reported first
            throw error
        }
        if let trained {
            if let note = trained.stateNote { Terminal.writeError("note: \(note)\n") }
            self.spec = trained.spec
            self.spec.data = spec.data  // the run's features and model, this file's catalog
            given = trained.description.fitted(self.spec)
            fitHash = "run:" + trained.manifestSHA256
        } else if let fit {
            let artifact = try FitArtifact.read(fit, for: spec)
            given = artifact.fitted
            fitHash = "fit:" + artifact.manifest.statesHash
        } else if let shard, let needs = try Self.wholeCatalogNeed(spec) {
            throw PipelineError(what: "shard \(shard) cannot fit \(needs) alone: it needs the whole catalog",
                                hint: "run `pipeline fit \(spec.file.path) --output FIT` once, then extract each shard with --fit FIT")
        }
    }

    /// What the frozen extractors fit on the whole catalog (item fields, a modality's fitter or
    /// feature fitter), nil when nothing: then every shard computes the same without a fit.
    static func wholeCatalogNeed(_ spec: PipelineSpec) throws -> String? {
        if !spec.features.itemFields.isEmpty { return "the item fields' scalers and vocabularies" }
        for m in spec.features.modalities {
            if try m.makeFitter(threads: 1) != nil || m.makeFeatureFitter() != nil { return "the \(m.name) state" }
        }
        return nil
    }
}
