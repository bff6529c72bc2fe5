import Foundation
import Recommender

/// The load stage: items, interactions and users read into compact string columns.
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

    func fileHash(_ url: URL) throws -> String {
        do {
            return try ContentHash.hex(fileAt: url)
        } catch {
            throw DataError(file: url.path, message: "cannot read the file", hint: "check the path in the pipeline file (relative paths start at its folder)")
        }
    }
}
