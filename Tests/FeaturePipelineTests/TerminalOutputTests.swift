@testable import FeaturePipeline
import Foundation
import Logging
import Testing

/// Progress bars, plain progress lines, the live status line and log lines, written to memory.
@Suite struct TerminalOutputTests {
    /// Everything written, in order.
    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var parts: [String] = []
        var text: String { lock.withLock { parts.joined() } }
        var write: @Sendable (String) -> Void { { [self] s in lock.withLock { parts.append(s) } } }
    }

    static let erase = "\r\u{1B}[2K"

    @Test func barIsRedrawnInPlaceAndFitsTheWidth() {
        for width in [120, 60, 30, 8] {
            let out = Recorder()
            let task = ProgressReporter(style: .bar, write: out.write, width: { width }).task("extract image", total: 50)
            task.advance(by: 50)  // the last step always draws
            let drawn = out.text
            #expect(drawn.hasPrefix(Self.erase) && !drawn.contains("\n"))
            let visible = drawn.dropFirst(Self.erase.count)
            #expect(visible.count <= width - 1, "\(width) columns: \(visible)")
            if width >= 120 { #expect(visible.hasPrefix("extract image [██████") && visible.contains("100% 50/50")) }
        }
    }

    @Test func etaIsUnknownUntilWorkIsDone() {
        let task = ProgressReporter(style: .bar, write: { _ in }).task("train", total: 30, unit: "epochs")
        #expect(task.barLine(now: Date()).hasSuffix("0/30 0.00 epochs/s ETA –"))
    }

    @Test func colouredBarOnlyWhenAsked() {
        let plain = Recorder(), coloured = Recorder()
        ProgressReporter(style: .bar, write: plain.write).task("t", total: 2).advance(by: 2)
        ProgressReporter(style: .bar, write: coloured.write, colour: true).task("t", total: 2).advance(by: 2)
        #expect(!plain.text.dropFirst(Self.erase.count).contains("\u{1B}"))
        #expect(coloured.text.contains("\u{1B}[36m█"))
    }

    @Test func plainLinesAtEachQuarterThenTheSummary() {
        let out = Recorder()
        let task = ProgressReporter(style: .lines, write: out.write).task("extract audio", total: 100)
        for _ in 0..<100 { task.advance() }
        task.finish("3 failed")
        let lines = out.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 5 && lines.last == "")
        #expect(lines[0].hasPrefix("extract audio: 25% 25/100 ") && lines[1].hasPrefix("extract audio: 50% 50/100 ")
                && lines[2].hasPrefix("extract audio: 75% 75/100 "))
        #expect(lines[3].hasPrefix("extract audio: 100/100 items in ") && lines[3].hasSuffix(", 3 failed"))
        #expect(!out.text.contains("\u{1B}") && !out.text.contains("\r"))
    }

    @Test func quietWritesNothing() {
        let out = Recorder()
        let task = ProgressReporter(style: .quiet, write: out.write).task("x", total: 4)
        task.advance(by: 4)
        task.finish("done")
        #expect(out.text.isEmpty)
    }

    @Test func aMessageDuringABarGoesAboveItAndTheBarComesBack() {
        let out = Recorder()
        let line = StatusLine(write: out.write)
        line.print("before")
        line.show("bar 1")
        line.print("warning: something")
        line.show("bar 2")
        line.finish("done")
        line.print("after")
        #expect(out.text == "before\n" + Self.erase + "bar 1" + Self.erase + "warning: something\nbar 1" + Self.erase + "bar 2"
                + Self.erase + "done\n" + "after\n")
    }

    @Test func logLinesNameTheirLevelAndMetadata() {
        #expect(StderrLogHandler.line(.warning, "slow disk", metadata: ["b": "2", "a": "1"], colour: false) == "warning: slow disk a=1 b=2")
        #expect(StderrLogHandler.line(.info, "hello", metadata: [:], colour: true) == "hello")
        #expect(StderrLogHandler.line(.error, "broken", metadata: [:], colour: true) == "\u{1B}[31merror:\u{1B}[0m broken")
        #expect(StderrLogHandler.line(.debug, "x", metadata: [:], colour: false) == "debug: x")
    }

    @Test func logHandlerWritesThroughTheStatusLine() {
        let out = Recorder()
        let status = StatusLine(write: out.write)
        var logger = Logger(label: "test") { StderrLogHandler(label: $0, level: .info, output: status, colour: false) }
        logger[metadataKey: "stage"] = "extract"
        status.show("bar")
        logger.debug("hidden")
        logger.warning("one file is odd")
        #expect(out.text == Self.erase + "bar" + Self.erase + "warning: one file is odd stage=extract\nbar")
    }

    @Test func errorsAreDescribedOnOneLine() {
        let missing = CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: "/data/items.csv"])
        #expect(Terminal.describe(missing) == "cannot read /data/items.csv: no such file or folder (hint: check the path)")
        let blocked = CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: "/data/out/x",
                                                              NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(EACCES))])
        #expect(Terminal.describe(blocked) == "cannot write /data/out/x: permission denied (hint: check the owner and permissions of /data/out/x and its folder)")
        struct TwoLines: Error, CustomStringConvertible { var description: String { "first\nsecond" } }
        #expect(Terminal.describe(TwoLines()) == "first; second")
    }

    @Test func durationsAndRates() {
        #expect(Terminal.duration(0.0421) == "42 ms")
        #expect(Terminal.duration(3.25) == "3.2 s" || Terminal.duration(3.25) == "3.3 s")
        #expect(Terminal.duration(75) == "1:15")
        #expect(Terminal.duration(3723) == "1:02:03")
        #expect(Terminal.rate(361.4) == "361" && Terminal.rate(20.83) == "20.8" && Terminal.rate(0.5) == "0.50")
    }
}
