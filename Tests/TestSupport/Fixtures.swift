import Foundation
import TensorCore

/// Paths of the repository, for tests that read committed fixtures or run the built binary.
public enum Repository {
    /// The package root (the folder holding Package.swift), found from this source file.
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    public static func fixture(_ relative: String) -> URL { root.appendingPathComponent("fixtures/\(relative)") }

    /// A fresh empty temporary folder, inside this test process's scratch folder (`scratch`):
    /// removed by the caller, or with the rest when the process exits.
    public static func temporaryDirectory(_ label: String = "test") -> URL {
        let url = scratch.appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// One folder per test process for every temporary folder, removed when the process exits
    /// (kept with PIPELINE_KEEP_TEST_FILES=1, to look at a failed test's files).
    public static let scratch: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        if ProcessInfo.processInfo.environment["PIPELINE_KEEP_TEST_FILES"] == nil {
            atexit { try? FileManager.default.removeItem(at: Repository.scratch) }
        }
        return url
    }()

    /// Decodes a committed golden JSON file under fixtures/golden.
    public static func golden<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        let data = try Data(contentsOf: fixture("golden/\(name)"))
        return try JSONDecoder().decode(T.self, from: data)
    }
}

/// Tolerance comparison that reports both values and the worst index on failure.
public func closeness(_ actual: [Float], _ expected: [Float], absolute: Float = 1e-5, relative: Float = 1e-5)
    -> (ok: Bool, detail: String)
{
    guard actual.count == expected.count else {
        return (false, "count \(actual.count) != expected \(expected.count)")
    }
    var worst = -1
    var worstExcess: Float = 0
    for i in actual.indices {
        let tol = absolute + relative * abs(expected[i])
        let diff = abs(actual[i] - expected[i])
        if !(diff <= tol), diff - tol >= worstExcess || worst < 0 {
            worst = i; worstExcess = diff - tol
        }
    }
    if worst < 0 { return (true, "") }
    return (false, "at [\(worst)] actual \(actual[worst]) expected \(expected[worst]) (abs \(absolute), rel \(relative))")
}
