import ArgumentParser
import FeaturePipeline
import Foundation
import Recommender

/// Flags shared by the commands that do work.
struct CommonOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Only warnings and errors on stderr (no progress).") var quiet = false
    @Flag(name: .shortAndLong, help: "Also print debug details.") var verbose = false

    func bootstrap() { LogSetup.bootstrapOnce(quiet: quiet, verbose: verbose) }
}

enum LogSetup {
    nonisolated(unsafe) private static var done = false
    static func bootstrapOnce(quiet: Bool, verbose: Bool) {
        guard !done else { return }
        done = true
        StderrLogHandler.bootstrap(quiet: quiet, verbose: verbose)
    }
}

/// Exit statuses (docs/cli.md); usage errors exit 64 through ArgumentParser (`ExitCode.validationFailure`).
enum ExitStatus {
    static let failure: Int32 = 1
    static let invalidPipelineFile: Int32 = 3
    static let partialFailure: Int32 = 4
}

/// Runs a command body and turns any error into one clear line on stderr and an exit status.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as SpecError {
        for issue in error.issues { Terminal.reportError("\(issue)") }
        let n = error.issues.count
        Terminal.writeError("\(n) problem\(n == 1 ? "" : "s") in the pipeline file\n")
        throw ExitCode(ExitStatus.invalidPipelineFile)
    } catch let error as PipelineError {
        Terminal.reportError("\(error)")
        throw ExitCode(error.exitCode)
    } catch let error as ExitCode {
        throw error
    } catch {
        Terminal.reportError(Terminal.describe(error))
        throw ExitCode(ExitStatus.failure)
    }
}
