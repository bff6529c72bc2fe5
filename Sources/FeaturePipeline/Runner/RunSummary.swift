import Foundation

/// What each stage did in one run, for the terminal summary, `pipeline inspect` and the report.
public struct StageReport: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable { case ran, skipped }
    public var stage: String
    public var status: Status
    public var seconds: Double
    /// Short facts worth a line each ("10031 rows → 9795", "13 extracted, 287 cached").
    public var notes: [String]
}

public struct RunSummary: Sendable, Codable {
    public var pipeline: String
    public var runDirectory: String
    public var stages: [StageReport]
    /// A modality that failed for every item, or every item failing: one line each; absent when
    /// none (`pipeline run` then exits with status 4).
    public var failures: [String]?

    /// The table printed at the end of `pipeline run`.
    public func text() -> String {
        var lines = ["run summary (\(runDirectory)):"]
        for s in stages {
            let status = s.status == .ran ? "ran    " : "skipped"
            let time = s.status == .ran ? Terminal.duration(s.seconds) : "cached"
            lines.append("  \(s.stage.padding(toLength: 10, withPad: " ", startingAt: 0)) \(status) \(time.padding(toLength: 8, withPad: " ", startingAt: 0)) \(s.notes.joined(separator: "; "))")
        }
        let ran = stages.filter { $0.status == .ran }.count
        lines.append(ran == 0 ? "  every stage was up to date; nothing was recomputed" : "  \(ran) of \(stages.count) stages ran")
        return lines.joined(separator: "\n")
    }
}
