import Foundation

/// The `outputs` section.
public struct OutputSpec: Sendable, Equatable {
    public enum EmbeddingFormat: String, Sendable, CaseIterable { case npy, safetensors }
    public enum ReportFormat: String, Sendable, CaseIterable { case html, none }

    /// Folder of the run's artifacts.
    public var directory: URL
    public var embeddings: [EmbeddingFormat]
    public var report: ReportFormat
    /// Also export the sparse TF-IDF matrix of the items (CSR arrays in safetensors).
    public var sparseText: Bool
}

extension OutputSpec {
    static func read(_ r: MappingReader, base: URL, name: String) -> OutputSpec {
        let dir = r.string("dir", default: "runs/\(name)", doc: "Folder of the run's artifacts, relative to the pipeline file.") ?? "runs/\(name)"
        let embeddings = r.stringList("embeddings", default: ["npy", "safetensors"], allowed: EmbeddingFormat.allCases.map(\.rawValue),
                                      doc: "Formats of the item embeddings export.")
        let report = r.choice("report", default: ReportFormat.html, doc: "Write report.html.")
        let sparse = r.bool("sparse_text", default: false, doc: "Also export the items' sparse TF-IDF matrix (item_text_tfidf.safetensors, CSR arrays).")
        r.finish()
        return OutputSpec(directory: resolve(dir, base), embeddings: embeddings.compactMap(EmbeddingFormat.init),
                          report: report, sparseText: sparse)
    }
}
