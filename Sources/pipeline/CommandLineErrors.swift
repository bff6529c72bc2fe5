import ArgumentParser
import FeaturePipeline
import Foundation

/// The error layer at the command line's boundary: whatever a command throws, or whatever the
/// argument parser rejects, reaches the user as one `error: what (hint: …)` line and a
/// documented exit status (docs/cli.md), never as a backtrace or a Foundation error domain.
enum CommandLineErrors {
    /// Reports `error` (already printed when it is an `ExitCode`) and returns the exit status.
    static func report(_ error: any Error, arguments: [String]) -> Int32 {
        if let code = error as? ExitCode { return code.rawValue }
        let status = PipelineCommand.exitCode(for: error)
        if status == .success {  // --help, --version
            print(PipelineCommand.fullMessage(for: error))
            return 0
        }
        if status == ExitCode.validationFailure {  // the parser's errors and ValidationError
            Terminal.reportError(usageMessage(error, arguments: arguments))
            return ExitCode.validationFailure.rawValue
        }
        Terminal.reportError(Terminal.describe(error))
        return ExitStatus.failure
    }

    /// The parser's message in the tool's style, with the closest command when the first word
    /// is not one, and the help to read.
    static func usageMessage(_ error: any Error, arguments: [String]) -> String {
        let names = PipelineCommand.configuration.subcommands.map { $0._commandName }
        guard let first = arguments.first, !first.hasPrefix("-") else {
            return sentence(PipelineCommand.message(for: error)) + " (hint: `pipeline --help` lists the commands)"
        }
        guard names.contains(first) else {
            let guess = nearestKey(to: first, among: names)  // the spec's did-you-mean
            return "unknown command '\(first)' (hint: \(guess.map { "did you mean `pipeline \($0)`? " } ?? "")"
                + "`pipeline --help` lists the commands)"
        }
        let text = sentence(PipelineCommand.message(for: error))
        return text.contains("(hint: ") ? text : text + " (hint: `pipeline \(first) --help` shows its arguments)"
    }

    /// "Unknown option '--forse'. Did you mean '--force'?" → "unknown option '--forse'; did you mean '--force'?"
    static func sentence(_ message: String) -> String {
        var text = message.split(whereSeparator: \.isNewline).joined(separator: "; ")
        text = text.replacingOccurrences(of: ". Did you mean", with: "; did you mean")
        if text.hasPrefix("Error: ") { text.removeFirst(7) }
        guard let head = text.first, head.isUppercase, !(text.dropFirst().first?.isUppercase ?? false) else { return text }
        return head.lowercased() + text.dropFirst()
    }
}
