import Foundation
@testable import FeaturePipeline
import TensorCore
import TestSupport
import Testing

/// Media paths from a catalog: what stays inside the media root, what leaves it, and what is not
/// a file at all.
@Suite struct MediaLocatorTests {
    /// <tmp>/media (the root) with a.png (3 bytes) and a sub folder; <tmp>/outside.png and
    /// <tmp>/media-evil/b.png beside it.
    struct Tree {
        let top = Repository.temporaryDirectory("locator")
        var root: URL { top.appendingPathComponent("media") }

        init() throws {
            let fm = FileManager.default
            try fm.createDirectory(at: top.appendingPathComponent("media/sub"), withIntermediateDirectories: true)
            try fm.createDirectory(at: top.appendingPathComponent("media-evil"), withIntermediateDirectories: true)
            try Data([1, 2, 3]).write(to: top.appendingPathComponent("media/a.png"))
            try Data([9]).write(to: top.appendingPathComponent("outside.png"))
            try Data([7]).write(to: top.appendingPathComponent("media-evil/b.png"))
        }

        func locator(allowOutside: Bool = false) -> MediaLocator { MediaLocator(root: root, allowOutsideRoot: allowOutside) }
        func link(_ name: String, to target: String) throws {
            try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent(name).path, withDestinationPath: target)
        }
        func remove() { try? FileManager.default.removeItem(at: top) }
    }

    /// The failure class of locating `value`, or nil when it is found.
    func failure(_ locator: MediaLocator, _ value: String) -> (FailureClass, String)? {
        do {
            _ = try locator.locate(value)
            return nil
        } catch {
            return (error.failureClass, error.message)
        }
    }

    @Test func pathsInsideTheRootAreFoundWithTheirSize() throws {
        let tree = try Tree()
        defer { tree.remove() }
        let locator = tree.locator()
        #expect(try locator.locate("a.png").bytes == 3)
        #expect(try locator.locate("sub/../a.png").url.path == tree.root.appendingPathComponent("a.png").path)
        #expect(try locator.locate(tree.root.appendingPathComponent("a.png").path).bytes == 3, "an absolute path inside the root")
    }

    @Test(arguments: ["../outside.png", "../../../../../../etc/passwd", "sub/../../outside.png", "../media-evil/b.png",
                      "../never-existed.png", "/etc/passwd", "/nonexistent/x.png"])
    func pathsLeavingTheRootAreRefusedWhetherOrNotTheyExist(_ value: String) throws {
        let tree = try Tree()
        defer { tree.remove() }
        let refused = failure(tree.locator(), value)
        #expect(refused?.0 == .unsupported, "\(value): \(String(describing: refused))")
        #expect(refused?.1.hasPrefix("\(value): the path leaves the media root") == true)
        #expect(refused?.1.contains("data.allow_outside_root: true") == true, "the hint names the key")
    }

    @Test func symlinksOutOfTheRootAreRefusedAndInsideAccepted() throws {
        let tree = try Tree()
        defer { tree.remove() }
        try tree.link("out.png", to: tree.top.appendingPathComponent("outside.png").path)
        try tree.link("relative-out.png", to: "../outside.png")
        try tree.link("in.png", to: "a.png")
        try tree.link("sub/dir-out", to: tree.top.path)  // a folder link: sub/dir-out/outside.png
        try tree.link("dangling.png", to: "nothing-here.png")
        let locator = tree.locator()
        #expect(failure(locator, "out.png")?.0 == .unsupported)
        #expect(failure(locator, "relative-out.png")?.0 == .unsupported)
        #expect(failure(locator, "sub/dir-out/outside.png")?.0 == .unsupported)
        #expect(try locator.locate("in.png").bytes == 3, "the size is the target's, not the link's")
        #expect(failure(locator, "dangling.png")?.0 == .missing)
    }

    @Test func allowOutsideRootAcceptsEveryEscape() throws {
        let tree = try Tree()
        defer { tree.remove() }
        try tree.link("out.png", to: tree.top.appendingPathComponent("outside.png").path)
        let locator = tree.locator(allowOutside: true)
        #expect(try locator.locate("../outside.png").bytes == 1)
        #expect(try locator.locate(tree.top.appendingPathComponent("outside.png").path).bytes == 1)
        #expect(try locator.locate("out.png").bytes == 1)
        #expect(failure(locator, "../never-existed.png")?.0 == .missing)
    }

    @Test func aRootReachedThroughASymlinkStillContainsItsFiles() throws {
        let tree = try Tree()
        defer { tree.remove() }
        let alias = tree.top.appendingPathComponent("alias")
        try FileManager.default.createSymbolicLink(at: alias, withDestinationURL: tree.root)
        let locator = MediaLocator(root: alias, allowOutsideRoot: false)
        #expect(try locator.locate("a.png").bytes == 3)
        #expect(failure(locator, "../outside.png")?.0 == .unsupported)
    }

    @Test(arguments: ["my cover.png", "  spaced  name .png", "couverture été.png", "封面 图片.png", "ü/ñ/🎵.png", "50%20off.png"])
    func namesWithSpacesAndNonASCIIAreFound(_ name: String) throws {
        let tree = try Tree()
        defer { tree.remove() }
        let url = tree.root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data([1, 2, 3, 4, 5]).write(to: url)
        #expect(try tree.locator().locate(name).bytes == 5)
    }

    @Test func directoriesPipesAndMissingFilesAreRejectedWithTheirClass() throws {
        let tree = try Tree()
        defer { tree.remove() }
        #expect(mkfifo(tree.root.appendingPathComponent("pipe.wav").path, 0o600) == 0)
        let locator = tree.locator()
        #expect(failure(locator, "sub")?.0 == .unsupported)
        #expect(failure(locator, "sub")?.1.contains("a directory, not a file") == true)
        #expect(failure(locator, "pipe.wav")?.0 == .unsupported, "reading a pipe would block the run")
        #expect(failure(locator, "pipe.wav")?.1.contains("not a regular file") == true)
        #expect(failure(locator, "nothing.png")?.0 == .missing)
        #expect(failure(locator, "nothing.png")?.1.contains("no such file") == true)
    }

    /// The second lookup of a folder comes from the remembered resolutions: it must refuse and
    /// accept exactly what the first did (links to files and to folders, in and out).
    @Test func rememberedFoldersAnswerAsTheFirstLookup() throws {
        let tree = try Tree()
        defer { tree.remove() }
        try tree.link("sub/out.png", to: tree.top.appendingPathComponent("outside.png").path)
        try tree.link("out", to: tree.top.appendingPathComponent("media-evil").path)
        try tree.link("in", to: tree.root.appendingPathComponent("sub").path)
        try Data([4, 4]).write(to: tree.root.appendingPathComponent("sub/x.png"))
        let strict = tree.locator(), open = tree.locator(allowOutside: true)
        for _ in 0..<2 {
            for inside in ["a.png", "sub/x.png", "in/x.png", tree.root.path + "/sub/x.png"] {
                #expect(throws: Never.self, "\(inside)") { try strict.locate(inside) }
            }
            for outside in ["../outside.png", tree.top.path + "/outside.png", "sub/out.png", "out/b.png"] {
                #expect(failure(strict, outside)?.0 == .unsupported, "\(outside)")
                #expect(throws: Never.self, "\(outside)") { try open.locate(outside) }
            }
        }
    }
}
