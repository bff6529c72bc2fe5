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

/// Checks of argument values shared by the commands, run before any work (exit status 64).
enum ArgumentChecks {
    static func threads(_ n: Int?) throws {
        if let n, !(1...1024).contains(n) {
            throw ValidationError("--threads \(n) is out of range (hint: 1 to 1024; leave it out to use every core)")
        }
    }

    /// An empty path would silently mean the current folder.
    static func path(_ value: String?, _ what: String) throws {
        if let value, value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("the \(what) is an empty string (hint: give a path)")
        }
    }
}

/// Opens a finished run for predict, recommend and similar, with the items its item store holds
/// (posted to `pipeline serve`), so they answer as the server does; says on stderr when the
/// folder's latest run did not complete and an earlier model is served, and what the store left out.
func openTrainedRun(_ path: String) throws -> TrainedRun {
    let trained = try TrainedRun(directory: URL(fileURLWithPath: path))
    if let note = trained.stateNote { Terminal.writeError("note: \(note)\n") }
    for warning in try trained.addItemStore() { Terminal.writeError("warning: \(warning)\n") }
    return trained
}

/// The pipeline file and worker threads of the commands that stream a catalog (`extract`, `fit`).
struct CatalogFileArguments: ParsableArguments {
    @Argument(help: "The pipeline file (its data and features sections are used).") var file: String
    @Option(help: "Worker threads (default: all cores).") var threads: Int?

    func validate() throws {
        try ArgumentChecks.path(file, "pipeline file")
        try ArgumentChecks.threads(threads)
    }

    /// The pipeline file, read and validated.
    func spec() throws -> PipelineSpec { try PipelineSpec.load(URL(fileURLWithPath: file)) }
}
