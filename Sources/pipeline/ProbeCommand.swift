import ArgumentParser
import FeaturePipeline
import Foundation

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Decode media files and print what was found, or the exact reason each was rejected.",
        discussion: """
            Images (PNG, JPEG, WebP; an animated WebP by its first frame): format, size, channels,
            bit depth, EXIF orientation, mean RGB. Audio (everything libsndfile reads): format,
            subtype, sample rate, channels, frames, duration, RMS of the mono downmix. What a file
            is comes from its first bytes, not its name; other images are named ("GIF is not
            supported: convert it to PNG"), and a file that is neither says what it looks like
            ("neither an image nor audio: looks like text"). One bad file never stops the others;
            exit status 4 when any file was rejected.

            Example:
              pipeline probe fixtures/catalog/media/images/i00001.png media/audio/*.flac
              pipeline probe --json cover.jpg clip.wav
            """)

    @Argument(help: "Media files.") var files: [String]
    @Flag(help: "One JSON object per file (JSON Lines).") var json = false

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one file") }
    }

    func run() throws {
        var failed = 0
        for path in files {
            let result = MediaProbe.probe(URL(fileURLWithPath: path))
            print(json ? result.json : result.text)
            if !result.ok { failed += 1 }
        }
        if failed > 0 {
            if !json { Terminal.reportError("\(failed) of \(files.count) files rejected (hint: each file's line above says why)") }
            throw ExitCode(ExitStatus.partialFailure)
        }
    }
}
