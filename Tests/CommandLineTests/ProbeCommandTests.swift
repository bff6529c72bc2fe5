import Foundation
import TestSupport
import Testing

@Suite struct ProbeCommandTests {
    let png = Repository.fixture("catalog/media/images/i00001.png").path
    let flac = Repository.fixture("catalog/media/audio/i00002.flac").path

    @Test func imagesAndAudioShareTheCommandAndBadFilesDoNotStopTheRest() throws {
        let text = Repository.root.appendingPathComponent("README.md").path
        let result = try PipelineProcess.run(["probe", "--json", png, text, flac])
        #expect(result.status == 4, "a rejected file makes the exit status 4")
        let lines = result.stdout.split(separator: "\n").map { line in
            try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        }
        #expect(lines.count == 3)
        #expect(lines[0]["format"] as? String == "png" && lines[0]["ok"] as? Bool == true)
        #expect(lines[0]["width"] as? Int == 80 && lines[0]["height"] as? Int == 60 && (lines[0]["mean_rgb"] as? [Double])?.count == 3)
        #expect(lines[1]["ok"] as? Bool == false && lines[1]["error_class"] as? String == "unsupported")
        #expect((lines[1]["message"] as? String)?.hasPrefix("\(text): neither an image nor audio: looks like text (hint: ") == true,
                "\(lines[1]["message"] ?? "")")
        #expect(lines[2]["format"] as? String == "FLAC" && lines[2]["sample_rate"] as? Int == 8000)
        #expect(lines[2]["frames"] as? Int == 2800 && (lines[2]["rms"] as? Double ?? 0) > 0.05)
    }

    @Test func allGoodFilesExitZeroWithOneLineEach() throws {
        let result = try PipelineProcess.run(["probe", png, flac])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].contains("png 80×60") && lines[1].contains("FLAC (PCM_16), 8000 Hz, 1 channel, 2800 frames"))
    }
}
