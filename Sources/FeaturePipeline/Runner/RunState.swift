import Foundation
import TensorCore


/// Where a run folder's last `pipeline run` got to: run_state.json, written when the run starts,
/// when each stage starts computing, and when it ends (complete, failed or interrupted). A run
/// killed outright leaves "running" behind; the folder's lock then tells a live run from a dead
/// one, so `inspect`, `report`, `predict` and `recommend` can say "in progress (pid …)" or
/// "interrupted in train (epoch 7)" instead of showing the previous run as if it were current.
public struct RunState: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case running, complete, failed, interrupted }

    public var status: Status
    public var stage: String?
    public var pid: Int32
    /// The pipeline file, for the "`pipeline run FILE` resumes" hint.
    public var pipelineFile: String

    public static let fileName = "run_state.json"

    public init(status: Status, stage: String?, pid: Int32 = getpid(), pipelineFile: String) {
        self.status = status
        self.stage = stage
        self.pid = pid
        self.pipelineFile = pipelineFile
    }

    enum CodingKeys: String, CodingKey { case status, stage, pid, pipelineFile = "pipeline_file" }

    public func write(to root: URL) {
        // The state is advice for people and tools: a failure to write it never stops a run.
        if let data = try? StableJSON.encode(self) { try? AtomicFile.write(data, to: root.appendingPathComponent(Self.fileName)) }
    }

    /// Marks the run in `root` as interrupted where it stood; returns the stage and the
    /// pipeline file (`fallbackFile` when the run had not recorded its state yet).
    public static func markInterrupted(_ root: URL, fallbackFile: String) -> (stage: String, pipelineFile: String) {
        var state = read(root) ?? RunState(status: .running, stage: nil, pipelineFile: fallbackFile)
        state.status = .interrupted
        state.write(to: root)
        return (state.stage ?? "load", state.pipelineFile)
    }

    public static func read(_ root: URL) -> RunState? {
        guard let data = try? Data(contentsOf: root.appendingPathComponent(fileName)) else { return nil }
        return try? StableJSON.decode(RunState.self, from: data)
    }

    /// Epochs the interrupted training had finished (its checkpoint's history), if any.
    static func checkpointEpochs(_ root: URL) -> Int? {
        let url = root.appendingPathComponent("stages/train/checkpoint/history.json")
        guard let data = try? Data(contentsOf: url),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let epochs = object["epochs"] as? [Any], !epochs.isEmpty else { return nil }
        return epochs.count
    }

    /// One phrase for people, nil when the last run completed: "in progress (pid 4242, in train)",
    /// "interrupted in train (epoch 7 done)", "failed in preprocess".
    public static func describe(_ root: URL) -> String? {
        guard let state = read(root), state.status != .complete else { return nil }
        let stage = state.stage ?? "load"
        let epochs = stage == "train" ? checkpointEpochs(root).map { " (epoch \($0) done)" } ?? "" : ""
        switch state.status {
        case .running where RunLock.isHeld(in: root): return "in progress (pid \(state.pid), in \(stage)\(epochs))"
        case .running, .interrupted: return "interrupted in \(stage)\(epochs); `pipeline run \(state.pipelineFile)` resumes"
        case .failed: return "failed in \(stage); `pipeline run \(state.pipelineFile)` tries again"
        case .complete: return nil
        }
    }
}
