import Foundation
import TestSupport
import Testing

/// Help with examples, shell completion, the committed man page and the documented exit statuses.
@Suite struct TerminalHelpTests {
    /// The subcommands `pipeline --help` lists.
    static func subcommands() throws -> [String] {
        let help = try PipelineProcess.run(["--help"]).stdout
        let section = try #require(help.components(separatedBy: "SUBCOMMANDS:\n").last)
        return section.split(separator: "\n").compactMap { line in
            line.hasPrefix("  ") && !line.hasPrefix("   ") ? line.split(separator: " ").first.map(String.init) : nil
        }.filter { $0 != "See" }
    }

    /// At 80 columns every example stays on one line: a wrapped command cannot be pasted.
    @Test func examplesAreNotWrappedAt80Columns() throws {
        for command in try Self.subcommands() where command != "help" {
            let help = try PipelineProcess.run([command, "--help"], environment: ["COLUMNS": "80"]).stdout
            var inExamples = false
            for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasSuffix("Example:") || line.hasSuffix("Examples:") { inExamples = true; continue }
                if line.isEmpty { inExamples = false; continue }
                if inExamples { #expect(line.hasPrefix("  pipeline "), "\(command) --help wraps an example: '\(line)'") }
            }
        }
    }

    @Test func everyHelpShowsAnExample() throws {
        let names = try Self.subcommands()
        #expect(names.contains("report") && names.contains("inspect") && names.count >= 8, "\(names)")
        let root = try PipelineProcess.run(["--help"])
        #expect(root.status == 0 && root.stdout.contains("Example:\n  pipeline "))
        #expect(root.stdout.contains("Exit status: 0 ok, 1 failure, 3 invalid pipeline file, 4 partial failure,"))
        for name in names {
            let help = try PipelineProcess.run(["help", name])
            #expect(help.status == 0)
            #expect(help.stdout.contains("Example") && help.stdout.contains("\n  pipeline \(name) "), "pipeline help \(name) has no example")
            let lines = help.stdout.split(separator: "\n")
            #expect(lines.allSatisfy { $0.count <= 80 || $0.hasPrefix("USAGE:") }, "help of \(name) stays within 80 columns")
        }
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptKnowsEveryCommandAndOption(_ shell: String) throws {
        let result = try PipelineProcess.run(["--generate-completion-script", shell])
        #expect(result.status == 0)
        for word in try Self.subcommands() + ["color-by", "json", "quiet", "threads"] {
            #expect(result.stdout.contains(word), "\(shell) completion lacks \(word)")
        }
    }

    @Test func committedManPageListsEverySubcommand() throws {
        let page = try String(contentsOf: Repository.root.appendingPathComponent("docs/pipeline.1"), encoding: .utf8)
        let listed = page.split(separator: "\n").filter { $0.hasPrefix(".It Em ") }.map { String($0.dropFirst(7)) }
        #expect(listed == (try Self.subcommands()) + ["help"], "regenerate with scripts/update-man-page")
        #expect(page.contains("--color-by"), "regenerate with scripts/update-man-page")
    }

    @Test func exitStatusesAreTheDocumentedOnes() throws {
        let doc = try String(contentsOf: Repository.root.appendingPathComponent("docs/cli.md"), encoding: .utf8)
        let documented = doc.split(separator: "\n").compactMap { line -> Int32? in
            line.hasPrefix("| ") ? Int32(line.dropFirst(2).prefix { $0 != " " }) : nil
        }
        #expect(documented == [0, 1, 3, 4, 64])
        let valid = try PipelineProcess.run(["validate", Repository.root.appendingPathComponent("pipelines/catalog.yaml").path])
        #expect(valid.status == 0)
        #expect(try PipelineProcess.run(["inspect", "/nonexistent"]).status == 1)
        #expect(try PipelineProcess.run(["validate", "/nonexistent.yaml"]).status == 3)
        for usage in [["frobnicate"], ["report"], ["inspect", "--jsn", "x"], ["recommend", "r", "--user", "u", "-k", "0"]] {
            let result = try PipelineProcess.run(usage)
            #expect(result.status == 64, "\(usage)")
            // The tool's own one-line style, not the parser's "Error: …" + usage block.
            #expect(result.stderr.hasPrefix("error: ") && result.stderr.split(separator: "\n").count == 1, "\(usage): \(result.stderr)")
        }
    }
}
