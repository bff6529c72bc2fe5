import Foundation
import TensorCore
import TestSupport
import Testing
@testable import FeaturePipeline

/// Under mpirun, `pipeline run` extracts the catalog in contiguous parts, one per rank, and rank 0
/// joins them (`ExtractStage+Group`): the parts, passed through the bytes a rank sends, join into
/// the whole catalog's extraction, tensor for tensor, failure for failure, count for count.
@Suite struct FeaturePartsTests {
    @Test(arguments: [2, 3, 7])
    func joinedPartsAreTheWholeCatalogsExtraction(parts: Int) throws {
        let spec = try PipelineSpec.load(Repository.root.appendingPathComponent("pipelines/catalog.yaml"))
        var report = LoadReport()
        var catalog = try DataLoader.loadCatalog(spec.data, report: &report)
        let image = try #require(catalog.columnIndex("image"))
        for item in [5, 150, catalog.count - 1] { catalog.values[item][image] = "media/images/none.png" }
        let caches = Repository.temporaryDirectory("feature-parts")
        defer { try? FileManager.default.removeItem(at: caches) }
        func engine(_ cache: String) -> ExtractionEngine {
            ExtractionEngine(spec: spec, context: ExtractionContext(
                spec: spec, threads: 1, cache: ItemCache(root: caches.appendingPathComponent(cache)), progress: .automatic(quiet: true)))
        }
        var source = CatalogChunks(catalog)
        let states = try engine("whole").fitStates(&source, fit: { $0 % 3 != 0 }, given: [:])
        let whole = try engine("whole").extractPart(catalog, states: states)
        let pieces = try (0..<parts).map { p in
            let part = catalog.slice((catalog.count * p / parts)..<(catalog.count * (p + 1) / parts))
            return try FeatureParts.decode(FeatureParts.encode(engine("parts").extractPart(part, states: states)), rank: p)
        }
        #expect(whole.flatMap(\.failures).map(\.item) == [5, 150, catalog.count - 1].map { catalog.ids[$0] })
        for (k, modality) in engine("parts").modalities.enumerated() {
            let joined = ModalityOutput(joining: pieces.map { $0[k] }, of: modality)
            #expect(joined.entries == whole[k].entries, "\(modality.name)")
            #expect(joined.failures == whole[k].failures, "\(modality.name)")
            #expect(joined.summary == whole[k].summary, "\(modality.name)")
        }
    }
}
