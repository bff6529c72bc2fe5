import AudioFeatures
import FeaturePipeline
import Foundation
import ImageFeatures
import TensorCore
import TextFeatures
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

    /// The option tables drive the reference: each key of a modality's table is documented under
    /// its section with the table's doc line; keys saved only with models are not.
    @Test func everyOptionTableKeyIsInTheReference() {
        let reference = PipelineSpec.reference()
        func check<Options>(_ table: OptionTable<Options>, under section: String) {
            for key in table.keys {
                let entry = reference.first { $0.path == "\(section).\(key.info.name)" }
                if key.info.inPipelineFile {
                    #expect(entry?.doc.hasPrefix(key.info.doc) == true, "\(section).\(key.info.name): \(String(describing: entry))")
                } else {
                    #expect(entry == nil, "\(section).\(key.info.name) is saved with models only")
                }
            }
        }
        check(AudioOptions.keys, under: "features.audio")
        check(AudioOptions.Decibels.keys, under: "features.audio.db")
        check(ImageOptions.keys, under: "features.image")
        check(TextOptions.keys, under: "features.text")
        check(TokenizerOptions.keys, under: "features.text.tokenizer")
        check(TextOptions.VocabularyOptions.keys, under: "features.text.vocabulary")
        check(TextOptions.HashingOptions.keys, under: "features.text.hashing")
    }

    @Test func theDemoPipelineIsValid() throws {
        let spec = try PipelineSpec.load(Repository.root.appendingPathComponent("pipelines/catalog.yaml"))
        #expect(spec.name == "demo")
    }
}
