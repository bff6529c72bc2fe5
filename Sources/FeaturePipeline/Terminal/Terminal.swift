import Foundation
import TensorCore

#if canImport(Glibc)
    import Glibc
#endif

/// Facts about the terminal and small formatting helpers.
public enum Terminal {
    public static var stderrIsTerminal: Bool { isatty(2) != 0 }
    public static var stdoutIsTerminal: Bool { isatty(1) != 0 }

    /// Whether stderr can take cursor movement (a terminal that is not TERM=dumb): the progress
    /// bar redraws in place only then.
    public static var stderrIsInteractive: Bool {
        stderrIsTerminal && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    /// Colours only on a terminal and never when NO_COLOR is set to anything (https://no-color.org).
    public static var useColor: Bool {
        stderrIsInteractive && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
    }

    /// Columns of the terminal on stderr (COLUMNS, else the window size, else 80).
    public static var width: Int {
        var size = winsize()
        if ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
        return 80
    }

    public static let writeError: @Sendable (String) -> Void = { text in
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// One failure as one line on stderr: "error: what (hint: …)", the prefix red on a colour terminal.
    public static func reportError(_ message: String) {
        StatusLine.standardError.print(style("error:", .red) + " " + message)
    }

    /// An error as one line: its description; Foundation's file errors told by cause, path and
    /// hint (`FileSystemProblem`). A description of several lines is joined with "; ".
    public static func describe(_ error: any Error) -> String {
        let text = FileSystemProblem(translating: error)?.description ?? "\(error)"
        return text.split(whereSeparator: \.isNewline).joined(separator: "; ")
    }

    public enum Colour: String, Sendable {
        case red = "31", yellow = "33", green = "32", cyan = "36", dim = "2"
    }

    /// `text` in `colour` when colours are on, else unchanged.
    public static func style(_ text: String, _ colour: Colour, enabled: Bool = Terminal.useColor) -> String {
        enabled ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
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
