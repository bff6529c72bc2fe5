/// Builds a stage's cache key: SHA-256 over the tool version, the stage name and every input
/// that can change its outputs (configuration text, input artifact hashes, file contents).
struct StageKey {
    private var hasher = ContentHash()

    init(_ stage: String) {
        hasher.field(ToolVersion.current)
        hasher.field(String(ToolVersion.artifactRevision))
        hasher.field(stage)
    }

    mutating func add(_ label: String, _ value: String) {
        hasher.field(label)
        hasher.field(value)
    }

    mutating func add(_ label: String, _ record: ArtifactStore.Record) {
        for path in record.outputs.keys.sorted() { add("\(label):\(path)", record.outputs[path]!.sha256) }
    }

    mutating func finalize() -> String { hasher.finalize() }
}
