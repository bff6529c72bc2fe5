import FeaturePipeline
import Foundation
@testable import Serving
import TestSupport
import Testing

/// Reloads: the server serves a folder that is a symbolic link to one of two runs trained with
/// different seeds; repointing the link and reloading swaps the answering model.
@Suite struct ReloadTests {
    /// A folder `current` → `target`, in a temporary directory of its own.
    struct ServedLink {
        let directory = Repository.temporaryDirectory("reload")
        var current: URL { directory.appendingPathComponent("current") }

        /// Points `current` at `target` atomically (a new link renamed over the old).
        func point(at target: URL) throws {
            let fresh = directory.appendingPathComponent("next")
            try? FileManager.default.removeItem(at: fresh)
            try FileManager.default.createSymbolicLink(at: fresh, withDestinationURL: target)
            guard rename(fresh.path, current.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        }
    }

    /// What each run predicts for u3 and i5, and its manifest prefix as the header gives it.
    static func expectations() throws -> [String: Float] {
        try [ServedRun.folder(), ServedRun.otherFolder()].reduce(into: [:]) { map, folder in
            let run = try TrainedRun(directory: folder)
            map[String(run.manifestSHA256.prefix(12))] = try run.predict(user: "u3", item: "i5").prediction
        }
    }

    static func metric(_ name: String, in client: TestClient) async throws -> Double? {
        let text = String(decoding: try await client.get("/metrics").body, as: UTF8.self)
        return text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
    }

    @Test func reloadsUnderASteadyStreamLoseNoRequest() async throws {
        let expected = try Self.expectations()
        #expect(Set(expected.values).count == 2, "the two seeds must give different answers: \(expected)")
        let link = ServedLink()
        defer { try? FileManager.default.removeItem(at: link.directory) }
        try link.point(at: ServedRun.folder())
        try await ServedRun.withServer({ $0.configuration.watchInterval = .zero }, over: link.current) { client in
            let answers = try await withThrowingTaskGroup(of: [(Int, String?, Float?)].self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        var seen: [(Int, String?, Float?)] = []
                        for _ in 0..<60 {
                            let answer = try await client.post("/v1/predict", json: ["user": "u3", "items": ["i5"]])
                            let predictions = (try? answer.object["predictions"]) as? [[String: Any]]
                            seen.append((answer.status, answer.header("X-Model-Manifest"),
                                         (predictions?.first?["prediction"] as? NSNumber)?.floatValue))
                        }
                        return seen
                    }
                }
                for target in [try ServedRun.otherFolder(), try ServedRun.folder(), try ServedRun.otherFolder()] {
                    try await Task.sleep(for: .milliseconds(30))
                    try link.point(at: target)
                    #expect(try await client.post("/admin/reload", json: [:]).status == 200)
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(answers.count == 180)
            #expect(Set(answers.compactMap(\.1)).count == 2, "both models answered some requests")
            for (status, manifest, prediction) in answers {
                #expect(status == 200)
                // The header names the model whose numbers are in the body: never a mix.
                #expect(manifest.flatMap { expected[$0] } == prediction, "\(manifest ?? "no header") answered \(prediction ?? .nan)")
            }
            let final = try await client.get("/v1/model")
            let otherManifest = try TrainedRun(directory: ServedRun.otherFolder()).manifestSHA256
            #expect(try final.object["manifest_sha256"] as? String == otherManifest)
            #expect(try await Self.metric("pipeline_serve_reloads_total", in: client) == 3)
        }
    }

    @Test func aBrokenOrHalfWrittenRunIsRefusedAndTheOldModelKeepsServing() async throws {
        let link = ServedLink()
        defer { try? FileManager.default.removeItem(at: link.directory) }
        let serving = try ServedRun.folder()
        try link.point(at: serving)
        // A copy of the other run with one byte of its trained weights changed (same size).
        let corrupt = link.directory.appendingPathComponent("corrupt")
        try FileManager.default.copyItem(at: ServedRun.otherFolder(), to: corrupt)
        let weights = corrupt.appendingPathComponent("stages/train/model.safetensors")
        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count - 3] ^= 0x40
        try bytes.write(to: weights)
        // A copy whose export has not written manifest.json yet.
        let halfWritten = link.directory.appendingPathComponent("half")
        try FileManager.default.copyItem(at: ServedRun.otherFolder(), to: halfWritten)
        try FileManager.default.removeItem(at: halfWritten.appendingPathComponent("manifest.json"))

        let servingManifest = try TrainedRun(directory: serving).manifestSHA256
        try await ServedRun.withServer({ $0.configuration.watchInterval = .zero }, over: link.current) { client in
            for (target, words) in [(corrupt, "stages/train/model.safetensors"), (halfWritten, "manifest.json")] {
                try link.point(at: target)
                let answer = try await client.post("/admin/reload", json: [:])
                #expect(answer.status == 409)
                let error = try #require(try answer.object["error"] as? [String: Any])
                #expect(error["code"] as? String == "reload_refused")
                #expect((error["message"] as? String)?.contains(words) == true, "\(error)")
                #expect(try await client.get("/v1/model").object["manifest_sha256"] as? String == servingManifest)
                #expect(try await client.post("/v1/predict", json: ["user": "u3", "items": ["i5"]]).status == 200)
            }
            #expect(try await Self.metric("pipeline_serve_reload_failures_total", in: client) == 2)
            #expect(try await Self.metric("pipeline_serve_reloads_total", in: client) == 0)
        }
    }

    @Test func aNewManifestIsNoticedAndLoaded() async throws {
        let link = ServedLink()
        defer { try? FileManager.default.removeItem(at: link.directory) }
        try link.point(at: ServedRun.folder())
        let otherManifest = try TrainedRun(directory: ServedRun.otherFolder()).manifestSHA256
        try await ServedRun.withServer({ $0.configuration.watchInterval = .milliseconds(50) }, over: link.current) { client in
            try link.point(at: ServedRun.otherFolder())
            var served: String?
            for _ in 0..<200 where served != otherManifest {  // 10 s at most
                try await Task.sleep(for: .milliseconds(50))
                served = try await client.get("/v1/model").object["manifest_sha256"] as? String
            }
            #expect(served == otherManifest)
        }
    }
}
