import Foundation
import TensorCore

/// Writes a run folder's artifacts and keeps each stage's record (`RunFolder` reads them back).
///
/// A stage is complete when `stages/<name>/record.json` exists, names the stage's current key,
/// and every output it lists is present with the recorded size. Outputs are written atomically
/// and the record last, so a run killed at any point leaves either a complete stage or one that
/// the next run recomputes.
public struct ArtifactStore: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root }

    public func stageDirectory(_ stage: String) -> URL { root.appendingPathComponent("stages/\(stage)") }

    /// What a completed stage left behind.
    public struct Record: Codable, Sendable, Equatable {
        public var stage: String
        public var key: String
        /// Output file (relative to the run folder) → size and SHA-256.
        public var outputs: [String: Output]
        public var seconds: Double

        /// The SHA-256 of one output; an error (not a crash) if the record does not list it.
        public func hash(of path: String) throws -> String {
            guard let output = outputs[path] else {
                throw PipelineError(what: "stage \(stage) did not record \(path)", hint: "run again with --force")
            }
            return output.sha256
        }

        public struct Output: Codable, Sendable, Equatable {
            public var bytes: Int
            public var sha256: String
        }
    }

    public func record(_ stage: String) -> Record? {
        recordFile(stage)
    }

    private func recordFile(_ stage: String) -> Record? {
        let url = stageDirectory(stage).appendingPathComponent("record.json")
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(Record.self, from: data)
    }

    /// The stage's record if it is complete for `key`.
    public func completed(_ stage: String, key: String) -> Record? {
        guard let record = record(stage), record.key == key else { return nil }
        for (path, output) in record.outputs {
            let size = (try? FileManager.default.attributesOfItem(atPath: url(path).path)[.size] as? Int) ?? -1
            if size != output.bytes { return nil }
        }
        return record
    }

    /// Writes the record of a finished stage, hashing its outputs.
    @discardableResult
    public func commit(_ stage: String, key: String, outputs: [String], seconds: Double) throws -> Record {
        var entries: [String: Record.Output] = [:]
        for path in outputs {
            let file = url(path)
            let size = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
            entries[path] = .init(bytes: size, sha256: try ContentHash.hex(fileAt: file))
        }
        let record = Record(stage: stage, key: key, outputs: entries, seconds: seconds)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(record), to: stageDirectory(stage).appendingPathComponent("record.json"))
        return record
    }

    /// Removes a stage's record so it counts as incomplete while it is being recomputed.
    public func invalidate(_ stage: String) {
        try? FileManager.default.removeItem(at: stageDirectory(stage).appendingPathComponent("record.json"))
    }

    public func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    /// Writes `data` atomically at `relative` and returns the relative path, for `commit`.
    @discardableResult
    public func write(_ data: Data, to relative: String) throws -> String {
        try AtomicFile.write(data, to: url(relative))
        return relative
    }

    /// Writes one of the run folder's JSON documents where it belongs, as pretty, key-sorted
    /// JSON (stable bytes).
    @discardableResult
    func write<T>(_ value: T, as document: RunFolder.Document<T>) throws -> String {
        try write(try StableJSON.encode(value), to: document.path)
    }
}
