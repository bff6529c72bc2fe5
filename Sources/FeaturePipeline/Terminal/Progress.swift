import Foundation

/// Progress of long stages on stderr: a bar with rate and ETA redrawn in place on a terminal,
/// plain periodic lines otherwise (CI logs, files), nothing when quiet.
public final class ProgressReporter: Sendable {
    public enum Style: Sendable { case bar, lines, quiet }

    public let style: Style
    let output: StatusLine
    let colour: Bool
    /// Columns available to the bar (it is cut to fit, so it never wraps).
    let width: @Sendable () -> Int

    public convenience init(style: Style, write: @escaping @Sendable (String) -> Void = Terminal.writeError, colour: Bool = false,
                width: @escaping @Sendable () -> Int = { 80 }) {
        self.init(style: style, output: StatusLine(write: write), colour: colour, width: width)
    }

    init(style: Style, output: StatusLine, colour: Bool, width: @escaping @Sendable () -> Int) {
        self.style = style
        self.output = output
        self.colour = colour
        self.width = width
    }

    /// Bar on an interactive terminal, lines otherwise; writes through `StatusLine.standardError`
    /// so log messages never break the bar.
    public static func automatic(quiet: Bool) -> ProgressReporter {
        ProgressReporter(style: quiet ? .quiet : Terminal.stderrIsInteractive ? .bar : .lines,
                         output: .standardError, colour: Terminal.useColor, width: { Terminal.width })
    }

    public func task(_ label: String, total: Int, unit: String = "items") -> ProgressTask {
        ProgressTask(reporter: self, label: label, total: total, unit: unit)
    }
}

/// One counted piece of work; `advance` may be called from any thread.
// Sendable by its lock: the counters and draw times change only under `lock`.
public final class ProgressTask: @unchecked Sendable {
    private let reporter: ProgressReporter
    private let label: String, unit: String
    private let total: Int
    private let lock = NSLock()
    private var done = 0
    private let start = Date()
    private var lastDraw = Date.distantPast
    /// Quarters of the work already announced by a plain line.
    private var lastQuarter = 0

    /// Shortest time between two redraws of the bar, and longest between two plain lines.
    static let redrawInterval = 0.1, lineInterval = 10.0
    /// Plain lines are also written at every quarter of the work.
    static let lineStep = 0.25

    init(reporter: ProgressReporter, label: String, total: Int, unit: String) {
        self.reporter = reporter
        self.label = label
        self.total = max(total, 0)
        self.unit = unit
    }

    public func advance(by n: Int = 1) {
        lock.lock()
        defer { lock.unlock() }
        done += n
        let now = Date()
        switch reporter.style {
        case .quiet: return
        case .bar:
            guard now.timeIntervalSince(lastDraw) >= Self.redrawInterval || done >= total else { return }
            lastDraw = now
            reporter.output.show(barLine(now: now))
        case .lines:
            let fraction = total > 0 ? Double(done) / Double(total) : 0
            let quarter = Int(fraction / Self.lineStep)
            let waited = now.timeIntervalSince(lastDraw == .distantPast ? start : lastDraw)
            guard quarter > lastQuarter || waited >= Self.lineInterval else { return }
            guard done < total else { return }  // finish() prints the last line
            lastDraw = now
            lastQuarter = quarter
            reporter.output.print("\(label): \(Int(fraction * 100))% \(stats(now: now))")
        }
    }

    /// Ends the task with an optional note (e.g. "287 cached, 13 extracted"): one line that stays.
    public func finish(_ note: String = "") {
        lock.lock()
        defer { lock.unlock() }
        guard reporter.style != .quiet, total > 0 else { return }
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        reporter.output.finish("\(label): \(done)/\(total) \(unit) in \(Terminal.duration(elapsed)) (\(Terminal.rate(rate)) \(unit)/s)"
                               + (note.isEmpty ? "" : ", \(note)"))
    }

    /// "152/300 173 items/s ETA 856 ms"; the ETA is "–" until a rate is known.
    private func stats(now: Date) -> String {
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 && done > 0 ? Terminal.duration(Double(max(total - done, 0)) / rate) : "–"
        return "\(done)/\(total) \(Terminal.rate(rate)) \(unit)/s ETA \(eta)"
    }

    /// "extract audio [█████░░░░░]  50% 152/300 173 items/s ETA 856 ms", cut to the terminal width.
    func barLine(now: Date) -> String {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let percent = String(repeating: " ", count: fraction < 0.1 ? 2 : fraction < 1 ? 1 : 0) + "\(Int(fraction * 100))%"
        let tail = " \(percent) \(stats(now: now))"
        let room = reporter.width() - 1 - label.count - 3 - tail.count  // never touch the last column: no wrap
        let cells = min(30, room)
        guard cells >= 5 else { return String((label + tail).prefix(max(reporter.width() - 1, 0))) }
        let filled = Int(fraction * Double(cells))
        let bar = Terminal.style(String(repeating: "█", count: filled), .cyan, enabled: reporter.colour)
            + String(repeating: "░", count: cells - filled)
        return "\(label) [\(bar)]\(tail)"
    }
}
