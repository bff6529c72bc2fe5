import Foundation
import TensorCore

/// Extracts every configured modality of a catalog, chunk by chunk: the one extraction path of
/// `pipeline run`'s extract stage (one chunk: the catalog in memory) and of `pipeline extract`
/// (the items file streamed in chunks).
///
/// 1. `fitStates`: modalities with a fitter (text) learn their state from the fit items, in as
///    many passes over the chunks as they ask for; states already given (a trained model's) are kept.
/// 2. `fitOnFeatures` (streamed catalogs only): modalities whose encoder fits on extracted features
///    (audio's scaler) are extracted in a pass of their own, their outputs spilled for step 3.
/// 3. `extract`: each chunk's features, handed to `body` in order; `on_error: fail` stops at the
///    first bad input in catalog order.
struct ExtractionEngine {
    let modalities: [any ItemModality]
    var context: ExtractionContext

    init(spec: PipelineSpec, context: ExtractionContext) {
        modalities = spec.features.modalities
        self.context = context
    }

    /// The state of every modality that has a fitter: given, or fitted on the items `fit` admits
    /// (catalog-wide indices). `firstPass` sees every chunk of the first pass too.
    func fitStates(_ source: inout some ItemChunkSource, fit: (Int) -> Bool, given: [String: any ModalityState],
                   firstPass: (Catalog, Int) throws -> Void = { _, _ in }) throws -> [String: any ModalityState] {
        var states = given
        var fitters: [(String, any ModalityFitter)] = try modalities.compactMap { m in
            guard given[m.name] == nil, let fitter = try m.makeFitter(threads: context.threads) else { return nil }
            return (m.name, fitter)
        }
        var first = true
        while first || !fitters.isEmpty {
            try source.pass { chunk, offset in
                if first { try firstPass(chunk, offset) }
                guard !fitters.isEmpty else { return }
                let rows = (0..<chunk.count).filter { fit(offset + $0) }
                for k in fitters.indices { try fitters[k].1.add(chunk, fit: rows, itemsFile: context.itemsFile) }
            }
            if first { try checkColumns(source.columns ?? []) }
            first = false
            var again: [(String, any ModalityFitter)] = []
            for (name, var fitter) in fitters {
                if try fitter.endPass() { again.append((name, fitter)) } else { states[name] = try fitter.state() }
            }
            fitters = again
        }
        return states
    }

    /// Refuses a catalog without a column a modality reads, naming it.
    func checkColumns(_ columns: [String]) throws {
        for m in modalities { try m.checkColumns(columns, itemsFile: context.itemsFile) }
    }

    /// Extracts, in a pass of their own, the modalities whose encoder state is fitted on their
    /// features (unless given), fits those states on every item, and spills the outputs to a
    /// hidden file in `output`; nil (and no pass) when no modality needs it.
    func fitOnFeatures(_ source: inout some ItemChunkSource, items: Int, given: [String: any ModalityState],
                       spillingTo output: URL) throws -> (states: [String: any ModalityState], spill: FeatureSpill)? {
        let pending = modalities.filter { $0.makeFeatureFitter() != nil && given[$0.name] == nil }
        guard !pending.isEmpty else { return nil }
        let spill = try FeatureSpill(output: output)
        var context = self.context
        for m in pending { context.tasks[m.name] = context.progress.task("extract \(m.name)", total: items) }
        let prepared = try pending.map { try $0.prepare(nil) }
        var summaries: [String: ModalitySummary] = [:]
        try source.pass { chunk, _ in
            for (m, p) in zip(pending, prepared) {
                let output = try m.extract(chunk, prepared: p, context)
                try spill.append(output, of: m)
                summaries[m.name, default: ModalitySummary()].add(output.summary)
            }
        }
        var states: [String: any ModalityState] = [:]
        for m in pending {
            context.tasks[m.name]?.finish((summaries[m.name] ?? ModalitySummary()).progressLine)
            states[m.name] = spill.state(of: m.name)
        }
        return (states, spill)
    }

    /// Every modality's output for `chunk` with `states`, in the registry's order, without the
    /// `on_error` policy: one rank's part of the catalog (the policy applies to the joined parts).
    func extractPart(_ chunk: Catalog, states: [String: any ModalityState]) throws -> [ModalityOutput] {
        try modalities.map { m in try m.extract(chunk, prepared: try m.prepare(states[m.name]), context) }
    }

    /// Extracts every chunk with `states` (modalities in `spill` are read back from it) and hands
    /// each chunk's features to `body`, in order. `applyingFailPolicy` false: `on_error: fail`
    /// does not stop it (a caller that rejects every failure itself, POST /v1/items).
    func extract(_ source: inout some ItemChunkSource, states: [String: any ModalityState], spill: FeatureSpill? = nil,
                 applyingFailPolicy: Bool = true, _ body: (Catalog, Int, ItemFeatureSet) throws -> Void) throws {
        let prepared = try modalities.map { m in try m.prepare(states[m.name]) }
        var chunkIndex = 0
        try source.pass { chunk, first in
            var features = ItemFeatureSet()
            for (m, p) in zip(modalities, prepared) {
                let output = try spill?.read(m.name, chunk: chunkIndex) ?? m.extract(chunk, prepared: p, context)
                features.add(output, of: m)
            }
            if applyingFailPolicy { try features.checkFailPolicy(chunk) }
            try body(chunk, first, features)
            chunkIndex += 1
        }
    }
}
