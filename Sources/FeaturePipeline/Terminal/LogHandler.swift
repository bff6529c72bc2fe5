import Foundation
import Logging

/// swift-log handler that writes `pipeline: <level>: message` lines to stderr.
public struct StderrLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let label: String

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let prefix: String
        switch event.level {
        case .trace, .debug: prefix = "debug: "
        case .info, .notice: prefix = ""
        case .warning: prefix = Terminal.useColor ? "\u{1B}[33mwarning:\u{1B}[0m " : "warning: "
        case .error, .critical: prefix = Terminal.useColor ? "\u{1B}[31merror:\u{1B}[0m " : "error: "
        }
        Terminal.writeError("\(prefix)\(event.message)\n")
    }

    /// Installs this handler for the process; `quiet` keeps warnings and errors, `verbose` adds debug.
    public static func bootstrap(quiet: Bool, verbose: Bool) {
        let level: Logger.Level = quiet ? .warning : verbose ? .debug : .info
        LoggingSystem.bootstrap { StderrLogHandler(label: $0, level: level) }
    }
}
