import Foundation
import TensorCore
import Recommender
import Yams

/// A pipeline file, read and validated: every section with its defaults filled in.
public struct PipelineSpec: Sendable {
    /// The pipeline file; relative paths inside it resolve against its folder.
    public var file: URL
    public var name: String
    public var seed: UInt64
    public var data: DataSpec
    public var preprocess: PreprocessOptions
    public var split: SplitOptions
    public var features: FeatureSpec
    public var model: ModelOptions
    public var train: TrainOptions
    public var evaluate: EvaluationOptions
    public var outputs: OutputSpec
    /// Resolved YAML of each top-level section (defaults included), keyed by section name: the
    /// configuration part of each stage's cache key, and what `config --resolved` prints.
    public var resolvedSections: [(name: String, yaml: String)]
    /// Resolved YAML of each modality's subsection of `features` (its per-item cache key).
    public var resolvedModalities: [String: String]

    public var baseDirectory: URL { file.deletingLastPathComponent() }

    /// Resolved YAML of the whole file.
    public var resolvedYAML: String { resolvedSections.map(\.yaml).joined() }

    public func resolvedSection(_ name: String) -> String {
        resolvedSections.first { $0.name == name }?.yaml ?? ""
    }

    /// Reads and validates a pipeline file; throws `SpecError` listing every problem found.
    public static func load(_ url: URL) throws -> PipelineSpec { try load(url, modalities: .standard) }

    static func load(_ url: URL, modalities: ModalityRegistry) throws -> PipelineSpec {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            let problem = FileSystemProblem.reading(url.path, failedWith: error)
            throw SpecError(issues: [SpecIssue(file: url.path, line: 1, column: 1, keyPath: "",
                                               message: "cannot read the file: \(problem.reason)", hint: problem.hint)])
        }
        return try parse(text, file: url, modalities: modalities)
    }

    public static func parse(_ text: String, file: URL) throws -> PipelineSpec { try parse(text, file: file, modalities: .standard) }

    static func parse(_ text: String, file: URL, modalities: ModalityRegistry) throws -> PipelineSpec {
        let diag = SpecDiagnostics(file: file.path)
        if text.allSatisfy(\.isWhitespace) {
            throw SpecError(issues: [SpecIssue(file: file.path, line: 1, column: 1, keyPath: "", message: "the pipeline file is empty",
                                               hint: "start from pipelines/catalog.yaml; `pipeline config --reference` lists every key")])
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw SpecError(issues: [syntaxIssue(error, file: file.path)])
        }
        if let root, root.mapping == nil, !(root.scalar.map { ["", "~", "null"].contains($0.string) } ?? false) {
            // Not a pipeline file at all (a CSV given by mistake): one problem, not one per missing key.
            _ = MappingReader(node: root, path: "", diag: diag)
            throw SpecError(issues: diag.issues)
        }
        let spec = read(root, file: file, diag: diag, modalities: modalities)
        if !diag.issues.isEmpty {
            let sorted = diag.issues.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
            throw SpecError(issues: sorted)
        }
        return spec
    }

    /// Every key with its type, default and documentation, for docs/pipeline-spec.md.
    public static func reference() -> [SpecKeyReference] {
        let diag = SpecDiagnostics(file: "reference", documenting: true)
        _ = read(nil, file: URL(fileURLWithPath: "/reference.yaml"), diag: diag, modalities: .standard)
        return diag.reference
    }

    private static func read(_ root: Node?, file: URL, diag: SpecDiagnostics, modalities registry: ModalityRegistry) -> PipelineSpec {
        let r = MappingReader(node: root, path: "", diag: diag)
        let base = file.deletingLastPathComponent()
        let stem = diag.documenting ? "the pipeline file's name" : file.deletingPathExtension().lastPathComponent
        let name = r.string("name", default: stem, doc: "Name of the pipeline; names the default output folder.") ?? stem
        let seed = r.int("seed", default: 42, range: 0...Int.max, doc: "Seed of every random choice (splits, initialisation, shuffling, dropout).")
        let data = DataSpec.read(r.section("data", doc: "Where the items and interactions are."), base: base)
        let preprocess = PreprocessOptions.read(r.section("preprocess", doc: "Cleaning rules for the interactions."))
        let split = SplitOptions.read(r.section("split", doc: "How ratings are divided into train, validation and test."))
        if split.method == .column, data.interactions.split == nil, !diag.documenting {
            r.report("split.method", r.node("split").flatMap { $0["method"] }, "method 'column' needs a split column",
                     hint: "set data.interactions.split to the column holding train/valid/test")
        }
        if split.method == .temporal, data.interactions.timestamp == nil, !diag.documenting {
            r.report("split.method", r.node("split").flatMap { $0["method"] }, "method 'temporal' needs timestamps",
                     hint: "set data.interactions.timestamp to the time column")
        }
        var features = FeatureSpec.read(r.section("features", doc: "What is extracted from each item."), registry: registry)
        let usersReader = r.section("users", doc: "The user tower.")
        let model = ModelOptions.read(r.section("model", doc: "Shape of the fused rating model."), users: usersReader)
        features.userFields = TabularField.readList(usersReader, key: "fields", doc: "Tabular columns of the users file (data.users) fed to the user tower.")
        usersReader.finish()
        let train = TrainOptions.read(r.section("train", doc: "Optimisation of the fused model."))
        let evaluate = EvaluationOptions.read(r.section("evaluate", doc: "Metrics, baselines and ablation."))
        let outputs = OutputSpec.read(r.section("outputs", doc: "What is written, and where."), base: base, name: name)
        r.finish()
        func yaml(_ key: String, _ value: MappingReader.Resolved) -> String {
            (try? Yams.serialize(node: Node([(Node(key), value.yamlNode())]), sortKeys: false)) ?? ""
        }
        let sections = r.resolved.map { (name: $0.key, yaml: yaml($0.key, $0.value)) }
        var modalities: [String: String] = [:]
        if case .mapping(let featuresReader)? = r.resolved.first(where: { $0.key == "features" })?.value {
            for entry in featuresReader.resolved where registry.names.contains(entry.key) {
                modalities[entry.key] = yaml(entry.key, entry.value)
            }
        }
        return PipelineSpec(
            file: file, name: name, seed: UInt64(seed), data: data, preprocess: preprocess, split: split,
            features: features, model: model, train: train, evaluate: evaluate, outputs: outputs,
            resolvedSections: sections, resolvedModalities: modalities)
    }

    private static func syntaxIssue(_ error: YamlError, file: String) -> SpecIssue {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let where_ = context.map { " (\($0.text))" } ?? ""
            return SpecIssue(file: file, line: mark.line, column: mark.column, keyPath: "",
                             message: "YAML syntax: \(problem)\(where_)",
                             hint: "check indentation, colons and closing brackets near this line")
        default:
            return SpecIssue(file: file, line: 1, column: 1, keyPath: "", message: "YAML: \(error)", hint: nil)
        }
    }
}
