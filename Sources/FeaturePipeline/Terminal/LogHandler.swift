import Foundation
import Logging

/// swift-log handler that writes one line per message to stderr: `warning: …`, `error: …`,
/// `debug: …` (metadata as `key=value` after the message). Prefixes are coloured only on a
/// colour terminal (see `Terminal.useColor`); lines go through `StatusLine` so that a message
/// printed during a progress bar does not break it.
public struct StderrLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let output: StatusLine
    private let colour: Bool

    public init(label: String, level: Logger.Level, output: StatusLine = .standardError, colour: Bool = Terminal.useColor) {
        self.logLevel = level
        self.output = output
        self.colour = colour
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        output.print(Self.line(event.level, "\(event.message)", metadata: metadata.merging(event.metadata ?? [:]) { $1 }, colour: colour))
    }

    /// The text of one message.
    static func line(_ level: Logger.Level, _ message: String, metadata: Logger.Metadata, colour: Bool) -> String {
        let prefix: String
        switch level {
        case .trace, .debug: prefix = Terminal.style("debug:", .dim, enabled: colour) + " "
        case .info, .notice: prefix = ""
        case .warning: prefix = Terminal.style("warning:", .yellow, enabled: colour) + " "
        case .error, .critical: prefix = Terminal.style("error:", .red, enabled: colour) + " "
        }
        let fields = metadata.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        return prefix + message + fields
    }

    /// Installs this handler for the process; `quiet` keeps warnings and errors, `verbose` adds debug.
    public static func bootstrap(quiet: Bool, verbose: Bool) {
        let level: Logger.Level = quiet ? .warning : verbose ? .debug : .info
        LoggingSystem.bootstrap { StderrLogHandler(label: $0, level: level) }
    }
}
