import ArgumentParser
import FeaturePipeline
import Foundation

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the parts of a sharded extract into the files an unsharded extract writes.",
        discussion: """
            Checks that every part of N is there once, finished and whole, and that all come from
            the same fit and configuration, then writes item_embeddings.npy, item_ids.txt,
            item_embeddings.safetensors and errors.jsonl to --output, byte for byte those of an
            unsharded `pipeline extract` with the same fit or model. PARTS are part folders or the
            folder that holds them. See docs/scale-out.md.

            Example:
              pipeline merge parts --output embeddings
              pipeline merge parts/part-0000[0-3]-of-00004 --output embeddings
            """)

    @Argument(help: "Part folders (part-I-of-N), or folders holding them.") var parts: [String]
    @Option(help: "Output folder.") var output: String
    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard !parts.isEmpty else { throw ValidationError("no parts given (hint: pass the part folders or their folder)") }
        for part in parts { try ArgumentChecks.path(part, "part folder") }
        try ArgumentChecks.path(output, "--output folder")
    }

    func run() throws {
        common.bootstrap()
        try reportingErrors {
            let merge = PartsMerge(parts: parts.map { URL(fileURLWithPath: $0) }, output: URL(fileURLWithPath: output))
            let summary = try merge.execute()
            if !common.quiet {
                Terminal.writeError("merge: \(summary.parts) parts, \(summary.items) items × \(summary.dimension) dimensions, "
                    + "\(summary.failures) rejected inputs; written to \(output)\n")
            }
        }
    }
}
