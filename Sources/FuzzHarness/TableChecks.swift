import FeaturePipeline
import Foundation
import Recommender

/// Invariants of the CSV and JSON Lines loaders, and of preprocessing and splitting on what they
/// load, on arbitrary bytes.
///
/// The bytes are written to a temporary file that serves as items, interactions and users table
/// at once (columns item_id, user_id, rating, timestamp, split). Every rejection must be a
/// `DataError` naming the file; whatever loads must survive preprocessing and all four split
/// methods.
struct TableChecks: Sendable {
    static let shared = TableChecks()

    /// Where each input is written for the length of one check (tmpfs when there is one).
    let folder: URL
    /// The data section and options of one spec per split method.
    let specs: [PipelineSpec]

    init() {
        let shm = URL(fileURLWithPath: "/dev/shm")
        let base = FileManager.default.fileExists(atPath: shm.path) ? shm : FileManager.default.temporaryDirectory
        folder = base
        specs = ["random", "per_user", "temporal", "column"].map { method in
            let yaml = """
                data:
                  items: {path: table.csv, id: item_id}
                  interactions: {path: table.csv, user: user_id, item: item_id, rating: rating, timestamp: timestamp\(method == "column" ? ", split: split" : "")}
                  users: {path: table.csv, id: user_id}
                split: {method: \(method), valid: 0.2, test: 0.2, cold_items: 0.1, cold_users: 0.1}
                """
            return try! PipelineSpec.parse(yaml, file: URL(fileURLWithPath: "/fuzz/fuzz.yaml"))
        }
    }

    func table(_ bytes: [UInt8], extension ext: String) -> String? {
        let url = folder.appendingPathComponent("pipeline-fuzz-table-\(UInt64.random(in: 0...UInt64.max)).\(ext)")
        defer { try? FileManager.default.removeItem(at: url) }
        do { try Data(bytes).write(to: url) } catch { return nil }  // not a finding: the disk is full
        let spec = specs[bytes.count % specs.count]
        var data = spec.data
        data.items.path = url
        data.interactions.table.path = url
        data.users?.table.path = url

        if let finding = streamingDiffers(url, blockSize: 1 + bytes.count % 13) { return finding }
        var report = LoadReport()
        var catalog: Catalog?, log: InteractionLog?
        do { catalog = try DataLoader.loadCatalog(data, report: &report) } catch { if let p = rejection(error, url) { return p } }
        do { log = try DataLoader.loadInteractions(data, splitMethod: spec.split.method, report: &report) } catch {
            if let p = rejection(error, url) { return p }
        }
        do { _ = try DataLoader.loadUsers(data, report: &report) } catch { if let p = rejection(error, url) { return p } }
        if let catalog {
            if catalog.ids.isEmpty || Set(catalog.ids).count != catalog.ids.count { return "catalog ids empty or repeated" }
            if catalog.values.count != catalog.count || catalog.lines.count != catalog.count { return "catalog columns misaligned" }
        }
        guard let catalog, let log else { return nil }
        do {
            let (set, _) = try Preprocessor.run(log, catalogItemIds: catalog.ids, options: spec.preprocess)
            guard set.count > 0 else { return nil }  // the runner stops here with its own message
            let split = try Splitter.split(set, options: spec.split, seed: 42)
            if split.parts.count != set.count || split.buckets.count != set.count { return "split size differs from the ratings" }
        } catch let error as TooManyDropped {
            // A proper stop: it names this file and the loss really is above the limit.
            guard error.source == url.path else { return "the error names \(error.source), not the file" }
            return Double(error.report.lostRows) > error.limit * Double(error.report.inputRows) ? nil : "stopped below max_dropped: \(error)"
        } catch {
            return error is DataError ? nil : "unexpected error \(type(of: error)): \(error)"
        }
        return nil
    }

    /// The streaming reader of `pipeline extract` must see the same table, or the same error, as
    /// the whole-file reader of `pipeline run`, whatever the block size.
    func streamingDiffers(_ url: URL, blockSize: Int) -> String? {
        func outcome(_ read: () throws -> DataTable) -> String {
            do {
                let t = try read()
                return "\(t.columns) \(t.rows) \(t.lines) \(t.invalidUTF8.map { [$0.row, $0.column] })"
            } catch {
                return "error: \(error)"
            }
        }
        let whole = outcome { try DataTable.read(url, format: .auto) }
        let streamed = outcome { try DataTable.readStreamed(url, format: .auto, blockSize: blockSize) }
        return whole == streamed ? nil : "blocks of \(blockSize) bytes read \(streamed.prefix(300)), the whole file \(whole.prefix(300))"
    }

    /// nil for a proper rejection: a `DataError` about this file.
    func rejection(_ error: any Error, _ url: URL) -> String? {
        guard let e = error as? DataError else { return "unexpected error \(type(of: error)): \(error)" }
        return e.file == url.path ? nil : "the error names \(e.file), not the file"
    }
}
