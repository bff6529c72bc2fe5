import Foundation
@testable import FeaturePipeline
import Testing

@Suite struct SpecValidationTests {
    let file = URL(fileURLWithPath: "/tmp/spec-tests/catalog.yaml")

    func issues(_ yaml: String) -> [String] {
        do {
            _ = try PipelineSpec.parse(yaml, file: file)
            return []
        } catch let error as SpecError {
            return error.issues.map(\.description)
        } catch {
            return ["unexpected \(error)"]
        }
    }

    @Test func threePlantedMistakesGiveThreeExactMessages() {
        let yaml = """
            name: demo
            data:
              items: {path: items.csv, id: item_id}
              interactions: {path: ratings.csv}
            split:
              method: randon
              valid: 1.5
            train:
              epoch: 10
            """
        #expect(issues(yaml) == [
            "/tmp/spec-tests/catalog.yaml:6:11: split.method: 'randon' is not one of random, per_user, temporal, column (hint: did you mean 'random'?)",
            "/tmp/spec-tests/catalog.yaml:7:10: split.valid: 1.5 is out of range (hint: allowed: 0 to 0.9)",
            "/tmp/spec-tests/catalog.yaml:9:3: train.epoch: unknown key 'epoch' (hint: did you mean 'epochs'?)",
        ])
    }

    @Test func wrongTypesNameTheAllowedValues() {
        let yaml = """
            data:
              items: {path: items.csv}
              interactions: {path: ratings.csv}
            train: {batch_size: big, early_stopping: {patience: [1]}}
            model: {hidden: [128, -4]}
            """
        #expect(issues(yaml) == [
            "/tmp/spec-tests/catalog.yaml:4:21: train.batch_size: expected an integer, found 'big' (hint: allowed: 1 to 65536)",
            "/tmp/spec-tests/catalog.yaml:4:53: train.early_stopping.patience: expected an integer, found a list (hint: allowed: 0 to 10000)",
            "/tmp/spec-tests/catalog.yaml:5:23: model.hidden[1]: '-4' is not allowed here (hint: expected integers: 1 to 8192)",
        ])
    }

    @Test func missingRequiredKeysAreReportedAtTheirMapping() {
        let yaml = """
            data:
              items: {id: sku}
            """
        #expect(issues(yaml) == [
            "/tmp/spec-tests/catalog.yaml:2:3: data.interactions.path: missing required key 'path' (hint: add `path: <file>` under data.interactions)",
            "/tmp/spec-tests/catalog.yaml:2:10: data.items.path: missing required key 'path' (hint: add `path: <file>` under data.items)",
        ])
    }

    @Test func syntaxErrorsCarryTheirPosition() {
        let found = issues("data:\n  items: {path: a.csv\nsplit: {}\n")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("/tmp/spec-tests/catalog.yaml:3:") == true, "\(found)")
    }

    @Test func defaultsAreFilledInAndPathsResolveAgainstTheFile() throws {
        let spec = try PipelineSpec.parse("data: {items: {path: ../fx/items.csv}, interactions: {path: r.jsonl}}\n", file: file)
        #expect(spec.name == "catalog")
        #expect(spec.seed == 42)
        #expect(spec.data.items.path.path == "/tmp/fx/items.csv")
        #expect(spec.data.interactions.table.format == .auto)
        #expect(spec.data.mediaRoot.path == "/tmp/fx")
        #expect(spec.split.valid == 0.1 && spec.train.batchSize == 256)
        #expect(spec.outputs.directory.path == "/tmp/spec-tests/runs/catalog")
        #expect(spec.resolvedYAML.contains("batch_size: 256"))
        #expect(spec.resolvedYAML.contains("timestamp: null"))
    }

    @Test func resolvedYAMLParsesBackToTheSameSpec() throws {
        let spec = try PipelineSpec.parse("data: {items: {path: i.csv}, interactions: {path: r.csv}}\nsplit: {method: per_user}\n", file: file)
        let again = try PipelineSpec.parse(spec.resolvedYAML, file: file)
        #expect(again.resolvedYAML == spec.resolvedYAML)
        #expect(again.split == spec.split && again.train == spec.train && again.model == spec.model)
    }

    @Test func columnSplitNeedsAColumn() {
        let found = issues("data: {items: {path: i.csv}, interactions: {path: r.csv}}\nsplit: {method: column}\n")
        #expect(found == ["/tmp/spec-tests/catalog.yaml:2:17: split.method: method 'column' needs a split column (hint: set data.interactions.split to the column holding train/valid/test)"])
    }

    @Test func referenceDocumentsEveryKeyOnce() {
        let reference = PipelineSpec.reference()
        let paths = reference.map(\.path)
        #expect(Set(paths).count == paths.count)
        #expect(paths.contains("train.early_stopping.patience"))
        #expect(paths.contains("features.fields[].separator"))
        #expect(reference.allSatisfy { !$0.doc.isEmpty })
    }
}
