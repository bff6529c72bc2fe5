import Foundation
import TensorCore
import Testing

@Suite struct FileSystemProblemTests {
    static func scratch() throws -> (root: URL, file: String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fsp-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let file = root.appendingPathComponent("plain.txt").path
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        return (root, file)
    }

    /// Writing below a regular file names that file, from our own system calls and from Foundation's.
    @Test func aFileWhereAFolderBelongsIsNamed() throws {
        let (root, file) = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let target = file + "/sub/out.bin"
        let written = try #require(throws: FileSystemProblem.self) { try AtomicFile.write(Data([1, 2]), to: URL(fileURLWithPath: target)) }
        #expect(written.cause == .notAFolder(file))
        #expect(written.description == "cannot write \(target): \(file) is a file, not a folder (hint: choose a path under a folder, or move \(file) out of the way)")
        let created = try #require(throws: FileSystemProblem.self) { try FileSystemProblem.createFolder(file + "/sub") }
        #expect(created.action == .createFolder && created.cause == .notAFolder(file))
        do {
            try FileManager.default.createDirectory(atPath: file + "/sub", withIntermediateDirectories: true)
        } catch {
            #expect(FileSystemProblem(translating: error)?.cause == .notAFolder(file))
        }
    }

    @Test func readingAFolderOrAMissingFile() throws {
        let (root, _) = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        do {
            _ = try Data(contentsOf: root)
        } catch {
            #expect(FileSystemProblem.reading(root.path, failedWith: error).cause == .isAFolder)
        }
        let missing = root.appendingPathComponent("none.csv")
        do {
            _ = try Data(contentsOf: missing)
            Issue.record("read a missing file")
        } catch {
            let problem = FileSystemProblem.reading(missing.path, failedWith: error)
            #expect(problem.description == "cannot read \(missing.path): no such file or folder (hint: check the path)")
        }
    }

    @Test func errnoCausesHaveTheirOwnHints() {
        #expect(FileSystemProblem(errno: ENOSPC, action: .write, path: "/d/x").description
                == "cannot write /d/x: no space left on the device (hint: free some space or choose another output folder)")
        #expect(FileSystemProblem(errno: EROFS, action: .write, path: "/d/x").reason == "the file system is read-only")
        #expect(FileSystemProblem(errno: EACCES, action: .read, path: "/d/x").cause == .noPermission)
    }
}
