import Foundation
import TensorCore

/// Writes report.html into a run folder: at the end of every `pipeline run`, and by `pipeline report`.
public enum ReportWriter {
    public static let fileName = "report.html"

    /// Renders the report of the run in `runDirectory` and writes it atomically to `output`
    /// (default: report.html in the run folder). Returns where it went and its size in bytes.
    @discardableResult
    public static func write(runDirectory: URL, colorBy: String? = nil, to output: URL? = nil) throws -> (url: URL, bytes: Int) {
        let report = try RunReport.load(from: runDirectory)
        let projection = try EmbeddingProjection.load(from: runDirectory, colorBy: colorBy)
        let data = Data(report.html(projection: projection).utf8)
        let url = output ?? runDirectory.appendingPathComponent(fileName)
        try AtomicFile.write(data, to: url)  // its FileSystemProblem names the path, the cause and a hint
        return (url, data.count)
    }
}
