import Foundation
import TensorCore
import TestSupport
import Testing
@testable import FeaturePipeline

/// `pipeline extract` streams the catalog in chunks: the chunking changes no output beyond the
/// rounding of small products, and `on_error: fail` reports what a whole-catalog pass reports.
@Suite struct StreamingExtractionTests {
    static let outputs = ["item_embeddings.npy", "item_ids.txt", "item_embeddings.safetensors", "errors.jsonl"]

    static func extract(_ spec: PipelineSpec, chunkSize: Int, threads: Int, into folder: URL) throws -> OfflineExtraction.Summary {
        var extraction = OfflineExtraction(spec: spec, run: nil, output: folder)
        extraction.quiet = true
        extraction.threads = threads
        extraction.chunkSize = chunkSize
        return try extraction.execute()
    }

    static func bytes(_ folder: URL) throws -> [Data] {
        try outputs.map { try Data(contentsOf: folder.appendingPathComponent($0)) }
    }

    /// Chunk size and thread count change no byte: every cheap encoder infers a full batch of
    /// 2048 rows, so OpenBLAS's small-matrix kernels (which round the last bit differently) never
    /// see a chunk of 37 items where the whole pass had 120 (sharded extracts rely on it).
    @Test func chunksAndThreadsChangeNoOutputByte() throws {
        var spec = try PipelineSpec.load(Repository.root.appendingPathComponent("pipelines/catalog.yaml"))
        let dir = Repository.temporaryDirectory("extract")
        defer { try? FileManager.default.removeItem(at: dir) }
        // The demo catalog's first 120 items, media paths made absolute.
        let lines = try String(contentsOf: spec.data.items.path, encoding: .utf8).split(separator: "\n").prefix(121)
        let media = spec.data.items.path.deletingLastPathComponent().path + "/media/"
        try Data((lines.joined(separator: "\n").replacingOccurrences(of: ",media/", with: ",\(media)") + "\n").utf8)
            .write(to: dir.appendingPathComponent("items.csv"))
        spec.data.items.path = dir.appendingPathComponent("items.csv")
        spec.data.allowOutsideRoot = true
        let whole = try Self.extract(spec, chunkSize: 4096, threads: 1, into: dir.appendingPathComponent("whole"))
        let chunked = try Self.extract(spec, chunkSize: 37, threads: 2, into: dir.appendingPathComponent("chunked"))
        _ = try Self.extract(spec, chunkSize: 37, threads: 1, into: dir.appendingPathComponent("one-thread"))
        #expect(whole.items == 120 && chunked.items == 120 && whole.dimension == chunked.dimension)
        #expect(try Self.bytes(dir.appendingPathComponent("one-thread")) == Self.bytes(dir.appendingPathComponent("chunked")))
        #expect(try Self.bytes(dir.appendingPathComponent("whole")) == Self.bytes(dir.appendingPathComponent("chunked")))

        let a = try Safetensors.read(dir.appendingPathComponent("whole/item_embeddings.safetensors"))
        let b = try Safetensors.read(dir.appendingPathComponent("chunked/item_embeddings.safetensors"))
        #expect(a.metadata == b.metadata && a.entries.map(\.name) == b.entries.map(\.name))
        #expect(Set(a.entries.map(\.name)) == ["item_embeddings", "item_fields", "item_fields.present", "text", "text.present",
                                                 "image", "image.present", "audio", "audio.present"])
        for e in a.entries {
            let other = try #require(b[e.name])
            #expect(other.shape == e.shape && other.dtype == e.dtype)
            if e.dtype == .uint8 { #expect(other.bytes == e.bytes, "\(e.name)") } else {
                let c = closeness(other.tensor().storage, e.tensor().storage, absolute: 1e-6, relative: 1e-6)
                #expect(c.ok, "\(e.name): \(c.detail)")
            }
        }
        for name in ["item_ids.txt", "errors.jsonl"] {
            #expect(try Data(contentsOf: dir.appendingPathComponent("whole/\(name)")) == Data(contentsOf: dir.appendingPathComponent("chunked/\(name)")))
        }
        let npy = try NumpyFile.read(dir.appendingPathComponent("chunked/item_embeddings.npy"))
        #expect(npy.shape == [120, whole.dimension])
        #expect(b["item_embeddings"]?.bytes == npy.bytes)
        // Nothing but the outputs and the item cache is left in the folder (no spill files).
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("chunked").path).sorted()
        #expect(left == (["cache"] + Self.outputs).sorted())
    }

    /// JSON Lines whose keys appear late, a text vocabulary with an unknown id (fitted in two
    /// passes), duplicate and empty ids: no matrix product, so the bytes are equal.
    @Test func jsonLinesWithLateKeysAndAnUnknownIdStreamToTheSameBytes() throws {
        let dir = Repository.temporaryDirectory("extract-jsonl")
        defer { try? FileManager.default.removeItem(at: dir) }
        var lines: [String] = []
        let words = ["red", "green", "blue", "moon", "sun", "river", "stone", "song"]
        for i in 0..<40 {
            var object = "\"item_id\": \"i\(i % 37)\", \"title\": \"\(words[i % 8]) \(words[(i * 3) % 8]) \(words[(i * 5 + 1) % 8])\""
            if i >= 9 { object += ", \"genres\": [\"g\(i % 4)\", \"g\(i % 3)\"]" }
            if i >= 17 { object += ", \"price\": \(Double(i) * 1.5)" }
            if i == 5 { object = "\"item_id\": \"\", \"title\": \"no id\"" }
            lines.append("{\(object)}")
        }
        try Data(lines.joined(separator: "\n").utf8).write(to: dir.appendingPathComponent("items.jsonl"))
        try Data("u,i,r\n".utf8).write(to: dir.appendingPathComponent("ratings.csv"))
        let yaml = """
            data: {items: {path: items.jsonl, id: item_id}, interactions: {path: ratings.csv, user: u, item: i, rating: r}}
            features:
              text: {fields: [title], vocabulary: {min_df: 2, max_size: 5, unknown: true}, dim: 8}
              fields: [{name: genres, type: multi_hot, separator: "|"}, {name: price, type: numeric}]
            """
        let spec = try PipelineSpec.parse(yaml, file: dir.appendingPathComponent("p.yaml"))
        let whole = try Self.extract(spec, chunkSize: 4096, threads: 1, into: dir.appendingPathComponent("whole"))
        _ = try Self.extract(spec, chunkSize: 3, threads: 2, into: dir.appendingPathComponent("chunked"))
        #expect(whole.items == 36 && whole.failures == 0)
        #expect(try Self.bytes(dir.appendingPathComponent("whole")) == Self.bytes(dir.appendingPathComponent("chunked")))
    }

    /// The image path end to end on WebP items: lossy, lossless with alpha, animated and a WebP
    /// named .png decode, resize and encode; a GIF, a text file and a cut WebP are refused with
    /// their class and the words of `pipeline probe`, and their items keep the image missing.
    @Test func webpItemsExtractAndOtherFilesAreRefusedByWhatTheyAre() throws {
        let dir = Repository.temporaryDirectory("extract-webp")
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = ["webp_lossy.webp", "webp_lossless_alpha.webp", "webp_animated_lossy.webp", "webp_named_as.png",
                     "png_rgb8.png", "bad_gif.png", "bad_text.png", "bad_webp_truncated_lossy.webp"]
        let media = Repository.fixture("media/images")
        let rows = ["item_id,image"] + files.enumerated().map { "i\($0.offset),\(media.appendingPathComponent($0.element).path)" }
        try Data((rows.joined(separator: "\n") + "\n").utf8).write(to: dir.appendingPathComponent("items.csv"))
        try Data("u,i,r\n".utf8).write(to: dir.appendingPathComponent("ratings.csv"))
        let yaml = """
            data: {items: {path: items.csv, id: item_id}, interactions: {path: ratings.csv, user: u, item: i, rating: r}, allow_outside_root: true}
            features:
              image: {field: image, size: [16, 16], layers: [{conv: 4, pool: 2}]}
            """
        let spec = try PipelineSpec.parse(yaml, file: dir.appendingPathComponent("p.yaml"))
        let out = dir.appendingPathComponent("out")
        let summary = try Self.extract(spec, chunkSize: 4096, threads: 2, into: out)
        #expect(summary.items == 8 && summary.failures == 3)

        let tensors = try Safetensors.read(out.appendingPathComponent("item_embeddings.safetensors"))
        #expect(try #require(tensors["image.present"]).bytes == [1, 1, 1, 1, 1, 0, 0, 0])
        let image = try #require(tensors["image"]).tensor()
        let width = image.shape[1]
        let rows8 = (0..<8).map { Array(image.storage[($0 * width)..<(($0 + 1) * width)]) }
        #expect(rows8[3] == rows8[0], "the same bytes under another name give the same vector")
        #expect(Set(rows8[0..<3].map { $0.map(\.bitPattern) }).count == 3 && rows8[0].contains { $0 != 0 })

        let errors = try String(contentsOf: out.appendingPathComponent("errors.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(errors.map { $0["item"] as? String } == ["i5", "i6", "i7"])
        #expect(errors.map { $0["class"] as? String } == ["unsupported", "unsupported", "truncated"])
        let messages = errors.map { $0["message"] as? String ?? "" }
        #expect(messages[0].contains("bad_gif.png: GIF is not supported: convert it to PNG (hint: "), "\(messages[0])")
        #expect(messages[1].contains("bad_text.png: neither an image nor audio: looks like text (hint: "), "\(messages[1])")
        #expect(messages[2].contains("WebP data ends early") && messages[2].hasSuffix(")"), "\(messages[2])")
    }

    /// Audio fails on an early item and image on a late one, both with `on_error: fail`: the
    /// error names the first bad file in catalog order (the audio of i0), as `pipeline run` does,
    /// whatever the chunk size, and no output file appears.
    @Test func failPolicyReportsTheFirstFailingModalityInCatalogOrder() throws {
        let dir = Repository.temporaryDirectory("extract-fail")
        defer { try? FileManager.default.removeItem(at: dir) }
        let media = Repository.fixture("catalog/media")
        let image = try FileManager.default.contentsOfDirectory(atPath: media.appendingPathComponent("images").path).sorted()[0]
        let sound = try FileManager.default.contentsOfDirectory(atPath: media.appendingPathComponent("audio").path).sorted()[0]
        var rows = ["item_id,image,audio"]
        for i in 0..<6 {
            let picture = i == 4 ? "missing.png" : media.appendingPathComponent("images/\(image)").path
            let clip = i == 0 ? "missing.wav" : media.appendingPathComponent("audio/\(sound)").path
            rows.append("i\(i),\(picture),\(clip)")
        }
        try Data((rows.joined(separator: "\n") + "\n").utf8).write(to: dir.appendingPathComponent("items.csv"))
        try Data("u,i,r\n".utf8).write(to: dir.appendingPathComponent("ratings.csv"))
        let yaml = """
            data: {items: {path: items.csv, id: item_id}, interactions: {path: ratings.csv, user: u, item: i, rating: r}, allow_outside_root: true}
            features:
              image: {field: image, size: [16, 16], layers: [{conv: 4, pool: 2}], on_error: fail}
              audio: {field: audio, preset: librosa, sample_rate: 16000, on_error: fail, dim: 4}
            """
        let spec = try PipelineSpec.parse(yaml, file: dir.appendingPathComponent("p.yaml"))
        for chunkSize in [2, 4096] {
            let out = dir.appendingPathComponent("out\(chunkSize)")
            #expect { _ = try Self.extract(spec, chunkSize: chunkSize, threads: 2, into: out) } throws: { error in
                "\(error)".contains("item i0: audio") && "\(error)".contains("missing.wav")
            }
            let left = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
            #expect(left.filter { $0 != "cache" }.isEmpty, "\(left)")
        }
    }
}
