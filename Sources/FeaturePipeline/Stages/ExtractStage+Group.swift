import Foundation
import NeuralNet
import TensorCore

/// The extract stage split across a training group (`mpirun -np N pipeline run FILE`).
///
/// Rank 0 fits the modalities' states (text vocabulary and idf) alone and broadcasts them as the
/// bytes of states.json, so every rank extracts with the same state whatever its threads or
/// machine. Rank r extracts the r-th of N contiguous parts of the catalog (sizes within one item)
/// through the shared item cache, without the `on_error` policy; rank 0 gathers the parts, joins
/// them in rank order, which is catalog order, applies the policy to the whole and writes the
/// stage as one process does: the same bytes, failures reported once and in catalog order.
extension PipelineRunner {
    /// Rank 0: the fitted states and every item's features, the followers extracting their parts.
    func extractAcrossGroup(_ group: any Collectives, _ engine: ExtractionEngine, _ source: inout CatalogChunks,
                            fit: (Int) -> Bool) throws -> (states: [String: any ModalityState], features: ItemFeatureSet) {
        tell(.extract)
        let states: [String: any ModalityState]
        do {
            states = try engine.fitStates(&source, fit: fit, given: [:])
        } catch {
            _ = group.broadcast([], from: 0)  // no states: the followers wait for the next instruction
            followers = .waiting
            throw error
        }
        let stored = ModalityStates.File(ModalityStates.stored(states, engine.modalities))
        _ = group.broadcast([UInt8](try StableJSON.encode(stored)), from: 0)
        let catalog = source.catalog
        let mine = try engine.extractPart(catalog.slice(group.contiguousPart(of: catalog.count)), states: states)
        let parts = group.gather(try FeatureParts.encode(mine), to: 0)
        followers = .waiting
        let others = try parts.indices.dropFirst().map { try FeatureParts.decode(parts[$0], rank: $0) }
        var features = ItemFeatureSet()
        for (k, modality) in engine.modalities.enumerated() {
            features.add(ModalityOutput(joining: [mine[k]] + others.map { $0[k] }, of: modality), of: modality)
        }
        try features.checkFailPolicy(catalog)
        return (states, features)
    }

    /// A follower: extracts its part of the catalog with rank 0's states and sends it to rank 0.
    func extractPart(_ group: any Collectives) throws {
        let stored = group.broadcast([], from: 0)
        guard !stored.isEmpty else { return }  // rank 0's fit failed: it says what next
        let states = ModalityStates.byModality(try folder.decode(.extractStates, from: Data(stored)).states,
                                               spec.features.modalities)
        let catalog = try folder.catalog()
        let part = try extractionEngine().extractPart(catalog.slice(group.contiguousPart(of: catalog.count)), states: states)
        _ = group.gather(try FeatureParts.encode(part), to: 0)
    }
}
