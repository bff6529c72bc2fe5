import Foundation
import TestSupport
import Testing

/// A bad input gets one message, `<source>: <detail> (hint: <hint>)`, whichever command meets it:
/// `pipeline run` and `pipeline extract` write the same errors.jsonl lines, and `pipeline probe`
/// says of a media file exactly what those lines say.
@Suite struct SameWordsTests {
    /// One junk input per modality in a copy of the demo catalog: item i00001's image emptied to
    /// 0 bytes, its WAV clip cut in half, and invalid UTF-8 in item i00002's title.
    func plantJunk(_ ws: CatalogWorkspace) throws {
        let media = ws.catalog.appendingPathComponent("media")
        try Data().write(to: media.appendingPathComponent("images/i00001.png"))
        let clip = media.appendingPathComponent("audio/i00001.wav")
        let wav = try Data(contentsOf: clip)
        try wav.prefix(wav.count / 2).write(to: clip)
        let items = ws.catalog.appendingPathComponent("items.csv")
        let marker = Data("\ni00002,".utf8)
        var bytes = try Data(contentsOf: items)
        let at = try #require(bytes.range(of: marker)).upperBound
        bytes.insert(contentsOf: [0xFF, 0xFE], at: at)
        try bytes.write(to: items)
    }

    func records(_ file: URL) throws -> [[String: String]] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]).compactMapValues { $0 as? String }
        }
    }

    @Test func aJunkFileGetsTheSameMessageFromRunExtractAndProbe() throws {
        let ws = try HostileCatalog.workspace("same-words", onError: "fallback", epochs: 1)
        defer { ws.remove() }
        try plantJunk(ws)
        let run = try PipelineProcess.run(["run", ws.pipeline.path, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let extracted = ws.root.appendingPathComponent("extracted")
        let extract = try PipelineProcess.run(["extract", ws.pipeline.path, "--output", extracted.path, "--quiet"])
        #expect(extract.status == 0, "\(extract.stderr)")

        let fromRun = try records(ws.runDirectory.appendingPathComponent("errors.jsonl"))
        #expect(try records(extracted.appendingPathComponent("errors.jsonl")) == fromRun)
        let byModality = Dictionary(fromRun.map { ($0["modality"] ?? "", $0) }) { first, _ in first }
        let image = try #require(byModality["image"]), audio = try #require(byModality["audio"]), text = try #require(byModality["text"])
        let imagePath = try #require(image["path"]), audioPath = try #require(audio["path"])
        #expect(image["class"] == "empty" && image["item"] == "i00001")
        #expect(image["message"] == "\(imagePath): the file is empty (0 bytes) (hint: the download or copy probably failed; fetch the file again, or drop the item)")
        #expect(audio["class"] == "truncated" && audio["item"] == "i00001" && audio["message"]?.hasPrefix("\(audioPath): ") == true,
                "\(audio)")
        #expect(text == ["item": "i00002", "modality": "text", "class": "corrupt",
                         "message": "items.csv:3 column 'title': not valid UTF-8 (hint: re-save the items file as UTF-8, or set features.text.invalid_utf8: replace)"])

        let probe = try PipelineProcess.run(["probe", "--json", imagePath, audioPath])
        #expect(probe.status == 4, "\(probe.stderr)")
        let probed = try probe.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(probed.map { $0["message"] as? String } == [image["message"], audio["message"]])
        #expect(probed.map { $0["error_class"] as? String } == [image["class"], audio["class"]])
    }
}
