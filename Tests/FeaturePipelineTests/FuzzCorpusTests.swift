import Foundation
import FuzzHarness
import TestSupport
import Testing

/// Replays every committed fuzz input (fixtures/fuzz/<target>/{seeds,corpus,regressions}) and the
/// media fixtures through the fuzz targets' checks, so a fixed crash or broken invariant that
/// comes back fails `swift test`, not just a fuzz run (docs/reliability.md).
@Suite struct FuzzCorpusTests {
    /// The committed inputs of one target, with the media fixtures that seed the decoders.
    static func inputs(_ target: FuzzTarget, folders: [String] = ["seeds", "corpus", "regressions"]) -> [URL] {
        var dirs = folders.map { Repository.fixture("fuzz/\(target.name)/\($0)") }
        switch target {
        case .png, .jpeg, .webp: dirs.append(Repository.fixture("media/images"))
        case .audio: dirs.append(Repository.fixture("media/audio"))
        default: break
        }
        return dirs.flatMap { dir in
            ((try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? [])
                .filter { !$0.lastPathComponent.hasPrefix(".") }
        }.sorted { $0.path < $1.path }
    }

    @Test(arguments: FuzzTarget.allCases)
    func everyCommittedInputPasses(_ target: FuzzTarget) throws {
        let files = Self.inputs(target)
        #expect(!files.isEmpty, "no committed inputs for \(target.name)")
        for file in files {
            let finding = target.check([UInt8](try Data(contentsOf: file)))
            #expect(finding == nil, "\(file.path): \(finding ?? "")")
        }
    }
}
