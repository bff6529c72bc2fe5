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
        if status == ExitCode.validationFailure || error is ValidationError || isParserError(error) {
            Terminal.reportError(usageMessage(error, arguments: arguments))
            return ExitCode.validationFailure.rawValue
        }
        Terminal.reportError(Terminal.describe(error))
        return ExitStatus.failure
    }

    /// Errors ArgumentParser raised itself (their text, not ours, is in `message(for:)`).
    static func isParserError(_ error: any Error) -> Bool {
        String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }

    /// The parser's message in the tool's style, with the closest command when the first word
    /// is not one, and the help to read.
    static func usageMessage(_ error: any Error, arguments: [String]) -> String {
        let names = PipelineCommand.configuration.subcommands.map { $0._commandName }
        guard let first = arguments.first, !first.hasPrefix("-") else {
            return sentence(PipelineCommand.message(for: error)) + " (hint: `pipeline --help` lists the commands)"
        }
        guard names.contains(first) else {
            let guess = closest(to: first, among: names)
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

    /// The candidate within edit distance 2 (or a third of the word) of `word`, if any.
    static func closest(to word: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word.lowercased(), $0)) }.filter { $0.1 <= max(2, word.count / 3) }
        return scored.min { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }?.0
    }

    /// Levenshtein distance, one row at a time.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let saved = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = saved
            }
        }
        return row[b.count]
    }
}
