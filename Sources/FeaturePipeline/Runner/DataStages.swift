import Foundation
import Recommender

/// The load, preprocess and split stages.
extension PipelineRunner {
    func loadStage() throws -> ArtifactStore.Record {
        var key = StageKey("load")
        key.add("data", spec.resolvedSection("data"))
        key.add("split.method", spec.split.method.rawValue)
        for url in [spec.data.items.path, spec.data.interactions.table.path] + (spec.data.users.map { [$0.table.path] } ?? []) {
            key.add(url.lastPathComponent, try fileHash(url))
        }
        return try stage("load", key: key.finalize(), notes: { try loadNotes() }) {
            var report = LoadReport()
            let catalog = try DataLoader.loadCatalog(spec.data, report: &report)
            let log = try DataLoader.loadInteractions(spec.data, splitMethod: spec.split.method, report: &report)
            let users = try DataLoader.loadUsers(spec.data, report: &report)
            folder.keep(catalog, users: users, log: log)
            var outputs = [
                try store.write(try StageCodecs.encode(catalog), to: RunFolder.Path.loadCatalog),
                try store.write(Data((catalog.ids.joined(separator: "\n") + "\n").utf8), to: RunFolder.Path.loadItemIds),
                try store.write(try StageCodecs.encode(log), to: RunFolder.Path.loadInteractions),
                try store.write(LoadSummary(report: report), as: .loadSummary),
            ]
            if let users { outputs.append(try store.write(try StageCodecs.encode(users), to: RunFolder.Path.loadUsers)) }
            return (outputs, try loadNotes())
        }
    }

    func loadNotes() throws -> [String] {
        let r = try folder.read(.loadSummary).report
        var notes = ["\(r.items) items", "\(r.interactionRows) interaction rows"]
        if r.userRows > 0 { notes.append("\(r.userRows) users") }
        if r.duplicateItemIds + r.emptyItemIds > 0 { notes.append("\(r.duplicateItemIds + r.emptyItemIds) item rows without a unique id skipped") }
        if r.invalidUTF8Fields > 0 { notes.append("\(r.invalidUTF8Fields) fields with invalid UTF-8") }
        return notes
    }

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

    func fileHash(_ url: URL) throws -> String {
        do {
            return try ContentHash.hex(fileAt: url)
        } catch {
            throw DataError(file: url.path, message: "cannot read the file", hint: "check the path in the pipeline file (relative paths start at its folder)")
        }
    }
}
