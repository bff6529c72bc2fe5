import FeaturePipeline
import Foundation

/// Invariants of the pipeline-file reader (Yams + the spec reader) on arbitrary text.
enum SpecChecks {
    static let file = URL(fileURLWithPath: "/fuzz/pipelines/fuzz.yaml")

    /// A file is either accepted or rejected with a `SpecError` of located issues. An accepted
    /// file's resolved form (what `pipeline config --resolved` prints) is itself a valid pipeline
    /// file that resolves to the same text.
    static func pipelineFile(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        let spec: PipelineSpec
        do {
            spec = try PipelineSpec.parse(text, file: file)
        } catch let error as SpecError {
            if error.issues.isEmpty { return "a SpecError without issues" }
            if let bad = error.issues.first(where: { $0.line < 1 || $0.column < 1 || $0.message.isEmpty }) {
                return "an issue without a position or message: \(bad)"
            }
            return nil
        } catch {
            return "unexpected error \(type(of: error)): \(error)"
        }
        do {
            let again = try PipelineSpec.parse(spec.resolvedYAML, file: file)
            if again.resolvedYAML != spec.resolvedYAML {
                return "the resolved file does not resolve to itself:\n\(spec.resolvedYAML)\n---\n\(again.resolvedYAML)"
            }
        } catch {
            return "the resolved file is rejected: \(error)\n\(spec.resolvedYAML)"
        }
        return nil
    }
}
