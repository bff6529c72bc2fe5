import Foundation
import TensorCore

/// Extracts one modality from every item's media file, in parallel, through the item cache.
///
/// Per item: locate the file (media root rules), check its size, read it once, hash the bytes,
/// and either take the features from the cache or run `extract` and store them. Failures are
/// collected per item, classified, never thrown: the caller applies the `on_error` policy.
struct MediaExtraction {
    let modality: String
    /// Column of the items file holding the path.
    let column: String
    let maxBytes: Int
    let context: ExtractionContext

    init(modality: String, column: String, maxBytes: Int, _ context: ExtractionContext) {
        self.modality = modality
        self.column = column
        self.maxBytes = maxBytes
        self.context = context
    }

    struct Result: Sendable {
        /// Encoded features per item; nil where the item has no usable file.
        var features: [Data?]
        var failures: [ItemFailure]
        var cached = 0
        var extracted = 0
        /// Items whose column is empty (no failure: the modality is simply absent).
        var absent = 0
    }

    private enum Outcome: Sendable {
        case absent
        case cached(Data)
        case extracted(Data)
        case failed(ItemFailure)
    }

    /// Extracts every item of `catalog`, advancing the context's progress task of the modality
    /// (or a task of its own, finished here).
    func run(_ catalog: Catalog, _ extract: @escaping @Sendable (UnsafeRawBufferPointer, String) throws -> Data) -> Result {
        if let shared = context.tasks[modality] { return run(catalog, progress: shared, extract) }
        let task = context.progress.task("extract \(modality)", total: catalog.count)
        let result = run(catalog, progress: task, extract)
        task.finish(result.summary(items: catalog.count).progressLine)
        return result
    }

    private func run(_ catalog: Catalog, progress: ProgressTask,
                     _ extract: @escaping @Sendable (UnsafeRawBufferPointer, String) throws -> Data) -> Result {
        let columnIndex = catalog.columnIndex(column)
        let (modality, configuration, maxBytes) = (self.modality, context.configuration[modality] ?? "", self.maxBytes)
        let (locator, cache) = (context.locator, context.cache)
        let outcomes = parallelMap(count: catalog.count, threads: context.threads) { item -> Outcome in
            defer {
                progress.advance()
                FaultInjection.pause()
            }
            guard let c = columnIndex, let value = catalog.value(item: item, column: c)?.trimmingCharacters(in: .whitespaces),
                !value.isEmpty
            else { return .absent }
            var path: String? = value
            do {
                let file = try locator.locate(value)
                let url = file.url
                path = url.path
                // Classified before reading (and Foundation leaks 4 KiB reading an empty file).
                try MediaFileCheck.checkSize(file.bytes, path: url.path, maxBytes: maxBytes, modality: modality)
                let bytes: Data
                do { bytes = try Data(contentsOf: url) } catch { throw MediaFileCheck.unreadable(url.path, after: error) }
                var hash = ContentHash()
                hash.update(bytes)
                let key = ItemCache.key(modality: modality, configuration: configuration, content: hash)
                if let hit = cache.read(modality, key) { return .cached(hit) }
                let features = try bytes.withUnsafeBytes { try extract($0, url.path) }
                try? cache.write(modality, key, features)
                return .extracted(features)
            } catch {
                // Every extractor throws ItemError; anything else still gets the one format.
                let itemError = error as? ItemError
                    ?? ItemError(.corrupt, source: path ?? value, detail: "\(error)", hint: "an unexpected error: please report it")
                return .failed(ItemFailure(item: catalog.ids[item], modality: modality, path: path, error: itemError))
            }
        }
        var result = Result(features: [], failures: [])
        for outcome in outcomes {
            switch outcome {
            case .absent: result.features.append(nil); result.absent += 1
            case .cached(let d): result.features.append(d); result.cached += 1
            case .extracted(let d): result.features.append(d); result.extracted += 1
            case .failed(let f): result.features.append(nil); result.failures.append(f)
            }
        }
        return result
    }
}

extension MediaExtraction.Result {
    func summary(items: Int) -> ModalitySummary {
        var s = ModalitySummary(items: items, extracted: extracted, cached: cached, absent: absent, failed: failures.count)
        for f in failures { s.failuresByClass[f.errorClass.rawValue, default: 0] += 1 }
        return s
    }

    /// `name` as one byte per item: 1 where the item's features were read.
    func presence(name: String) -> Safetensors.Entry {
        Safetensors.Entry.vector(name, .uint8, features.map { $0 == nil ? UInt8(0) : 1 })
    }
}
