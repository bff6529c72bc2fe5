import FeaturePipeline
import Foundation
import TestSupport
import Testing

/// docs/pipeline-spec.md must document every key exactly as the code reads it.
@Suite struct SpecDocumentTests {
    @Test func referenceTableInDocsMatchesTheCode() throws {
        let doc = try String(contentsOf: Repository.root.appendingPathComponent("docs/pipeline-spec.md"), encoding: .utf8)
        let begin = try #require(doc.range(of: SpecReferenceDocument.beginMarker))
        let end = try #require(doc.range(of: SpecReferenceDocument.endMarker))
        let table = doc[begin.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(table == SpecReferenceDocument.markdownTable().trimmingCharacters(in: .whitespacesAndNewlines),
                "regenerate with: pipeline config --reference (between the markers in docs/pipeline-spec.md)")
    }

    @Test func theDemoPipelineIsValid() throws {
        let spec = try PipelineSpec.load(Repository.root.appendingPathComponent("pipelines/catalog.yaml"))
        #expect(spec.name == "demo")
    }
}
