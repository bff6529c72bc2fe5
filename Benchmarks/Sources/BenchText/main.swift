// Throughput of TextFeatures' fit + transform (`TextVectorizer.fitTransform`) on a corpus file of
// one document per line, as JSON on stdout, for scripts/bench/text_bench.py.
//
// Usage: swift run -c release BenchText CORPUS [--threads N] [--config sklearn|default|scan]
//   sklearn: normalize none, cjk none (the same output as scikit-learn's TfidfVectorizer())
//   default: TextOptions() (NFKC, CJK bigrams)
//   sklearn-fit, sklearn-transform: the two halves of the sklearn configuration alone
//   scan:    the physical floor: UTF-8 validation of the same bytes plus one pass over each document
import BenchSupport
import Foundation
import TensorCore
import TextFeatures

// TextFeatures links TensorCore and so OpenBLAS, whose pthread build starts a worker thread at
// load time that spins (and calls sched_yield) for a while: it would take CPU from the run and
// count in its CPU time. One BLAS thread, as in the product; text_bench.py also sets
// OPENBLAS_NUM_THREADS=1 so that the worker is never started.
BLAS.setThreads(1)

let arguments = CommandLine.arguments
func value(_ flag: String, default fallback: String) -> String {
    guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count else { return fallback }
    return arguments[i + 1]
}
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: BenchText CORPUS [--threads N] [--config sklearn|default|scan]\n".utf8))
    exit(2)
}
let threads = Int(value("--threads", default: "1")) ?? 1
let config = value("--config", default: "sklearn")
let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: arguments[1])))
let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast()
let documents = lines.enumerated().map { TextDocument(item: "d\($0.offset)", text: String(decoding: $0.element, as: UTF8.self)) }

var options = TextOptions()
if config.hasPrefix("sklearn") {
    options.tokenizer.normalize = .none
    options.tokenizer.cjk = .none
}

/// Wall and CPU seconds taken by `body` (a plain function, outside main-actor code, so closures
/// pay no executor checks).
func timed<T>(_ body: () throws -> T) rethrows -> (T, Double, Double) {
    let start = DispatchTime.now().uptimeNanoseconds, cpu = cpuSeconds()
    let result = try body()
    return (result, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, cpuSeconds() - cpu)
}

/// The floor: validate all bytes as UTF-8, then touch every byte of every document once.
func scan(_ bytes: [UInt8], _ documents: [TextDocument]) -> Int {
    var checksum = TextDecoding.firstInvalidOffset(bytes) == nil ? 0 : -1
    for d in documents {
        checksum &+= d.fields[0]!.utf8.withContiguousStorageIfAvailable { p in
            var s = 0
            for b in p { s &+= Int(b) }
            return s
        } ?? 0
    }
    return checksum
}

func run(_ bytes: [UInt8], _ documents: [TextDocument], options: TextOptions, config: String, threads: Int) throws -> [String: Any] {
    var report: [String: Any] = ["config": config, "threads": threads, "documents": documents.count]
    report["bytes"] = documents.reduce(0) { $0 + ($1.fields[0]?.utf8.count ?? 0) }
    if config == "scan" {
        let (checksum, seconds, cpu) = timed { scan(bytes, documents) }
        report["checksum"] = checksum
        report["seconds"] = seconds
        report["cpu_seconds"] = cpu
    } else if config == "sklearn-fit" {
        let (vectorizer, seconds, cpu) = try timed { try TextVectorizer.fit(documents, options: options, threads: threads) }
        (report["seconds"], report["cpu_seconds"], report["vocabulary"]) = (seconds, cpu, vectorizer.featureCount)
    } else if config == "sklearn-transform" {
        let vectorizer = try TextVectorizer.fit(documents, options: options, threads: threads)
        let (bags, seconds, cpu) = timed { vectorizer.transform(documents, threads: threads) }
        (report["seconds"], report["cpu_seconds"], report["vocabulary"]) = (seconds, cpu, vectorizer.featureCount)
        report["nnz"] = bags.reduce(0) { $0 + ((try? $1.get())?.ids.count ?? 0) }
    } else {
        let ((vectorizer, bags), seconds, cpu) = try timed { try TextVectorizer.fitTransform(documents, options: options, threads: threads) }
        report["seconds"] = seconds
        report["cpu_seconds"] = cpu
        report["vocabulary"] = vectorizer.featureCount
        report["nnz"] = bags.reduce(0) { $0 + ((try? $1.get())?.ids.count ?? 0) }
    }
    return report
}

let report = try run(bytes, documents, options: options, config: config, threads: threads)
let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
print(String(decoding: json, as: UTF8.self))
