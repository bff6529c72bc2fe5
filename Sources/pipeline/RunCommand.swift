import ArgumentParser
import FeaturePipeline
import Foundation

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline: load, preprocess, split, extract, train, evaluate, export.",
        discussion: """
            Stages whose inputs and configuration did not change since the last run are skipped; a
            killed run resumes where it stopped. Artifacts go to outputs.dir of the pipeline file.

            Example:
              pipeline run pipelines/catalog.yaml
            """)

    @Argument(help: "The pipeline file.") var file: String
    @Option(help: "Worker threads for extraction (default: all cores).") var threads: Int?
    @Flag(help: "Recompute every stage, ignoring what earlier runs left (the per-item feature cache in RUN/cache still serves unchanged files: delete it to decode everything again).")
    var force = false
    @OptionGroup var common: CommonOptions

    func validate() throws {
        try ArgumentChecks.path(file, "pipeline file")
        try ArgumentChecks.threads(threads)
    }

    func run() throws {
        common.bootstrap()
        let job = try reportingErrors { try TrainingJob.join() }
        try job.run { try reportingErrors { try run(in: job) } }
    }

    /// The run as rank 0 (or alone) does it; other ranks of a training job extract and train with it.
    private func run(in job: TrainingJob) throws {
        let spec = try PipelineSpec.load(URL(fileURLWithPath: file))
        var options = RunOptions()
        options.quiet = common.quiet || !job.leads
        options.force = force
        if let threads { options.threads = threads }
        let runner = PipelineRunner(spec: spec, options: options)
        runner.group = job.group
        guard job.leads else { return try runner.follow() }
        job.othersReleased = { runner.followersReleased }
        let interrupts = InterruptHandler(runFolder: spec.outputs.directory, pipelineFile: file)
        defer { withExtendedLifetime(interrupts) {} }
        let summary = try runner.run()
        if !common.quiet { Terminal.writeError(summary.text() + "\n") }
        if let failures = summary.failures {
            for line in failures { Terminal.reportError(line) }
            throw ExitCode(ExitStatus.partialFailure)
        }
    }
}
