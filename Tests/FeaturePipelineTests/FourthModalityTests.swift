@testable import FeaturePipeline
import Foundation
import Recommender
import TensorCore
import TestSupport
import Testing

/// A test-only fourth modality: every item's input is the length of one column's text, scaled by
/// `scale`. It is written as any modality is (an `ItemModality` type) and registered by adding
/// it to the registry the pipeline file is read with; nothing else in the pipeline names it.
struct LengthModality: ItemModality {
    var column: String
    var scale: Double
    var dim: Int
    var onError: OnError

    static let name = "length"
    static let summary = "Test only: the length of a column's text."
    static func read(_ r: MappingReader) -> LengthModality {
        let column = r.string("column", default: "title", doc: "Column whose length is the input.") ?? "title"
        let scale = r.double("scale", default: 0.1, range: 0...1000, doc: "Multiplies the length.")
        let common = ModalityCommon.read(r, modality: name, dim: 3)
        r.finish()
        return LengthModality(column: column, scale: scale, dim: common.dim, onError: common.onError)
    }

    var inputNoun: String { "a length" }
    var columns: [(name: String, role: String, key: String)] { [(column, "measured text", "features.length.column")] }
    var requiredTensors: [String] { ["features", "present"] }

    func extract(_ chunk: Catalog, prepared: (any Sendable)?, _ context: ExtractionContext) throws -> ModalityOutput {
        let c = chunk.columnIndex(column)
        let values = (0..<chunk.count).map { item in c.flatMap { chunk.value(item: item, column: $0) } }
        let features = Tensor(shape: [chunk.count, 1], storage: values.map { Float(Double($0?.count ?? 0) * scale) })
        let present = values.map { $0 == nil ? UInt8(0) : 1 }
        let absent = present.filter { $0 == 0 }.count
        return ModalityOutput(entries: [.init(name: "length.features", tensor: features), .vector("length.present", .uint8, present)],
                              failures: [], summary: ModalitySummary(items: chunk.count, extracted: chunk.count - absent, absent: absent))
    }

    func encoder(_ tensors: ModalityTensors, count: Int, state: (any ModalityState)?, fitItems: [Int],
                 rng: inout SeededGenerator) throws -> (encoder: any FeatureEncoder, state: (any ModalityState)?) {
        (ProjectionEncoder(name: Self.name, features: tensors["features"]!.tensor(), present: tensors.present!,
                           outputDimension: dim, rng: &rng), nil)
    }
}

@Suite struct FourthModalityTests {
    static let registry = ModalityRegistry.standard.adding(LengthModality.self)

    /// 40 items with titles of varied length, 30 users, 12 ratings each.
    static func writeData(_ dir: URL) throws {
        try TinyCatalog.write(to: dir, itemColumns: "title") { String(repeating: "ab", count: 1 + $0 % 7) }
        try """
            name: fourth
            data:
              items: {path: items.csv, id: item_id}
              interactions: {path: ratings.csv, user: user_id, item: item_id, rating: rating}
            features:
              length: {column: title, scale: 0.5, dim: 3}
            train: {epochs: 2}
            evaluate: {ablation: true}
            outputs: {dir: run}
            """.write(to: dir.appendingPathComponent("fourth.yaml"), atomically: true, encoding: .utf8)
    }

    @Test func aRegisteredModalityReachesTheModelTheReportAndExtract() throws {
        let dir = Repository.temporaryDirectory("fourth-modality")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeData(dir)
        let spec = try PipelineSpec.load(dir.appendingPathComponent("fourth.yaml"), modalities: Self.registry)
        #expect(spec.features.modalityNames == ["length"])
        #expect(spec.resolvedModalities["length"]?.contains("scale: 0.5") == true)
        // Without the registration the same file is refused, naming the key.
        #expect(throws: SpecError.self) { try PipelineSpec.load(dir.appendingPathComponent("fourth.yaml")) }

        var options = RunOptions()
        options.quiet = true
        options.threads = 1
        _ = try PipelineRunner(spec: spec, options: options).run()
        let run = dir.appendingPathComponent("run")

        // The model: an encoder and trained parameters of its own.
        let description = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("stages/train/model.json"))) as? [String: Any]
        #expect(description?["item_encoders"] as? [String] == ["length"])
        let weights = try Safetensors.read(run.appendingPathComponent("stages/train/model.safetensors"))
        #expect(weights.entries.contains { $0.name.hasPrefix("length.") })
        // Its features and summary in the extract stage, and its ablation in the metrics.
        let features = try Safetensors.read(run.appendingPathComponent("stages/extract/features.safetensors"))
        #expect(features["length.features"]?.tensor().storage.prefix(3) == [1, 2, 3])
        let summary = try String(contentsOf: run.appendingPathComponent("stages/extract/summary.json"), encoding: .utf8)
        #expect(summary.contains("\"length\""))
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("metrics.json"))) as? [String: Any]
        #expect((metrics?["ablation"] as? [String: Any])?.keys.sorted() == ["length"])

        // The report lists it among the extracted modalities, with its 40 items.
        let report = try ReportWriter.write(runDirectory: run, to: dir.appendingPathComponent("report.html"))
        let html = try String(contentsOf: report.url, encoding: .utf8)
        #expect(html.contains(#"<tr data-modality="length"><td class="l">length</td><td>40</td><td>40</td>"#))

        // `pipeline extract`, frozen and with the trained model, gives it a block of its own.
        for model in [nil, run] {
            let out = dir.appendingPathComponent(model == nil ? "frozen" : "trained")
            var extraction = OfflineExtraction(spec: spec, run: model, output: out)
            extraction.quiet = true
            extraction.threads = 1
            let result = try extraction.execute()
            #expect(result.items == 40)
            let file = try Safetensors.read(out.appendingPathComponent("item_embeddings.safetensors"))
            #expect(file["length"]?.shape == [40, 3], "\(file.entries.map(\.name))")
            #expect(file["length.present"]?.bytes.allSatisfy { $0 == 1 } == true)
        }
    }
}
