@testable import FeaturePipeline
import Foundation
import TensorCore
import TestSupport
import Testing

/// `pipeline run` on the hostile catalog (a third of the images and clips broken or hostile,
/// HostileCatalog): `skip` and `fallback` complete and report each bad file with its class,
/// `fail` stops at the first bad file in catalog order.
@Suite(.serialized) struct HostileCatalogTests {
    struct ErrorLine: Decodable, Hashable {
        var item: String
        var modality: String
        var path: String?
        var `class`: String
        var message: String
    }

    static func errorLines(_ run: URL) throws -> [ErrorLine] {
        let text = try String(contentsOf: run.appendingPathComponent("errors.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(ErrorLine.self, from: Data($0.utf8)) }
    }

    /// errors.jsonl holds exactly the planted files, each with its class, its path and a message
    /// naming the file; the extract summary counts them by class.
    func expectEveryBadFileReported(_ hostile: HostileCatalog) throws {
        let run = hostile.workspace.runDirectory
        let lines = try Self.errorLines(run)
        #expect(lines.count == hostile.planted.count, "\(lines.count) lines for \(hostile.planted.count) planted files")
        for planted in hostile.planted {
            let line = lines.first { $0.item == planted.item && $0.modality == planted.modality }
            #expect(line?.class == planted.errorClass.rawValue,
                    "\(planted.item) \(planted.modality) (\(planted.variant)): \(line.map { "\($0.class): \($0.message)" } ?? "not reported")")
            if let line, let path = line.path {
                let name = URL(fileURLWithPath: path).lastPathComponent
                #expect(line.message.contains(name), "the message names the file: \(line.message)")
            }
        }
        let modalities = try RunFolder(root: run).read(.extractSummary).modalities
        for modality in ["image", "audio"] {
            var counts: [String: Int] = [:]
            for p in hostile.expected(modality: modality) { counts[p.errorClass.rawValue, default: 0] += 1 }
            #expect(modalities[modality]?.failuresByClass == counts, "\(modality)")
        }
        #expect(leftoverTemporaries(run).isEmpty)
    }

    @Test func skipReportsEachBadFileAndTrainsOnTheRest() throws {
        let hostile = try HostileCatalog("hostile-skip", onError: "skip")
        defer { hostile.workspace.remove() }
        #expect(hostile.expected(modality: "image").count >= 96 && hostile.expected(modality: "audio").count >= 97, "a third of each")
        let result = try PipelineProcess.run(["run", hostile.workspace.pipeline.path])
        #expect(result.status == 0, "\(result.stderr)")
        try expectEveryBadFileReported(hostile)
        #expect(result.stderr.contains("\(hostile.badItems.count) items skipped (on_error: skip)"), "\(result.stderr)")
        // inspect lists the first rejected files, each path once per line.
        let inspect = try PipelineProcess.run(["inspect", hostile.workspace.runDirectory.path])
        let media = hostile.workspace.catalog.appendingPathComponent("media").path
        let rejected = inspect.stdout.split(separator: "\n").filter { $0.contains(media) }
        #expect(!rejected.isEmpty, "\(inspect.stdout)")
        for line in rejected { #expect(line.components(separatedBy: media).count == 2, "a path twice: \(line)") }

        // Trained on the rest: skipped items have no training rating (unknown to the model), the
        // others do, and the losses are finite.
        let model = try Safetensors.read(hostile.workspace.runDirectory.appendingPathComponent("model.safetensors"))
        let known = try #require(model["behavior.known_items"]).bytes
        let ids = try String(contentsOf: hostile.workspace.runDirectory.appendingPathComponent("item_ids.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let skipped = ids.indices.filter { hostile.badItems.contains(ids[$0]) }
        #expect(skipped.count == hostile.badItems.count)
        #expect(skipped.allSatisfy { known[$0] == 0 }, "a skipped item was trained on")
        #expect(ids.indices.filter { known[$0] == 1 }.count > 150, "the remaining items were trained on")
        let train = try String(contentsOf: hostile.workspace.runDirectory.appendingPathComponent("stages/train/summary.json"), encoding: .utf8)
        #expect(train.contains("\"train_loss\"") && !train.contains("nan") && !train.contains("inf"))
    }

    @Test func fallbackKeepsTheItemsWithTheModalityMissing() throws {
        let hostile = try HostileCatalog("hostile-fallback", onError: "fallback")
        defer { hostile.workspace.remove() }
        let result = try PipelineProcess.run(["run", hostile.workspace.pipeline.path, "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        try expectEveryBadFileReported(hostile)
        let embeddings = try Safetensors.read(hostile.workspace.runDirectory.appendingPathComponent("item_embeddings.safetensors"))
        let ids = try String(contentsOf: hostile.workspace.runDirectory.appendingPathComponent("item_ids.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        for modality in ["image", "audio"] {
            let present = try #require(embeddings["\(modality).present"]).bytes
            let bad = Set(hostile.expected(modality: modality).map(\.item))
            #expect(ids.indices.allSatisfy { !bad.contains(ids[$0]) || present[$0] == 0 }, "a rejected \(modality) counted as present")
            #expect(ids.indices.filter { present[$0] == 1 }.count >= 190, "\(modality): the good files were used")
        }
        for item in hostile.renamed {
            #expect(!(try Self.errorLines(hostile.workspace.runDirectory)).contains { $0.item == item },
                    "\(item): a name with spaces or non-ASCII letters must be read")
        }
    }

    @Test func failStopsAtTheFirstBadFileInCatalogOrder() throws {
        let hostile = try HostileCatalog("hostile-fail", onError: "fail")
        defer { hostile.workspace.remove() }
        let result = try PipelineProcess.run(["run", hostile.workspace.pipeline.path, "--quiet"])
        #expect(result.status == 1)
        let first = try #require(hostile.planted.first)  // item 0's clip: images start at item 3
        #expect(first.modality == "audio")
        let lines = result.problems.split(separator: "\n")
        #expect(lines.count == 1, "one line: \(result.stderr)")
        let path = hostile.workspace.catalog.appendingPathComponent("media/audio").path
        #expect(result.problems.hasPrefix("error: item \(first.item): audio \(path)/\(first.item)."), "\(result.stderr)")
        #expect(result.stderr.contains("rejected (\(first.errorClass.rawValue))"), "\(result.stderr)")
        #expect(result.stderr.contains("on_error: skip or fallback"))
        #expect(!FileManager.default.fileExists(atPath: hostile.workspace.runDirectory.appendingPathComponent("stages/train").path))
    }
}
