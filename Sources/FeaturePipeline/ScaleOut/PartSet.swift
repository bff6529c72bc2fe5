import Foundation

/// The parts given to `pipeline merge`, checked before a byte is merged: every one finished and
/// whole, all from the same fit and configuration, each shard of N exactly once. Each refusal is
/// one line naming the part (or the missing shard).
struct PartSet {
    var parts: [(folder: URL, manifest: PartManifest)]

    /// `paths`: part folders, or folders holding them (`part-*`, as `extract --shard` writes).
    init(_ paths: [URL]) throws {
        var folders: [URL] = []
        for path in paths { folders += try Self.expand(path) }
        let given = try folders.map { (folder: $0, manifest: try PartManifest.read($0)) }
        guard let reference = Self.majority(given.map(\.manifest)) else {
            throw PipelineError(what: "no parts given", hint: "pass the part folders, or the folder extract --shard wrote them in")
        }
        for part in given { try Self.check(part, against: reference) }
        var byIndex: [Int: URL] = [:]
        for part in given {
            if let earlier = byIndex[part.manifest.shard] {
                throw PipelineError(what: "duplicated part \(part.manifest.shard)/\(reference.shardCount): \(part.folder.path) repeats \(earlier.path)",
                                    hint: "give each shard's part once")
            }
            byIndex[part.manifest.shard] = part.folder
        }
        if let missing = (0..<reference.shardCount).first(where: { byIndex[$0] == nil }) {
            let name = try Shard(index: missing, count: reference.shardCount).folderName
            throw PipelineError(what: "missing part \(missing)/\(reference.shardCount) (\(name)): \(byIndex.count) of \(reference.shardCount) parts given",
                                hint: "run `pipeline extract FILE --shard \(missing)/\(reference.shardCount)` and merge again")
        }
        let total = given.reduce(0) { $0 + $1.manifest.items }
        guard total == reference.catalogItems else {
            throw PipelineError(what: "the parts hold \(total) items but their catalog has \(reference.catalogItems)",
                                hint: "rerun the shards with the same items file")
        }
        for part in given where try PartManifest.hashes(in: part.folder) != part.manifest.files {
            throw PipelineError(what: "damaged part \(part.folder.path): its files do not match its part.json",
                                hint: "rerun shard \(part.manifest.shard)/\(part.manifest.shardCount)")
        }
        parts = given.sorted { $0.manifest.shard < $1.manifest.shard }
    }

    static func expand(_ path: URL) throws -> [URL] {
        if FileManager.default.fileExists(atPath: path.appendingPathComponent(PartManifest.file).path) { return [path] }
        let children = (try? FileManager.default.contentsOfDirectory(atPath: path.path)) ?? []
        let parts = children.filter { $0.hasPrefix("part-") }.sorted().map { path.appendingPathComponent($0) }
        return parts.isEmpty ? [path] : parts  // a lone unfinished folder is named by PartManifest.read
    }

    /// The fit, configuration, shard count and catalog most parts share: the others are foreign.
    static func majority(_ manifests: [PartManifest]) -> PartManifest? {
        let key = { (m: PartManifest) in [m.fitHash, m.configurationHash, String(m.shardCount), String(m.catalogItems), m.source] }
        var votes: [[String]: Int] = [:]
        for m in manifests { votes[key(m), default: 0] += 1 }
        var best: PartManifest?
        var bestVotes = 0
        for m in manifests where votes[key(m), default: 0] > bestVotes { (best, bestVotes) = (m, votes[key(m), default: 0]) }
        return best
    }

    static func check(_ part: (folder: URL, manifest: PartManifest), against reference: PartManifest) throws {
        let m = part.manifest
        let differs: String? =
            m.configurationHash != reference.configurationHash ? "another configuration (data, features, seed or version)"
            : m.fitHash != reference.fitHash ? "another fit (\(m.fitHash.prefix(16)) ≠ \(reference.fitHash.prefix(16)))"
            : m.source != reference.source ? "another source (\(m.source), not \(reference.source))"
            : m.shardCount != reference.shardCount ? "a split into \(m.shardCount) shards, not \(reference.shardCount)"
            : m.catalogItems != reference.catalogItems ? "a catalog of \(m.catalogItems) items, not \(reference.catalogItems)"
            : nil
        if let differs {
            throw PipelineError(what: "foreign part \(part.folder.path): it comes from \(differs) than the other parts",
                                hint: "merge only parts of one `pipeline extract --shard` run; rerun this shard")
        }
    }
}
