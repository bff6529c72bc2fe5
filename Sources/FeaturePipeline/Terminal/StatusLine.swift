import Foundation

/// Every write to stderr of the process, serialised, with one live status line (the progress
/// bar) kept at the bottom of a terminal.
///
/// A log line printed while a bar is shown first clears the bar (`\r` + erase line), then
/// redraws it below, so that bars and messages never share a line. When stderr is not an
/// interactive terminal there is no live line: `show` is never called and `print` writes plain
/// lines.
// Sendable by its lock: `live` is read and written only under `lock`.
public final class StatusLine: @unchecked Sendable {
    public static let standardError = StatusLine(write: Terminal.writeError)

    private let write: @Sendable (String) -> Void
    private let lock = NSLock()
    private var live: String?

    static let erase = "\r\u{1B}[2K"

    public init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// Replaces the live line with `text` (one line, no newline).
    public func show(_ text: String) {
        lock.withLock {
            live = text
            write(Self.erase + text)
        }
    }

    /// Ends the live line: replaces it with `line` (kept in the scrollback) or erases it.
    public func finish(_ line: String?) {
        lock.withLock {
            let hadLive = live != nil
            live = nil
            if let line { write((hadLive ? Self.erase : "") + line + "\n") } else if hadLive { write(Self.erase) }
        }
    }

    /// Writes `line` and a newline above the live line.
    public func print(_ line: String) {
        lock.withLock {
            if let live { write(Self.erase + line + "\n" + live) } else { write(line + "\n") }
        }
    }
}
