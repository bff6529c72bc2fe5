import FeaturePipeline
import Foundation

/// Checks a run folder before a reload puts its model in place: every file the export listed in
/// manifest.json, and every output of the stages a served model is read from, must be on disk
/// with the size and SHA-256 its record names. A run being rewritten, cut short or corrupted
/// fails here, with the first file that does not match.
struct RunVerifier {
    let folder: URL

    /// The stages `TrainedRun` reads a model from (their records list the files).
    static let readStages = ["load", "preprocess", "split", "train"]

    /// The manifest's own SHA-256 once everything it and the stage records list matches.
    func verify() throws -> String {
        let manifestURL = folder.appendingPathComponent("manifest.json")
        guard let bytes = try? Data(contentsOf: manifestURL),
              let manifest = try? JSONDecoder().decode(ExportedArtifacts.self, from: bytes) else {
            throw refusal("\(manifestURL.path) is missing or not a run manifest", hint: "a run reloads once its export stage has finished")
        }
        try check(manifest.artifacts)
        let store = ArtifactStore(root: folder)
        for stage in Self.readStages {
            guard let record = store.record(stage) else {
                throw refusal("stage \(stage) has no record in \(folder.path)", hint: "the run is incomplete or being rewritten")
            }
            try check(record.outputs)
        }
        // The exported model.json is a copy of the trained one: the model read is the one exported.
        if let exported = manifest.artifacts["model.json"], let record = store.record("train"),
           let trained = record.outputs["stages/train/model.json"], trained.sha256 != exported.sha256 {
            throw refusal("the trained model differs from the exported model.json", hint: "a new run is between its train and export stages")
        }
        return ContentHash.hex(bytes)
    }

    /// Each file at its relative path has the recorded size and hash.
    private func check(_ outputs: [String: ArtifactStore.Record.Output]) throws {
        for (path, output) in outputs.sorted(by: { $0.key < $1.key }) {
            let url = folder.appendingPathComponent(path)
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? nil
            guard let size else { throw refusal("\(path) is missing", hint: "the run is incomplete or being rewritten") }
            guard size == output.bytes else {
                throw refusal("\(path) has \(size) bytes; its record says \(output.bytes)", hint: "the run is incomplete or being rewritten")
            }
            guard try ContentHash.hex(fileAt: url) == output.sha256 else {
                throw refusal("\(path) does not match its recorded SHA-256", hint: "the file changed after the run wrote it; run the pipeline again")
            }
        }
    }

    private func refusal(_ what: String, hint: String) -> PipelineError { PipelineError(what: what, hint: hint) }

    /// The part of manifest.json a reload checks.
    private struct ExportedArtifacts: Decodable {
        var artifacts: [String: ArtifactStore.Record.Output]
    }
}
