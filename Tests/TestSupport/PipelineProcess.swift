import Foundation

/// Runs the built `pipeline` binary (it sits next to the test bundle) and captures its output.
public enum PipelineProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        /// stderr without `warning:` lines (the fixture catalog's planted dirty rows make
        /// preprocessing warn on every run of it).
        public var problems: String {
            stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("warning: ") }
                .joined(separator: "\n")
        }
    }

    public static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("pipeline")
    }

    /// Runs `pipeline args…` to completion.
    @discardableResult
    public static func run(_ args: [String], environment: [String: String] = [:], directory: URL? = nil) throws -> Result {
        try collect(start(args, environment: environment, directory: directory))
    }

    /// Runs a configured `process` to completion, capturing both outputs; `whileRunning` runs after
    /// it started (to send it signals, say).
    public static func collect(_ process: Process, whileRunning: () throws -> Void = {}) throws -> Result {
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Both pipes drain at once: a child that fills stderr (64 KiB: a verbose log, a
        // sanitizer's report) while stdout is read to its end would block forever.
        let errData = Drained()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errData.data = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = Drained()
        DispatchQueue.global().async(group: group) { outData.data = out.fileHandleForReading.readDataToEndOfFile() }
        do { try whileRunning() } catch {
            process.terminate()  // neither the process nor its readers are left behind
            group.wait()
            throw error
        }
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData.data, as: UTF8.self),
                      stderr: String(decoding: errData.data, as: UTF8.self))
    }

    /// Bytes read on another thread; read back only after that thread is done (group.wait()).
    private final class Drained: @unchecked Sendable {
        var data = Data()
    }

    /// A configured, not yet started process (for tests that kill it).
    public static func start(_ args: [String], environment: [String: String] = [:], directory: URL? = nil) -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["SWIFT_BACKTRACE"] = "enable=no"
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        return process
    }
}

/// A private copy of the committed fixture catalog and a pipeline file pointing at it, so tests
/// can change files and timestamps freely.
public struct CatalogWorkspace {
    public let root: URL
    public let catalog: URL
    public let pipeline: URL
    public let runs: URL

    /// `extraYAML` is appended to the demo pipeline (after its outputs line is replaced).
    public init(_ label: String, pipelineYAML: String? = nil) throws {
        root = Repository.temporaryDirectory(label)
        catalog = root.appendingPathComponent("catalog")
        runs = root.appendingPathComponent("runs")
        try FileManager.default.copyItem(at: Repository.fixture("catalog"), to: catalog)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("pipelines"), withIntermediateDirectories: true)
        pipeline = root.appendingPathComponent("pipelines/catalog.yaml")
        var yaml = try pipelineYAML ?? String(contentsOf: Repository.root.appendingPathComponent("pipelines/catalog.yaml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "../fixtures/catalog/", with: "../catalog/")
        try yaml.write(to: pipeline, atomically: true, encoding: .utf8)
    }

    /// The run folder the demo pipeline writes (outputs.dir: ../runs/demo).
    public var runDirectory: URL { runs.appendingPathComponent("demo") }

    public func remove() { try? FileManager.default.removeItem(at: root) }
}
