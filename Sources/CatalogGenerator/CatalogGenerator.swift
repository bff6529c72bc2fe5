import Foundation
import TensorCore

/// Writes a synthetic catalog with planted signal: items (title, description, genres, category,
/// price, an image and a sound), users (age, occupation) and ratings drawn from `LatentWorld`.
///
/// Part of each item's appeal is visible only in its picture, part only in its sound, part only
/// in its text, so a model that reads the content can predict ratings of items nobody has rated.
/// A small share of rows is deliberately dirty (duplicates, repeated ratings, missing values,
/// out-of-range ratings, unknown items) and a few items lack a modality, so every cleaning rule
/// and the missing-modality path have work to do. Same options and seed → same bytes.
public struct CatalogGenerator {
    public struct Options: Sendable {
        public var items = 300
        public var users = 200
        public var ratings = 10_000
        public var seed: UInt64 = 7
        /// Write images and sounds (false: text and tabular fields only).
        public var media = true
        /// With `media`, write a sound per item too (false: images only, for large catalogs).
        public var audio = true
        /// Share of rows made dirty on purpose.
        public var dirtyShare = 0.02
        public var audioSeconds = 0.35
        public var audioSampleRate = 8_000
        public init() {}
    }

    public struct Summary: Sendable {
        public var items = 0, users = 0, ratingRows = 0, images = 0, clips = 0, bytes = 0
    }

    /// An option the generator cannot honour, named as the command line names it.
    public struct InvalidOption: Error, CustomStringConvertible {
        public let option: String, value: String, hint: String
        public var description: String { "--\(option) \(value) is out of range (hint: \(hint))" }
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    /// Each user rates at least 5 distinct items and never every item, so the catalog needs 6
    /// items and 5 ratings per user.
    public func validate() throws(InvalidOption) {
        // Upper limits keep the latent world (items × factors, users × items weights) in memory.
        if options.items > 1_000_000 { throw InvalidOption(option: "items", value: "\(options.items)", hint: "at most 1000000") }
        if options.users > 100_000 { throw InvalidOption(option: "users", value: "\(options.users)", hint: "at most 100000") }
        if options.ratings > 100_000_000 { throw InvalidOption(option: "ratings", value: "\(options.ratings)", hint: "at most 100000000") }
        if options.items < 6 { throw InvalidOption(option: "items", value: "\(options.items)", hint: "at least 6: each user rates 5 items and leaves one unrated") }
        if options.users < 1 { throw InvalidOption(option: "users", value: "\(options.users)", hint: "at least 1") }
        if options.ratings < 5 * options.users {
            throw InvalidOption(option: "ratings", value: "\(options.ratings)",
                                hint: "at least 5 per user, here \(5 * options.users) for \(options.users) users")
        }
    }

    public func write(to dir: URL) throws -> Summary {
        try validate()
        var rng = SeededGenerator(seed: options.seed, stream: "catalog")
        let world = LatentWorld(items: options.items, users: options.users, rng: &rng)
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("media/images"), withIntermediateDirectories: true)
        try fm.createDirectory(at: dir.appendingPathComponent("media/audio"), withIntermediateDirectories: true)
        var summary = Summary(items: options.items, users: options.users)
        let itemIds = (0..<options.items).map { String(format: "i%05d", $0 + 1) }
        let userIds = (0..<options.users).map { String(format: "u%04d", $0 + 1) }

        var items = CSVWriter(header: ["item_id", "title", "description", "genres", "category", "price", "image", "audio"])
        for i in 0..<options.items {
            var mediaRng = SeededGenerator(seed: options.seed &+ UInt64(i), stream: "media")
            let z = world.content[i]
            let title = TextSynthesizer.title(z, rng: &rng)
            let description = rng.nextUnitFloat() < 0.02 ? "" : TextSynthesizer.description(z, rng: &rng)
            let genres = TextSynthesizer.genres(z, rng: &rng)
            let category = rng.nextUnitFloat() < 0.8 ? genres[0].lowercased() : ["classic", "indie", "premium"][rng.nextInt(below: 3)]
            let price = String(format: "%.2f", exp(2.3 + 0.6 * Double(rng.nextNormal())))
            var image = "", audio = ""
            if options.media {
                if rng.nextUnitFloat() >= 0.03 {
                    image = try writeImage(item: i, z: z, dir: dir, rng: &mediaRng, summary: &summary)
                }
                if rng.nextUnitFloat() >= 0.03 && options.audio {
                    audio = try writeAudio(item: i, z: z, dir: dir, rng: &mediaRng, summary: &summary)
                }
            }
            items.append([itemIds[i], title, description, genres.joined(separator: "|"), category, price, image, audio])
        }

        var users = CSVWriter(header: ["user_id", "age", "occupation"])
        let occupations = ["student", "engineer", "artist", "doctor", "teacher", "writer", "chef", "retired"]
        for u in 0..<options.users {
            let age = max(16, min(80, Int(38 + 40 * world.userTaste[u][0] + 6 * rng.nextNormal())))
            let occupation = world.userTaste[u][1] > 0.15 ? occupations[rng.nextInt(below: 3)]
                : occupations[3 + rng.nextInt(below: occupations.count - 3)]
            users.append([userIds[u], String(age), occupation])
        }

        let rows = drawRatings(world, &rng)
        var ratings = CSVWriter(header: ["user_id", "item_id", "rating", "timestamp"])
        for row in rows {
            ratings.append([row.user < 0 ? "" : userIds[row.user],
                            row.item < 0 ? "i99999" : itemIds[row.item],
                            row.rating, String(row.time)])
        }
        summary.ratingRows = rows.count
        for (name, text) in [("items.csv", items.text), ("users.csv", users.text), ("ratings.csv", ratings.text)] {
            try AtomicFile.write(text, to: dir.appendingPathComponent(name))
            summary.bytes += text.utf8.count
        }
        // Media files are renamed into place without an fsync each (two per file made a
        // million-item catalog take hours); one sync makes them durable together.
        if options.media { sync() }
        return summary
    }

    private struct Row { var user: Int; var item: Int; var rating: String; var time: Int }

    /// Users rate popular items more often (Zipf) and slightly prefer items they like; activity per
    /// user is log-normal. Then a dirty share of rows is added.
    private func drawRatings(_ world: LatentWorld, _ rng: inout SeededGenerator) -> [Row] {
        let activity = (0..<options.users).map { _ in exp(0.8 * Double(rng.nextNormal())) }
        let total = activity.reduce(0, +)
        var rows: [Row] = []
        let start = 1_546_300_800  // 2019-01-01
        for u in 0..<options.users {
            let count = min(options.items - 1, max(5, Int((Double(options.ratings) * activity[u] / total).rounded())))
            var weights = (0..<options.items).map { i in
                world.popularity[i] * exp(0.8 * Double(world.affinity(user: u, item: i) - world.globalMean))
            }
            var time = start + rng.nextInt(below: 3 * 365 * 86_400)
            for _ in 0..<count {
                let i = sample(&weights, &rng)
                weights[i] = 0  // without replacement
                time += 600 + rng.nextInt(below: 20 * 86_400)
                rows.append(Row(user: u, item: i, rating: format(world.rating(user: u, item: i, rng: &rng)), time: time))
            }
        }
        let clean = rows
        let dirty = Int(Double(rows.count) * options.dirtyShare)
        for k in 0..<dirty {
            var row = clean[rng.nextInt(below: clean.count)]
            switch k % 5 {
            case 0: break  // exact duplicate
            case 1:  // the user rated again later
                row.time += 86_400
                row.rating = format(min(5, max(0.5, (Float(row.rating)! + (rng.nextUnitFloat() < 0.5 ? -1 : 1)))))
            case 2: row.rating = ""  // missing rating
            case 3: row.rating = ["7", "0", "-1", "12.5"][rng.nextInt(below: 4)]  // out of range
            default: row.item = -1  // not in the catalog
            }
            rows.insert(row, at: rng.nextInt(below: rows.count + 1))
        }
        return rows
    }

    private func sample(_ weights: inout [Double], _ rng: inout SeededGenerator) -> Int {
        let total = weights.reduce(0, +)
        var u = rng.nextUnitDouble() * total
        for (i, w) in weights.enumerated() where w > 0 {
            u -= w
            if u < 0 { return i }
        }
        return weights.lastIndex { $0 > 0 }!
    }

    private func format(_ r: Float) -> String { r == r.rounded() ? String(Int(r)) : String(r) }

    private func writeImage(item i: Int, z: [Float], dir: URL, rng: inout SeededGenerator, summary: inout Summary) throws -> String {
        let sizes = [(80, 60), (60, 80), (72, 72)]
        let (w, h) = sizes[i % sizes.count]
        let isPNG = i % 2 == 0
        let alpha = isPNG && i % 6 == 0
        let pixels = ImageSynthesizer.pixels(z, width: w, height: h, alpha: alpha, noise: isPNG ? 0 : 5, rng: &rng)
        let bytes = isPNG ? try MediaWriters.png(pixels, width: w, height: h, channels: alpha ? 4 : 3)
            : try MediaWriters.jpeg(pixels, width: w, height: h, quality: 85)
        let name = String(format: "media/images/i%05d.%@", i + 1, isPNG ? "png" : "jpg")
        try AtomicFile.write(Data(bytes), to: dir.appendingPathComponent(name), durable: false)
        summary.images += 1
        summary.bytes += bytes.count
        return name
    }

    private func writeAudio(item i: Int, z: [Float], dir: URL, rng: inout SeededGenerator, summary: inout Summary) throws -> String {
        let samples = AudioSynthesizer.samples(z, seconds: options.audioSeconds, sampleRate: options.audioSampleRate, rng: &rng)
        let isWAV = i % 3 == 0
        let name = String(format: "media/audio/i%05d.%@", i + 1, isWAV ? "wav" : "flac")
        let url = dir.appendingPathComponent(name)
        try MediaWriters.audio(samples, sampleRate: options.audioSampleRate, format: isWAV ? .wav16 : .flac16, to: url)
        summary.clips += 1
        summary.bytes += (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        return name
    }
}
