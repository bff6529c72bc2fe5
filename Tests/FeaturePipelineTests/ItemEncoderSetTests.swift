@testable import FeaturePipeline
import Foundation
import TensorCore
import TestSupport
import Testing

@Suite struct ItemEncoderSetTests {
    /// A configured modality whose tensors are missing from the features is an error naming it,
    /// not a model silently built without it.
    @Test func aMissingModalityTensorIsAnError() throws {
        let yaml = """
            data: {items: {path: items.csv, id: item_id}, interactions: {path: ratings.csv, user: u, item: i, rating: r}}
            features:
              text: {fields: [title], dim: 4}
            """
        let spec = try PipelineSpec.parse(yaml, file: URL(fileURLWithPath: "/tmp/p.yaml"))
        let catalog = Catalog(source: "items.csv", ids: ["a", "b"], columns: ["item_id", "title"],
                              values: [["a", "one"], ["b", "two"]], lines: [2, 3], invalidUTF8: [:])
        let empty = Safetensors.File(entries: [], metadata: [:])
        var rng = SeededGenerator(seed: 1)
        do {
            _ = try ItemEncoderSet(spec: spec, catalog: catalog, features: empty, fitItems: [0, 1], fitted: .init(), rng: &rng)
            Issue.record("built without the text tensors")
        } catch let error as PipelineError {
            #expect(error.what == "the extracted features have no tensors for text, which the pipeline configures")
        }
    }
}
