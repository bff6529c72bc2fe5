/// The generated part of docs/pipeline-spec.md: one table row per key.
public enum SpecReferenceDocument {
    public static let beginMarker = "<!-- BEGIN GENERATED: pipeline config --reference -->"
    public static let endMarker = "<!-- END GENERATED -->"

    public static func markdownTable() -> String {
        var out = "| key | type | default | meaning |\n|---|---|---|---|\n"
        for key in PipelineSpec.reference() where key.type != "mapping" || !key.doc.isEmpty {
            let type = key.type == "mapping" || key.type == "list of mappings" ? "*\(key.type)*" : key.type
            out += "| `\(key.path)` | \(type) | \(key.defaultValue) | \(key.doc.replacingOccurrences(of: "|", with: "\\|")) |\n"
        }
        return out
    }
}
