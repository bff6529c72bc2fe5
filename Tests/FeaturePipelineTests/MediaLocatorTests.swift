import Foundation
import TestSupport
import Testing
@testable import FeaturePipeline

/// Media paths stay inside the media root, however they get out: `../`, an absolute path, a
/// symbolic link to a file or to a folder (resolved folders are remembered between items).
@Suite struct MediaLocatorTests {
    let dir = Repository.temporaryDirectory("locator")

    func make() throws -> URL {
        let fm = FileManager.default
        let root = dir.appendingPathComponent("root")
        try fm.createDirectory(at: root.appendingPathComponent("media/a"), withIntermediateDirectories: true)
        try fm.createDirectory(at: dir.appendingPathComponent("outside"), withIntermediateDirectories: true)
        for path in ["root/media/a/x.png", "root/media/a/y.png", "outside/z.png"] {
            try Data([1]).write(to: dir.appendingPathComponent(path))
        }
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("media/a/link.png").path, withDestinationPath: dir.appendingPathComponent("outside/z.png").path)
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("media/out").path, withDestinationPath: dir.appendingPathComponent("outside").path)
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("media/in").path, withDestinationPath: root.appendingPathComponent("media/a").path)
        return root
    }

    @Test func pathsThatLeaveTheRootAreRefusedUnlessAllowed() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = try make()
        let strict = MediaLocator(root: root, allowOutsideRoot: false)
        let open = MediaLocator(root: root, allowOutsideRoot: true)
        // Twice each, so that the second answer comes from the remembered folders.
        for _ in 0..<2 {
            for inside in ["media/a/x.png", "media/a/y.png", "media/in/x.png", root.path + "/media/a/x.png"] {
                #expect(throws: Never.self) { try strict.locate(inside) }
            }
            for outside in ["../outside/z.png", dir.path + "/outside/z.png", "media/a/link.png", "media/out/z.png"] {
                #expect(throws: (any Error).self, "\(outside)") { try strict.locate(outside) }
                #expect(throws: Never.self) { try open.locate(outside) }
            }
        }
        #expect { try strict.locate("media/a/none.png") } throws: { "\($0)".contains("no such file") }
        #expect { try strict.locate("media/out/z.png") } throws: { "\($0)".contains("leaves the media root") }
    }
}
