import Foundation
import TensorCore
import TestSupport

/// The committed generator of the hostile catalog (docs/reliability.md): a private copy of the
/// fixture catalog where every third item (positions 0, 3, 6, … of items.csv) gets a broken or
/// hostile image and clip, cycling through the variants below, each with the class errors.jsonl
/// must give it. Item 0 keeps its image, so the first bad file in catalog order is a clip.
/// Three good files are renamed to names with spaces and non-ASCII letters.
///
/// Limits set in the pipeline: images max_bytes 100000; audio max_seconds 5, max_channels 2,
/// max_bytes 100000 (the fixture clips are 0.35 s, mono, 8 kHz, a few KB).
struct HostileCatalog {
    struct Planted: Hashable {
        var item: String
        var modality: String
        var errorClass: FailureClass
        var variant: String
    }

    let workspace: CatalogWorkspace
    private(set) var planted: [Planted] = []
    /// Item ids with a good file renamed to a name with spaces or non-ASCII letters.
    private(set) var renamed: [String] = []

    private var itemsText: String
    private var catalog: URL { workspace.catalog }

    /// `onError` for both media modalities; `epochs` keeps the run short.
    init(_ label: String, onError: String, epochs: Int = 3) throws {
        workspace = try Self.workspace(label, onError: onError, epochs: epochs)
        itemsText = try String(contentsOf: workspace.catalog.appendingPathComponent("items.csv"), encoding: .utf8)
        try plant()
        try itemsText.write(to: catalog.appendingPathComponent("items.csv"), atomically: true, encoding: .utf8)
    }

    /// A copy of the fixture catalog with the demo pipeline, its media limits lowered as above,
    /// `on_error` set for both media modalities and `epochs` epochs.
    static func workspace(_ label: String, onError: String, epochs: Int) throws -> CatalogWorkspace {
        var yaml = try String(contentsOf: Repository.root.appendingPathComponent("pipelines/catalog.yaml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "image: {field: image,", with: "image: {field: image, on_error: \(onError), max_bytes: 100000,")
        yaml = yaml.replacingOccurrences(
            of: "audio: {field: audio,", with: "audio: {field: audio, on_error: \(onError), max_seconds: 5, max_channels: 2, max_bytes: 100000,")
        yaml += "\ntrain: {epochs: \(epochs)}\n"
        return try CatalogWorkspace(label, pipelineYAML: yaml)
    }

    /// The planted failures that must appear in errors.jsonl, in catalog order.
    func expected(modality: String? = nil) -> [Planted] { planted.filter { modality == nil || $0.modality == modality } }

    /// Ids of items with at least one bad file.
    var badItems: Set<String> { Set(planted.map(\.item)) }

    // MARK: Planting

    /// (item id, image path, audio path) of every item, from items.csv (paths have no commas).
    private func rows() -> [(id: String, image: String?, audio: String?)] {
        itemsText.split(separator: "\n").dropFirst().compactMap { line in
            let id = String(line.prefix { $0 != "," })
            guard id.hasPrefix("i") else { return nil }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            func media(_ kind: String) -> String? { fields.last { $0.hasPrefix("media/\(kind)/") }.map(String.init) }
            return (id, media("images"), media("audio"))
        }
    }

    private mutating func plant() throws {
        let outside = workspace.root.appendingPathComponent("outside.png")  // a valid image beside the catalog
        try FileManager.default.copyItem(at: Repository.fixture("media/images/png_rgb8.png"), to: outside)
        var images = 0, clips = 0
        for (k, row) in rows().enumerated() {
            if k % 3 != 0 {
                if [1, 2, 4].contains(k) { try rename(row) }
                continue
            }
            if let image = row.image, k > 0 {
                try plantImage(images % Self.imageVariants, row.id, image, outside: outside)
                images += 1
            }
            if let audio = row.audio {
                try plantClip(clips % Self.clipVariants, row.id, audio)
                clips += 1
            }
        }
    }

    static let imageVariants = 17

    private mutating func plantImage(_ variant: Int, _ item: String, _ path: String, outside: URL) throws {
        let url = catalog.appendingPathComponent(path)
        func fixture(_ name: String, _ c: FailureClass) throws {
            try replace(url, with: Data(contentsOf: Repository.fixture("media/images/\(name)")))
            planted.append(Planted(item: item, modality: "image", errorClass: c, variant: name))
        }
        func special(_ name: String, _ c: FailureClass, _ make: () throws -> Void) throws {
            try FileManager.default.removeItem(at: url)
            try make()
            planted.append(Planted(item: item, modality: "image", errorClass: c, variant: name))
        }
        switch variant {
        case 0: try fixture("bad_truncated.png", .truncated)
        case 1: try fixture("bad_truncated.jpg", .truncated)
        case 2: try fixture("bad_crc.png", .corrupt)
        case 3: try fixture("bad_idat_data.png", .corrupt)
        case 4: try fixture("bad_jpeg_no_frame.jpg", .corrupt)
        case 5: try fixture("bad_gif.png", .unsupported)
        case 6: try fixture("bad_12bit.jpg", .unsupported)
        case 7: try fixture("bad_text.png", .unsupported)
        case 8: try fixture("bad_huge_header.png", .tooLarge)
        case 9: try special("150 kB, over max_bytes", .tooLarge) { try Data(Self.pngSignature + [UInt8](repeating: 0, count: 150_000)).write(to: url) }
        case 10: try special("0 bytes", .empty) { try Data().write(to: url) }
        case 11: try special("deleted", .missing) {}
        case 12: try special("../ path out of the root", .unsupported) { repoint(path, to: "../../../../../../../../etc/passwd") }
        case 13: try special("symlink out of the root", .unsupported) { try FileManager.default.createSymbolicLink(at: url, withDestinationURL: outside) }
        case 14: try special("absolute path out of the root", .unsupported) { repoint(path, to: outside.path) }
        case 15: try special("named pipe", .unsupported) { guard mkfifo(url.path, 0o644) == 0 else { throw CocoaError(.fileWriteUnknown) } }
        default: try special("directory", .unsupported) { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false) }
        }
    }

    static let clipVariants = 13

    private mutating func plantClip(_ variant: Int, _ item: String, _ path: String) throws {
        let url = catalog.appendingPathComponent(path)
        let own = [UInt8](try Data(contentsOf: url))
        func write(_ name: String, _ c: FailureClass, _ bytes: [UInt8]) throws {
            try replace(url, with: Data(bytes))
            planted.append(Planted(item: item, modality: "audio", errorClass: c, variant: name))
        }
        let tone = (0..<2800).map { Float(sin(Double($0) * 0.3) * 0.1) }
        switch variant {
        case 0: try write("own file cut in half", .truncated, Array(own.prefix(own.count / 2)))
        case 1: try write("0 bytes", .empty, [])
        case 2: try write("text", .unsupported, Array(String(repeating: "this is not audio\n", count: 30).utf8))
        case 3:
            var smashed = Self.wav(tone, channels: 1)
            smashed.replaceSubrange(12..<36, with: [UInt8](repeating: 0xEE, count: 24))  // the fmt chunk
            try write("damaged header", .corrupt, smashed)
        case 4: try write("NaN sample", .corrupt, Self.wav(tone.enumerated().map { $0 == 99 ? .nan : $1 }, channels: 1, float: true))
        case 5: try write("3e38 samples", .corrupt, Self.wav(tone.map { $0 >= 0 ? 3e38 : -3e38 }, channels: 1, float: true))
        case 6: try write("6 s, over max_seconds", .tooLong, Self.wav([Float](repeating: 0.01, count: 6 * 8000), channels: 1))
        case 7: try write("3 channels, over max_channels", .tooLarge, Self.wav(tone + tone + tone, channels: 3))
        case 8: try write("120 kB, over max_bytes", .tooLarge, Self.wav([Float](repeating: 0.01, count: 60_000), channels: 1))
        case 9:
            try FileManager.default.removeItem(at: url)
            planted.append(Planted(item: item, modality: "audio", errorClass: .missing, variant: "deleted"))
        case 10:
            repoint(path, to: "media/../../../../../../../etc/hostname")
            planted.append(Planted(item: item, modality: "audio", errorClass: .unsupported, variant: "../ path out of the root"))
        case 11:
            var rng = SeededGenerator(seed: 11)
            try write("random bytes", .unsupported, (0..<4096).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        default:
            try FileManager.default.removeItem(at: url)
            guard mkfifo(url.path, 0o644) == 0 else { throw CocoaError(.fileWriteUnknown) }
            planted.append(Planted(item: item, modality: "audio", errorClass: .unsupported, variant: "named pipe"))
        }
    }

    /// Good files renamed: a space, accented Latin, CJK and an emoji in their paths.
    private mutating func rename(_ row: (id: String, image: String?, audio: String?)) throws {
        let names = ["media/images/cover \(row.id) été.", "media/audio/sonido ñ \(row.id) 封面 🎵."]
        for (path, name) in zip([row.image, row.audio], names) {
            guard let path else { continue }
            let target = name + (path.split(separator: ".").last ?? "")
            try FileManager.default.moveItem(at: catalog.appendingPathComponent(path), to: catalog.appendingPathComponent(target))
            repoint(path, to: target)
        }
        renamed.append(row.id)
    }

    private func replace(_ url: URL, with data: Data) throws {
        try FileManager.default.removeItem(at: url)
        try data.write(to: url)
    }

    /// Rewrites one media path in items.csv (paths are unique, so a text replacement is exact).
    private mutating func repoint(_ path: String, to value: String) {
        itemsText = itemsText.replacingOccurrences(of: ",\(path)", with: ",\(value)")
    }

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// A RIFF/WAVE file at 8 kHz: 16-bit PCM, or 32-bit float when `float` (any value, NaN too).
    static func wav(_ interleaved: [Float], channels: Int, float: Bool = false) -> [UInt8] {
        let width = float ? 4 : 2
        var data: [UInt8] = []
        for x in interleaved {
            if float {
                withUnsafeBytes(of: x.bitPattern.littleEndian) { data += $0 }
            } else {
                withUnsafeBytes(of: Int16(max(-1, min(1, x)) * 32767).littleEndian) { data += $0 }
            }
        }
        var h: [UInt8] = Array("RIFF".utf8)
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { h += $0 } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { h += $0 } }
        u32(36 + data.count); h += Array("WAVEfmt ".utf8); u32(16)
        u16(float ? 3 : 1); u16(channels); u32(8000); u32(8000 * channels * width); u16(channels * width); u16(width * 8)
        h += Array("data".utf8); u32(data.count)
        return h + data
    }
}
