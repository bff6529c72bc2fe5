import Foundation
import TensorCore

/// Saves and restores a training state (parameters, optimizer state, counters) as one `.safetensors` file.
///
/// Layout: each parameter under its name (e.g. "user.weight", F32), so the file also loads as a
/// PyTorch state dict; optimizer tensors under "optimizer.<key>" (F32, e.g.
/// "optimizer.user.weight.exp_avg"); optimizer counters and the caller's counters as I64 scalars
/// under "optimizer.<key>" and "counter.<name>"; the caller's real values (e.g. a plateau reducer's
/// best metric) as F64 scalars under "value.<name>". Metadata: {"format": "pipeline-checkpoint-1"}.
/// Values are stored bit for bit, so resuming from a checkpoint continues exactly as if training had
/// not stopped (given the same data order and counters such as `Dropout.batchesSeen`). The file is
/// written with `AtomicFile`: a kill during `save` leaves the previous checkpoint intact.
public enum Checkpoint {
    public static let format = "pipeline-checkpoint-1"

    /// What a checkpoint holds besides parameters and optimizer state.
    public struct Extras: Sendable, Equatable {
        public var counters: [String: Int]
        public var values: [String: Double]

        public init(counters: [String: Int] = [:], values: [String: Double] = [:]) {
            self.counters = counters
            self.values = values
        }
    }

    public static func save(to url: URL, parameters: [Parameter], optimizer: (any Optimizer)? = nil,
                            extras: Extras = Extras()) throws {
        requireUniqueNames(parameters)
        var entries = parameters.map { Safetensors.Entry(name: $0.name, tensor: $0.value) }
        if let state = optimizer?.state() {
            entries += state.tensors.map { Safetensors.Entry(name: "optimizer.\($0.key)", tensor: $0.value) }
            entries += state.counters.map { int64Entry("optimizer.\($0.key)", $0.value) }
        }
        entries += extras.counters.map { int64Entry("counter.\($0.key)", $0.value) }
        entries += extras.values.map { entry in
            var bits = entry.value.bitPattern.littleEndian
            return Safetensors.Entry(name: "value.\(entry.key)", dtype: .float64, shape: [],
                                     bytes: withUnsafeBytes(of: &bits) { [UInt8]($0) })
        }
        try Safetensors.write(entries, metadata: ["format": format], to: url)
    }

    /// Loads parameter values (by name) and optimizer state from `url`, and returns the extras.
    ///
    /// Everything is checked before anything is changed: a missing entry or a shape that differs
    /// throws `CheckpointError` and leaves the model and optimizer untouched. Gradients are cleared.
    @discardableResult
    public static func load(from url: URL, parameters: [Parameter], optimizer: (any Optimizer)? = nil) throws -> Extras {
        requireUniqueNames(parameters)
        let file: Safetensors.File
        do { file = try Safetensors.read(url) } catch { throw CheckpointError(path: url.path, problem: "\(error)") }
        guard file.metadata["format"] == format else {
            throw CheckpointError(path: url.path, problem: "metadata format is \(file.metadata["format"].map { "'\($0)'" } ?? "missing"), expected '\(format)'")
        }
        let byName = Dictionary(file.entries.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        func tensor(_ name: String, shape: [Int]) throws -> Tensor {
            guard let e = byName[name] else { throw CheckpointError(path: url.path, problem: "no entry '\(name)'") }
            guard e.dtype == .float32, e.shape == shape else {
                throw CheckpointError(path: url.path, problem: "entry '\(name)' is \(e.dtype.safetensorsCode) \(e.shape), the model needs F32 \(shape)")
            }
            return e.tensor()
        }
        let values = try parameters.map { try tensor($0.name, shape: $0.value.shape) }
        var restored = OptimizerState()
        if let template = optimizer?.state() {
            for (key, t) in template.tensors { restored.tensors[key] = try tensor("optimizer.\(key)", shape: t.shape) }
            for key in template.counters.keys {
                guard let e = byName["optimizer.\(key)"], let v = int64Value(e) else {
                    throw CheckpointError(path: url.path, problem: "no I64 scalar 'optimizer.\(key)'")
                }
                restored.counters[key] = v
            }
        }
        var extras = Extras()
        for e in file.entries {
            if e.name.hasPrefix("counter."), let v = int64Value(e) { extras.counters[String(e.name.dropFirst(8))] = v }
            if e.name.hasPrefix("value."), e.dtype == .float64, e.shape == [] {
                extras.values[String(e.name.dropFirst(6))] = e.bytes.withUnsafeBytes {
                    Double(bitPattern: UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)))
                }
            }
        }
        for (p, v) in zip(parameters, values) {
            p.zeroGrad()
            p.value = v
        }
        optimizer?.restore(restored)
        return extras
    }

    private static func requireUniqueNames(_ parameters: [Parameter]) {
        let names = parameters.map(\.name)
        precondition(Set(names).count == names.count,
                     "Checkpoint: parameter names repeat (\(names)); give each layer a distinct name")
    }

    private static func int64Entry(_ name: String, _ value: Int) -> Safetensors.Entry {
        var v = Int64(value).littleEndian
        return Safetensors.Entry(name: name, dtype: .int64, shape: [], bytes: withUnsafeBytes(of: &v) { [UInt8]($0) })
    }

    private static func int64Value(_ e: Safetensors.Entry) -> Int? {
        guard e.dtype == .int64, e.shape == [] else { return nil }
        return Int(e.bytes.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(as: Int64.self)) })
    }
}

/// A checkpoint that cannot be read into the model at hand.
public struct CheckpointError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let problem: String

    public var description: String {
        "checkpoint \(path): \(problem) (hint: the checkpoint must come from a run with the same model layout and optimizer; delete it to start afresh)"
    }
}
