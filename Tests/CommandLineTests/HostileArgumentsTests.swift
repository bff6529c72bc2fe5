import Foundation
import TestSupport
import Testing

/// Every subcommand driven with arguments a person gets wrong: zero, negative, huge and
/// non-numeric numbers, empty strings, files where folders belong and folders where files
/// belong, missing paths, a CSV where a pipeline file belongs and a YAML where a table belongs.
/// (Unreadable files are not among them: the suite may run as root, which reads everything.) Each must end in a documented
/// status below 128 with exactly one `error:` line, and nothing of Foundation's or the
/// runtime's internals may reach the user.
@Suite struct HostileArgumentsTests {
    struct Paths {
        let root = Repository.temporaryDirectory("hostile-args")
        var file: String { root.appendingPathComponent("plain.txt").path }
        var empty: String { root.appendingPathComponent("empty.yaml").path }
        var folder: String { root.appendingPathComponent("folder").path }
        var missing: String { root.appendingPathComponent("missing/nothing.yaml").path }
        var underFile: String { root.appendingPathComponent("plain.txt/inside").path }
        let csv = Repository.fixture("catalog/ratings.csv").path
        let yaml = Repository.root.appendingPathComponent("pipelines/catalog.yaml").path

        init() throws {
            try "hello\n".write(toFile: file, atomically: true, encoding: .utf8)
            try "".write(toFile: empty, atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
    }

    static let forbidden = ["NSCocoaErrorDomain", "Swift runtime failure", "Fatal error", "Backtracing", "Program crashed",
                            "Error Domain=", "Error:"]

    /// (arguments, expected exit status)
    static func cases(_ p: Paths, run: String) -> [([String], Int32)] {
        [
            (["runn", p.yaml], 64), (["recomend", run], 64), (["--no-such-flag"], 64),
            (["run", ""], 64), (["run", p.missing], 3), (["run", p.folder], 3), (["run", p.csv], 3), (["run", p.empty], 3),
            (["run", p.yaml, "--threads", "0"], 64), (["run", p.yaml, "--threads", "-1"], 64),
            (["run", p.yaml, "--threads", "99999999999999999999"], 64), (["run", p.yaml, "--forse"], 64),
            (["validate", ""], 64), (["validate", p.missing], 3), (["validate", p.folder], 3), (["validate", p.csv], 3),
            (["config", p.folder], 3), (["config", p.csv], 3),
            (["predict", p.missing, "--user", "u0001", "--item", "i00010"], 1),
            (["predict", p.file, "--user", "u0001", "--item", "i00010"], 1),
            (["predict", p.folder, "--user", "u0001", "--item", "i00010"], 1),
            (["predict", run, "--user", "", "--item", ""], 1),
            (["predict", run, "--user", "u0001", "--item", "i00010", "--catalog", p.csv], 3),
            (["predict", run, "--user", "u0001", "--item", "i00010", "--catalog", ""], 64),
            (["predict", run, "--user", "u0001"], 64),
            (["recommend", run, "--user", "u0001", "-k", "0"], 64), (["recommend", run, "--user", "u0001", "-k", "-5"], 64),
            (["recommend", run, "--user", "u0001", "-k", "99999999999999999999"], 64),
            (["recommend", run, "--user", "u0001", "-k", "ten"], 64), (["recommend", p.file, "--user", "u0001"], 1),
            (["recommend", "", "--user", "u0001"], 64),
            (["similar", run, "no-such-item"], 1), (["similar", run, "i00042", "-k", "0"], 64), (["similar", p.file, "i00001"], 1),
            (["similar", "", "i00001"], 64), (["similar", run, "i00042", "--show", "no_such_column"], 1),
            (["recommend", run, "--history", p.missing], 1), (["recommend", run, "--history", p.folder], 1),
            (["recommend", run, "--history", ""], 64), (["recommend", run], 64),
            (["recommend", run, "--history", p.yaml], 1), (["probe", p.yaml], 4),  // a YAML where a table or media belongs
            (["extract", p.yaml, "--model", p.missing], 1), (["extract", p.yaml, "--threads", "0"], 64),
            (["extract", p.csv], 3), (["extract", p.yaml, "--model", ""], 64),
            (["probe"], 64), (["probe", p.missing], 4), (["probe", p.folder], 4), (["probe", p.empty], 4),
            (["report", p.missing], 1), (["report", p.file], 1), (["report", run, "-o", p.folder], 1),
            (["report", run, "-o", p.underFile + "/report.html"], 1), (["report", run, "--color-by", "no_such_column", "-o", p.root.appendingPathComponent("r.html").path], 1),
            (["inspect", ""], 64), (["inspect", p.missing], 1), (["inspect", p.file], 1), (["inspect", p.folder], 1),
            (["generate", p.underFile], 1), (["generate", p.folder, "--items", "0"], 64),
            (["generate", p.folder, "--users", "0"], 64), (["generate", p.folder, "--ratings", "0"], 64),
            (["generate", p.folder, "--items", "99999999999"], 64), (["generate", p.folder, "--seed", "-1"], 64),
            (["generate", p.folder, "--seed", "abc"], 64),
            (["serve", ""], 64), (["serve", p.missing, "--port", "0"], 1), (["serve", p.folder, "--port", "0"], 1),
            (["serve", run, "--port", "70000"], 64), (["serve", run, "--port", "-1"], 64), (["serve", run, "--host", ""], 64),
        ]
    }

    @Test func everySubcommandFailsWithOneClearLine() throws {
        let paths = try Paths()
        defer { try? FileManager.default.removeItem(at: paths.root) }
        let run = try FixtureRun.directory().path
        var covered = Set<String>()
        for (arguments, expected) in Self.cases(paths, run: run) {
            let result = try PipelineProcess.run(arguments)
            let shown = "pipeline \(arguments.map { $0.isEmpty ? "''" : $0 }.joined(separator: " "))"
            let errorLines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }
            #expect(result.status == expected, "\(shown): exit \(result.status), stderr: \(result.stderr)")
            #expect(errorLines.count == 1, "\(shown): \(errorLines.count) error lines in \(result.stderr)")
            for word in Self.forbidden {
                #expect(!result.stderr.contains(word), "\(shown) shows '\(word)': \(result.stderr)")
            }
            covered.insert(arguments[0])
        }
        let subcommands: Set = ["run", "validate", "config", "predict", "recommend", "similar", "serve", "extract", "probe", "report", "inspect",
                                "generate"]
        #expect(subcommands.isSubset(of: covered))
    }

    @Test func aMistypedCommandGetsTheClosestOne() throws {
        let result = try PipelineProcess.run(["runn", "x.yaml"])
        #expect(result.status == 64)
        #expect(result.stderr == "error: unknown command 'runn' (hint: did you mean `pipeline run`? `pipeline --help` lists the commands)\n")
        let option = try PipelineProcess.run(["run", "x.yaml", "--forse"])
        #expect(option.stderr.hasPrefix("error: unknown option '--forse'; did you mean '--force'? (hint: `pipeline run --help` shows its arguments)"))
    }

    @Test func outputsUnderARegularFileNameTheFile() throws {
        let paths = try Paths()
        defer { try? FileManager.default.removeItem(at: paths.root) }
        let result = try PipelineProcess.run(["generate", paths.underFile])
        #expect(result.stderr == "error: cannot write \(paths.underFile): \(paths.file) is a file, not a folder "
                + "(hint: choose a path under a folder, or move \(paths.file) out of the way)\n")
        let report = try PipelineProcess.run(["report", try FixtureRun.directory().path, "-o", paths.underFile + "/r.html"])
        #expect(report.stderr == "error: cannot write \(paths.underFile)/r.html: \(paths.file) is a file, not a folder "
                + "(hint: choose a path under a folder, or move \(paths.file) out of the way)\n")
    }

    /// outputs.dir under a regular file: the run names the file in the way, not an NSError.
    @Test func outputsDirUnderAFileNamesTheFile() throws {
        let paths = try Paths()
        defer { try? FileManager.default.removeItem(at: paths.root) }
        var yaml = try String(contentsOf: URL(fileURLWithPath: paths.yaml), encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "outputs: {dir: ../runs/demo}", with: "outputs: {dir: \(paths.underFile)}")
            .replacingOccurrences(of: "../fixtures/", with: Repository.root.appendingPathComponent("fixtures").path + "/")
        let file = paths.root.appendingPathComponent("under-file.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let result = try PipelineProcess.run(["run", file.path, "--quiet"])
        #expect(result.status == 1)
        #expect(result.stderr == "error: cannot create the folder \(paths.underFile): \(paths.file) is a file, not a folder "
                + "(hint: choose a path under a folder, or move \(paths.file) out of the way)\n")
    }

    @Test func generateRefusesCountsItCannotHonour() throws {
        let paths = try Paths()
        defer { try? FileManager.default.removeItem(at: paths.root) }
        let result = try PipelineProcess.run(["generate", paths.folder, "--items", "0"])
        #expect(result.status == 64)
        #expect(result.stderr == "error: --items 0 is out of range (hint: at least 6: each user rates 5 items and leaves one unrated)\n")
    }
}
