import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Progress of long stages on stderr: a redrawn bar with rate and ETA on a terminal, plain
/// periodic lines otherwise (CI logs), nothing when quiet.
public final class ProgressReporter: @unchecked Sendable {
    public enum Style: Sendable { case bar, lines, quiet }

    public let style: Style
    let write: @Sendable (String) -> Void

    public init(style: Style, write: @escaping @Sendable (String) -> Void = Terminal.writeError) {
        self.style = style
        self.write = write
    }

    /// Bar on a terminal, lines otherwise.
    public static func automatic(quiet: Bool) -> ProgressReporter {
        ProgressReporter(style: quiet ? .quiet : Terminal.stderrIsTerminal ? .bar : .lines)
    }

    public func task(_ label: String, total: Int, unit: String = "items") -> ProgressTask {
        ProgressTask(reporter: self, label: label, total: total, unit: unit)
    }
}

/// One counted piece of work; `advance` may be called from any thread.
public final class ProgressTask: @unchecked Sendable {
    private let reporter: ProgressReporter
    private let label: String, unit: String
    private let total: Int
    private let lock = NSLock()
    private var done = 0
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var lastLineFraction = 0.0

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
            guard now.timeIntervalSince(lastDraw) >= 0.1 || done >= total else { return }
            lastDraw = now
            reporter.write("\r\u{1B}[2K" + line(now: now, bar: true))
        case .lines:
            let fraction = total > 0 ? Double(done) / Double(total) : 0
            guard fraction - lastLineFraction >= 0.25 || now.timeIntervalSince(lastDraw) >= 10 else { return }
            guard done < total else { return }  // finish() prints the last line
            lastDraw = now
            lastLineFraction = fraction
            reporter.write(line(now: now, bar: false) + "\n")
        }
    }

    /// Ends the task with an optional note (e.g. "287 cached, 13 extracted").
    public func finish(_ note: String = "") {
        lock.lock()
        defer { lock.unlock() }
        guard reporter.style != .quiet, total > 0 else { return }
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let text = "\(label): \(done)/\(total) \(unit) in \(Terminal.duration(elapsed)) (\(Terminal.rate(rate)) \(unit)/s)"
            + (note.isEmpty ? "" : ", \(note)")
        reporter.write((reporter.style == .bar ? "\r\u{1B}[2K" : "") + text + "\n")
    }

    private func line(now: Date, bar: Bool) -> String {
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let stats = "\(done)/\(total) \(Terminal.rate(rate)) \(unit)/s ETA \(Terminal.duration(eta))"
        guard bar else { return "\(label): \(Int(fraction * 100))% \(stats)" }
        let width = 24
        let filled = Int(fraction * Double(width))
        return "\(label) [" + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + "] \(stats)"
    }
}

/// Facts about the terminal and small formatting helpers.
public enum Terminal {
    public static var stderrIsTerminal: Bool { isatty(2) != 0 }
    public static var stdoutIsTerminal: Bool { isatty(1) != 0 }

    /// Colours only on a terminal and never when NO_COLOR is set (https://no-color.org).
    public static var useColor: Bool {
        stderrIsTerminal && ProcessInfo.processInfo.environment["NO_COLOR"].map { $0.isEmpty } ?? true
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    public static let writeError: @Sendable (String) -> Void = { text in
        FileHandle.standardError.write(Data(text.utf8))
    }

    public static func duration(_ seconds: Double) -> String {
        if seconds < 1 { return String(format: "%.0f ms", seconds * 1000) }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let s = Int(seconds.rounded())
        return s < 3600 ? String(format: "%d:%02d", s / 60, s % 60) : String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
    }

    public static func rate(_ r: Double) -> String {
        r >= 100 ? String(format: "%.0f", r) : r >= 10 ? String(format: "%.1f", r) : String(format: "%.2f", r)
    }
}
