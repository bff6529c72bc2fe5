import Foundation
import TensorCore

/// Whole-folder checks of a run folder, for the crash-safety tests.
enum RunFolderChecks {
    /// Files that describe the last invocation rather than the run's results (what ran, what
    /// resumed, how long it took), and the train stage's key, which hashes its inputs' records.
    static let perInvocation: Set<String> = ["summary.json", "report.html", "stages/train/checkpoint/key.txt", "run_state.json"]
    /// JSON keys that hold wall-clock time or how a run got there, not what it computed: stage
    /// records, checkpoints and the manifest hash outputs that contain per-epoch seconds, and the
    /// extract summary counts cache hits, which depend on where an earlier run was killed.
    /// The outputs themselves are compared byte for byte.
    static let incidentalKeys: Set<String> = ["seconds", "resumed_from_epoch", "sha256", "bytes", "key", "cached", "extracted"]

    /// Visible files (not hidden: `.lock`, `.tmp-…`), relative to `root`, sorted.
    static func visibleFiles(_ root: URL) -> [String] {
        let base = root.standardizedFileURL.path + "/"
        var found: [String] = []
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        for case let url as URL in walker {
            if url.lastPathComponent.hasPrefix(".") { walker.skipDescendants(); continue }
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            found.append(String(url.standardizedFileURL.path.dropFirst(base.count)))
        }
        return found.sorted()
    }

    /// Relative paths whose content differs between two run folders of the same pipeline, seed
    /// and folder path, or that only one of them has.
    static func differences(_ a: URL, _ b: URL) throws -> [String] {
        let (left, right) = (visibleFiles(a), visibleFiles(b))
        var out = Set(left).symmetricDifference(right).sorted()
        for path in Set(left).intersection(right).sorted() where !perInvocation.contains(path) {
            let x = try Data(contentsOf: a.appendingPathComponent(path)), y = try Data(contentsOf: b.appendingPathComponent(path))
            let same = path.hasSuffix(".json") ? try normalizedJSON(x) == normalizedJSON(y) : x == y
            if !same { out.append(path) }
        }
        return out
    }

    /// The JSON with `incidentalKeys` removed at every depth, re-encoded with sorted keys.
    static func normalizedJSON(_ data: Data) throws -> Data {
        func strip(_ value: Any) -> Any {
            if let object = value as? [String: Any] {
                return object.filter { !incidentalKeys.contains($0.key) }.mapValues(strip)
            }
            if let list = value as? [Any] { return list.map(strip) }
            return value
        }
        return try JSONSerialization.data(withJSONObject: strip(JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)),
                                          options: [.sortedKeys, .fragmentsAllowed])
    }

    /// Sizes of the per-item cache files of a finished run, per modality (`cache/<modality>/…`).
    static func cacheFileSizes(_ run: URL) throws -> [String: Set<Int>] {
        var sizes: [String: Set<Int>] = [:]
        for path in visibleFiles(run) where path.hasPrefix("cache/") {
            let modality = String(path.split(separator: "/")[1])
            let bytes = try FileManager.default.attributesOfItem(atPath: run.appendingPathComponent(path).path)[.size] as? Int ?? -1
            sizes[modality, default: []].insert(bytes)
        }
        return sizes
    }

    /// Visible files that are not whole: JSON, JSON Lines, safetensors and npy files that do not
    /// parse, and cache files whose size no finished run has. A killed run may leave hidden
    /// temporaries, never a visible partial file.
    static func brokenFiles(_ run: URL, cacheSizes: [String: Set<Int>]) throws -> [String] {
        var broken: [String] = []
        for path in visibleFiles(run) {
            let url = run.appendingPathComponent(path)
            let whole: Bool
            switch url.pathExtension {
            case "json": whole = (try? JSONSerialization.jsonObject(with: Data(contentsOf: url))) != nil
            case "jsonl":
                let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
                whole = (text.isEmpty || text.hasSuffix("\n"))
                    && text.split(separator: "\n").allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil }
            case "safetensors": whole = (try? Safetensors.read(url)) != nil
            case "npy": whole = (try? NumpyFile.read(url)) != nil
            case "bin" where path.hasPrefix("cache/"):
                let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? -1
                whole = cacheSizes[String(path.split(separator: "/")[1])]?.contains(size) == true
            default: whole = true  // text files: written atomically like every file, but without a format to check
            }
            if !whole { broken.append(path) }
        }
        return broken
    }
}
