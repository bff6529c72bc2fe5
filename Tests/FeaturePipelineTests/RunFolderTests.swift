@testable import FeaturePipeline
import Foundation
import Recommender
import TestSupport
import Testing

/// Reading a run folder through `RunFolder`: typed documents, absent sections, the tables a
/// stage hands over, and what the store writes reading back to the same value.
@Suite final class RunFolderTests {
    let run: URL
    let folder: RunFolder

    init() throws {
        run = try SyntheticRun.write()
        folder = RunFolder(root: run)
    }

    deinit { try? FileManager.default.removeItem(at: run) }

    @Test func documentsReadAsTheirTypes() throws {
        #expect(try folder.read(.manifest).seed == 7)
        #expect(try folder.read(.splitSummary).counts["test"] == ["warm": 6, "cold-item": 4])
        #expect(try folder.read(.extractSummary).modalities["image"]?.failuresByClass == ["corrupt": 2])
        #expect(try folder.read(.metrics).bestEpoch == 4)
        #expect(try folder.read(.summary).stages.map(\.stage) == ["load", "preprocess", "train"])
        #expect(try folder.catalog().ids == (0..<10).reversed().map { "i\($0)" })
    }

    @Test func whatTheRunDidNotWriteIsAbsentNotAnError() throws {
        #expect(try folder.readIfPresent(.trainSummary) == nil)
        #expect(try folder.users() == nil, "no users table")
        #expect(try folder.skippedItems().isEmpty)
        #expect(throws: (any Error).self) { try self.folder.read(.trainSummary) }
        try FileManager.default.removeItem(at: folder.url(RunFolder.Path.errors))
        #expect(folder.rejectedFileLines().isEmpty && folder.extractErrorLines().isEmpty)
    }

    @Test func aDamagedDocumentIsNamedWithTheKeyPath() throws {
        try Data(#"{"counts": {"train": 3}}"#.utf8).write(to: folder.url(RunFolder.Path.splitSummary))
        do {
            _ = try folder.readIfPresent(.splitSummary)
            Issue.record("expected an error")
        } catch let error as PipelineError {
            #expect(error.what.hasPrefix("\(run.path)/stages/split/summary.json is not readable: "), "\(error)")
            #expect(error.what.hasSuffix(" at .counts.train"), "\(error)")
        }
    }

    /// A stage's output is handed over, not decoded again: the folder answers from what was kept
    /// even once the file is gone.
    @Test func keptTablesAreNotReadAgain() throws {
        let split = DataSplit(parts: [.train, .test], buckets: [.warm, .coldItem])
        folder.keep(split)
        #expect(!folder.exists(RunFolder.Path.splitParts))
        #expect(try folder.split().buckets == [.warm, .coldItem])
        _ = try folder.catalog()
        try FileManager.default.removeItem(at: folder.url(RunFolder.Path.loadCatalog))
        #expect(try folder.catalog().count == 10, "read once, then kept")
        #expect(throws: (any Error).self, "a fresh folder reads the file, which is gone") { try RunFolder(root: self.run).catalog() }
    }

    @Test func whatTheStoreWritesReadsBackUnchanged() throws {
        let store = ArtifactStore(root: run)
        let summary = SplitSummary(counts: ["train": ["warm": 1]], moved: nil)
        #expect(try store.write(summary, as: .splitSummary) == RunFolder.Path.splitSummary)
        #expect(try folder.bytes(RunFolder.Path.splitSummary) == StableJSON.encode(summary))
        #expect(try folder.read(.splitSummary).counts == summary.counts)
    }
}
