import Foundation
import Recommender

/// The preprocess stage: the cleaning rules in order, each counted, and the dropped rows listed.
extension PipelineRunner {
    func preprocessStage(_ load: ArtifactStore.Record) throws -> ArtifactStore.Record {
        var key = StageKey("preprocess")
        key.add("preprocess", spec.resolvedSection("preprocess"))
        key.add("interactions", try load.hash(of: RunFolder.Path.loadInteractions))
        key.add("item_ids", try load.hash(of: RunFolder.Path.loadItemIds))
        return try stage("preprocess", key: key.finalize(), notes: { try preprocessNotes() }) {
            let (set, report, dropped) = try preprocessListingDropped()
            warnAboutDroppedRows(report)
            folder.keep(set)
            guard set.count > 0 else {
                throw PipelineError(what: "no usable ratings are left after preprocessing (\(report.inputRows) rows read)",
                                    hint: "check the column mapping in data.interactions and preprocess.rating_range")
            }
            let outputs = [
                try store.write(try StageCodecs.encode(set), to: RunFolder.Path.preprocessRatings),
                try store.write(report, as: .preprocessSummary),
                try store.write(try droppedLines(dropped), to: RunFolder.Path.preprocessDroppedRows),
            ]
            return (outputs, try preprocessNotes())
        }
    }

    /// Preprocessing; when it drops more than `preprocess.max_dropped`, dropped_rows.jsonl is
    /// written to the run folder before the run stops, so the user can see which rows and why.
    private func preprocessListingDropped() throws -> (RatingSet, PreprocessReport, [DroppedRow]) {
        do {
            return try Preprocessor.runListingDropped(try folder.interactionLog(), catalogItemIds: try folder.catalog().ids, options: spec.preprocess)
        } catch let error as TooManyDropped {
            try store.write(try droppedLines(error.dropped), to: RunFolder.Path.droppedRows)
            throw PipelineError(what: error.description.replacingOccurrences(of: "dropped_rows.jsonl", with: store.url(RunFolder.Path.droppedRows).path))
        }
    }

    /// One warning per rule that dropped rows: how many, what share, the first examples.
    private func warnAboutDroppedRows(_ report: PreprocessReport) {
        for rule in report.rules where rule.rows > 0 && rule.action == "dropped" {
            let share = Double(rule.rows) / Double(max(report.inputRows, 1)) * 100
            let examples = (rule.examples ?? []).joined(separator: "; ")
            let text = "preprocess: \(rule.name) dropped \(rule.rows) of \(report.inputRows) rows (\(String(format: "%.1f", share)) %)"
                + (examples.isEmpty ? "" : ", e.g. \(examples)")
            logger.warning("\(text)")
        }
    }

    /// dropped_rows.jsonl: one JSON object per row a rule dropped or changed.
    func droppedLines(_ rows: [DroppedRow]) throws -> Data {
        var data = Data()
        for row in rows { data.append(try StableJSON.encode(row, pretty: false)) }
        return data
    }

    func preprocessNotes() throws -> [String] {
        let r = try folder.read(.preprocessSummary)
        let touched = r.rules.filter { $0.rows > 0 }.map { "\($0.name) \($0.rows)" }
        return ["\(r.inputRows) rows → \(r.outputRows)"] + touched
    }
}
