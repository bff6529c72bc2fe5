import Foundation
import Recommender

/// The split stage: cold items and users held out, then the warm rows divided.
extension PipelineRunner {
    func splitStage(_ preprocess: ArtifactStore.Record) throws -> ArtifactStore.Record {
        var key = StageKey("split")
        key.add("split", spec.resolvedSection("split"))
        key.add("seed", String(spec.seed))
        key.add("ratings", preprocess)
        return try stage("split", key: key.finalize(), notes: { try splitNotes() }) {
            let set = try folder.ratings()
            let split = try Splitter.split(set, options: spec.split, seed: spec.seed)
            folder.keep(split)
            var counts: [String: [String: Int]] = [:]
            var moved = 0  // method column: rows whose part is not the one the file gives
            for r in 0..<set.count {
                let part = ["train", "valid", "test"][Int(split.parts[r].rawValue)]
                counts[part, default: [:]][split.buckets[r].name, default: 0] += 1
                if spec.split.method == .column, Splitter.partName(set.splitTags[r]) != split.parts[r] { moved += 1 }
            }
            let outputs = [
                try store.write(StageCodecs.encode(split), to: RunFolder.Path.splitParts),
                try store.write(SplitSummary(counts: counts, moved: spec.split.method == .column ? moved : nil), as: .splitSummary),
            ]
            return (outputs, try splitNotes())
        }
    }

    func splitNotes() throws -> [String] {
        let summary = try folder.read(.splitSummary)
        let c = summary.counts
        let notes = ["train", "valid", "test"].map { part in
            let buckets = c[part] ?? [:]
            let total = buckets.values.reduce(0, +)
            let cold = ["cold-item", "cold-user"].compactMap { b in buckets[b].map { "\($0) \(b)" } }
            return "\(part) \(total)" + (cold.isEmpty ? "" : " (\(cold.joined(separator: ", ")))")
        }
        guard let moved = summary.moved, moved > 0 else { return notes }
        return notes + ["\(moved) rows moved from the split column's parts (cold items and users held out)"]
    }
}
