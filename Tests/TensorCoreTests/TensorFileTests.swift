import Foundation
import TensorCore
import TestSupport
import Testing

/// Files written by numpy and by the safetensors package (scripts/golden/tensor_files.py).
@Suite struct TensorFileTests {
    struct Expected: Decodable { let matrix: [Float]; let matrix_shape: [Int]; let vector: [Float]; let ints: [Int] }
    let expected: Expected
    let dir = Repository.fixture("golden/tensorcore")

    init() throws { expected = try Repository.golden("tensorcore/expected.json") }

    @Test func readsNumpyWrittenFiles() throws {
        let m = try NumpyFile.read(dir.appendingPathComponent("matrix_f32.npy"))
        #expect(m.dtype == .float32 && m.shape == expected.matrix_shape)
        #expect(m.floats() == expected.matrix)
        #expect(try NumpyFile.read(dir.appendingPathComponent("vector_f32.npy")).floats() == expected.vector)
        let ints = try NumpyFile.read(dir.appendingPathComponent("ints_i32.npy"))
        #expect(ints.dtype == .int32 && ints.floats() == expected.ints.map(Float.init))
        let scalar = try NumpyFile.read(dir.appendingPathComponent("scalar_f64.npy"))
        #expect(scalar.shape == [] && scalar.floats() == [2.5])
    }

    @Test func writesTheSameBytesAsNumpy() throws {
        let numpyBytes = try Data(contentsOf: dir.appendingPathComponent("matrix_f32.npy"))
        let ours = NumpyFile.encode(Tensor(shape: expected.matrix_shape, storage: expected.matrix))
        #expect(ours == numpyBytes)
        let vectorBytes = try Data(contentsOf: dir.appendingPathComponent("vector_f32.npy"))
        #expect(NumpyFile.encode(Tensor(shape: [4], storage: expected.vector)) == vectorBytes)
        let intBytes = try Data(contentsOf: dir.appendingPathComponent("ints_i32.npy"))
        #expect(NumpyFile.encode(int32: expected.ints.map { Int32($0) }, shape: [2, 2]) == intBytes)
    }

    @Test func npyDataStartsOn64ByteBoundary() {
        for shape in [[0], [1], [7, 3], [2, 3, 4, 5]] {
            let data = NumpyFile.encode(Tensor(shape: shape))
            let headerLength = Int(data[8]) | Int(data[9]) << 8
            #expect((10 + headerLength) % 64 == 0)
            #expect(data[10 + headerLength - 1] == UInt8(ascii: "\n"))
        }
    }

    @Test func rejectsMalformedNpy() {
        #expect(throws: TensorFileError.self) { try NumpyFile.decode(Array("not numpy".utf8)) }
        var good = [UInt8](NumpyFile.encode(Tensor(shape: [2, 2])))
        good.removeLast()
        #expect(throws: TensorFileError.self) { try NumpyFile.decode(good) }
    }

    @Test func readsSafetensorsWrittenByTheReference() throws {
        let file = try Safetensors.read(dir.appendingPathComponent("three.safetensors"))
        #expect(file.metadata == ["format": "pt", "note": "written by safetensors.numpy"])
        #expect(file["embeddings"]?.tensor() == Tensor(shape: [3, 4], storage: expected.matrix))
        #expect(file["bias"]?.tensor().storage == expected.vector)
        #expect(file["ids"]?.dtype == .int32 && file["ids"]?.tensor().storage == expected.ints.map(Float.init))
    }

    @Test func writesTheSameBytesAsTheReference() throws {
        let reference = try Data(contentsOf: dir.appendingPathComponent("three.safetensors"))
        let ints = expected.ints.map { Int32($0) }
        let ours = Safetensors.encode(
            [
                .init(name: "ids", dtype: .int32, shape: [2, 2], bytes: ints.withUnsafeBytes { [UInt8]($0) }),
                .init(name: "embeddings", tensor: Tensor(shape: [3, 4], storage: expected.matrix)),
                .init(name: "bias", tensor: Tensor(shape: [4], storage: expected.vector)),
            ], metadata: ["note": "written by safetensors.numpy", "format": "pt"])
        #expect(ours == reference)
    }

    /// Checks our own output against the format's rules, field by field.
    @Test func headerFollowsTheSpecification() throws {
        let data = Safetensors.encode(
            [.init(name: "a", tensor: Tensor(shape: [2, 3], repeating: 1)), .init(name: "b\"q", tensor: Tensor(shape: [5]))],
            metadata: ["ids": "[\"x\",\"y\"]"])
        let bytes = [UInt8](data)
        let n = bytes.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
        #expect((8 + n) % 8 == 0, "buffer must start 8-byte aligned")
        let header = try #require(
            JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + n)])) as? [String: Any])
        #expect(Set(header.keys) == ["a", "b\"q", "__metadata__"])
        let a = try #require(header["a"] as? [String: Any])
        #expect(a["dtype"] as? String == "F32" && a["shape"] as? [Int] == [2, 3])
        #expect(a["data_offsets"] as? [Int] == [0, 24])
        #expect((header["b\"q"] as? [String: Any])?["data_offsets"] as? [Int] == [24, 44])
        #expect(bytes.count == 8 + n + 44)
        #expect((header["__metadata__"] as? [String: String])?["ids"] == "[\"x\",\"y\"]")
    }

    @Test func zeroLengthTensorsRoundTrip() throws {
        let entries: [Safetensors.Entry] = [
            .init(name: "a.bytes", dtype: .uint8, shape: [0], bytes: []),
            .init(name: "b.bytes", dtype: .uint8, shape: [3], bytes: [1, 2, 3]),
            .init(name: "c.bytes", dtype: .uint8, shape: [0], bytes: []),
            .init(name: "d", tensor: Tensor(shape: [0, 4])),
        ]
        let file = try Safetensors.decode([UInt8](Safetensors.encode(entries)))
        #expect(file["a.bytes"]?.bytes == [] && file["b.bytes"]?.bytes == [1, 2, 3] && file["c.bytes"]?.shape == [0])
        #expect(file["d"]?.shape == [0, 4])
    }

    @Test func rejectsMalformedSafetensors() {
        #expect(throws: TensorFileError.self) { try Safetensors.decode([1, 2, 3]) }
        var bytes = [UInt8](Safetensors.encode([.init(name: "a", tensor: Tensor(shape: [4]))]))
        bytes.append(0)  // a byte no tensor covers
        #expect(throws: TensorFileError.self) { try Safetensors.decode(bytes) }
        var huge = [UInt8](repeating: 0xFF, count: 16)
        huge[7] = 0x7F
        #expect(throws: TensorFileError.self) { try Safetensors.decode(huge) }
    }

    /// Empty tensors share their offset with the next one; many of them (empty string columns of
    /// a catalog without media) once made the reader report a hole, depending on its sort order.
    @Test func emptyTensorsAmongOthersReadBack() throws {
        var entries: [Safetensors.Entry] = []
        for k in 0..<40 {
            let n = k % 3 == 0 ? 0 : k
            entries.append(.init(name: "column\(k).bytes", dtype: .uint8, shape: [n], bytes: [UInt8](repeating: UInt8(k), count: n)))
        }
        let file = try Safetensors.decode([UInt8](Safetensors.encode(entries)))
        for e in entries { #expect(file[e.name] == e) }
    }

    /// A file written piece by piece: nothing under the final name until `commit`, the header
    /// patched in place, another writer's bytes appended; dropped without commit, nothing is left.
    @Test func streamedWriterPublishesOnlyOnCommit() throws {
        let dir = Repository.temporaryDirectory("writer")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("x.bin")
        let writer = try AtomicFileWriter(url)
        let other = try AtomicFileWriter(dir.appendingPathComponent("spill"))
        try other.append([7, 8, 9])
        try writer.append([0, 0, 1, 2])
        try writer.overwrite([5, 6], at: 0)
        try writer.append(contentsOf: other)
        #expect(try other.read(at: 1, count: 2) == [8, 9])
        #expect(!FileManager.default.fileExists(atPath: url.path))
        try writer.commit()
        #expect(try [UInt8](Data(contentsOf: url)) == [5, 6, 1, 2, 7, 8, 9])
        do { _ = try AtomicFileWriter(dir.appendingPathComponent("dropped")) }
        // Left: the published file and the spill still in use (a hidden temporary).
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasPrefix(".tmp-spill.") } == ["x.bin"])
    }

    @Test func atomicWriteReplacesWholeFileAndLeavesNoTemporary() throws {
        let dir = Repository.temporaryDirectory("atomic")
        let url = dir.appendingPathComponent("x.npy")
        try NumpyFile.write(Tensor(shape: [3], storage: [1, 2, 3]), to: url)
        try NumpyFile.write(Tensor(shape: [2], storage: [4, 5]), to: url)
        #expect(try NumpyFile.read(url).floats() == [4, 5])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["x.npy"])
        try Data([1, 2]).write(to: dir.appendingPathComponent(".tmp-x.npy.999999.1"))
        AtomicFile.sweepTemporaries(in: dir)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["x.npy"])
    }
}
