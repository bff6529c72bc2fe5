#if MPI
import CMPI
import Foundation
import NeuralNet

/// The MPI world (`mpirun -np N`, `srun`) as a training group, over the `CMPI` shim.
///
/// MPI calls return errors instead of aborting (the shim sets MPI_ERRORS_RETURN); a failed call
/// means a peer is gone, so the rank says which operation failed and what to do, and ends the job.
public final class MPIGroup: Collectives {
    public let rank: Int
    public let size: Int
    /// PIPELINE_MPI_CHECK_STEPS=1: after every optimizer step the ranks compare a fingerprint of
    /// their parameters and the job fails on the first difference (a test mode; one gather per step).
    let checksSteps: Bool
    public private(set) var checkedSteps = 0
    /// The most bytes one MPI_Gatherv of `gather` moves in all: its counts and offsets are C ints,
    /// so larger gathers go in rounds (lowered by `MPICheck collectives` to test the rounds).
    public var gatherRoundBytes = 1 << 30
    /// `reduceScatterSum`'s receive buffer, kept from call to call (megabytes: their page faults each step).
    private var received: [Float] = []

    /// The launcher's variables that say this process is one rank of an MPI job.
    public static let launcherVariables = ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"]

    /// Joins the job when a launcher started this process; nil when it runs on its own (no MPI_Init,
    /// so a trait build behaves as the default one outside mpirun).
    public static func joinIfLaunched(environment: [String: String]) throws -> MPIGroup? {
        guard launcherVariables.contains(where: { environment[$0] != nil }) else { return nil }
        let group = try MPIGroup(checksSteps: environment["PIPELINE_MPI_CHECK_STEPS"] == "1")
        if let values = environment["PIPELINE_MPI_TABLES_IN_PARTS_FROM"].flatMap(Int.init), values >= 0 {
            group.smallestTableUpdatedInParts = values
        }
        return group
    }

    /// PIPELINE_MPI_TABLES_IN_PARTS_FROM=N (a test hook): tables of N values or more are updated
    /// in parts, so that the small catalogs of tests exercise it.
    public private(set) var smallestTableUpdatedInParts = RowOwners.smallestTable

    init(checksSteps: Bool) throws {
        let status = pipeline_mpi_init()
        guard status == MPI_SUCCESS else { throw MPIFailure(operation: "MPI_Init_thread", status: status) }
        rank = Int(pipeline_mpi_rank())
        size = Int(pipeline_mpi_size())
        self.checksSteps = checksSteps
    }

    public func allReduceSum(_ values: inout [Float]) {
        let count = Int64(values.count)
        let status = values.withUnsafeMutableBufferPointer { pipeline_mpi_allreduce_sum_float($0.baseAddress, count) }
        check(status, "MPI_Allreduce")
    }

    public func reduceScatterSum(_ values: inout [Float], counts: [Int]) {
        precondition(counts.count == size && counts.reduce(0, +) == values.count, "reduceScatterSum: \(counts) for \(values.count) values")
        guard values.count <= Int(Int32.max) else { return allReduceSum(&values) }
        if received.count < max(counts[rank], 1) { received = [Float](repeating: 0, count: max(counts[rank], 1)) }
        let status = values.withUnsafeMutableBufferPointer { v in
            received.withUnsafeMutableBufferPointer { pipeline_mpi_reduce_scatter_sum_float(v.baseAddress, $0.baseAddress, counts.map { Int32($0) }) }
        }
        check(status, "MPI_Sendrecv")
    }

    public func allGatherParts(_ values: inout [Float], counts: [Int]) {
        precondition(counts.count == size && counts.reduce(0, +) == values.count, "allGatherParts: \(counts) for \(values.count) values")
        guard values.count > 0 else { return }
        guard values.count <= Int(Int32.max) else { return allGatherPartsAsBytes(&values, counts: counts) }
        let offsets = counts.indices.map { Int32(counts[..<$0].reduce(0, +)) }
        let status = values.withUnsafeMutableBufferPointer {
            pipeline_mpi_allgather_parts_float($0.baseAddress, counts.map { Int32($0) }, offsets)
        }
        check(status, "MPI_Allgatherv")
    }

    public func allGather(_ bytes: [UInt8]) -> [[UInt8]] {
        var counts = [Int64](repeating: 0, count: size)
        check(pipeline_mpi_allgather_int64(Int64(bytes.count), &counts), "MPI_Allgather")
        var gathered = [UInt8](repeating: 0, count: Int(counts.reduce(0, +)))
        let status = bytes.withUnsafeBytes { mine in
            gathered.withUnsafeMutableBytes { all in
                pipeline_mpi_allgatherv_bytes(mine.baseAddress, Int64(bytes.count), all.baseAddress, counts)
            }
        }
        check(status, "MPI_Allgatherv")
        var start = 0
        return counts.map { count in
            defer { start += Int(count) }
            return Array(gathered[start..<(start + Int(count))])
        }
    }

    public func broadcast(_ bytes: [UInt8], from root: Int) -> [UInt8] {
        var length = Int64(bytes.count)
        check(withUnsafeMutableBytes(of: &length) { pipeline_mpi_bcast_bytes_sleeping($0.baseAddress, 8, Int32(root), 10_000) },
              "MPI_Bcast")
        var message = rank == root ? bytes : [UInt8](repeating: 0, count: Int(length))
        guard length > 0 else { return message }
        check(message.withUnsafeMutableBytes { pipeline_mpi_bcast_bytes_sleeping($0.baseAddress, Int32(length), Int32(root), 1_000) },
              "MPI_Bcast")
        return message
    }

    public func gather(_ bytes: [UInt8], to root: Int) -> [[UInt8]] {
        var lengths = [Int64](repeating: 0, count: size)
        check(pipeline_mpi_allgather_int64_sleeping(Int64(bytes.count), &lengths, 1_000), "MPI_Allgather")
        let piece = max(1, gatherRoundBytes / size)  // of each rank, per round
        let rounds = lengths.map { (Int($0) + piece - 1) / piece }.max() ?? 0
        var gathered: [[UInt8]] = rank == root ? lengths.map { [UInt8](repeating: 0, count: Int($0)) } : []
        for round in 0..<rounds {
            let counts = lengths.map { Int32(min(max(Int($0) - round * piece, 0), piece)) }
            let offsets = counts.indices.map { r in Int32(counts[..<r].reduce(0, +)) }
            var received = [UInt8](repeating: 0, count: rank == root ? Int(counts.reduce(0, +)) : 0)
            let mine = bytes.dropFirst(round * piece).prefix(Int(counts[rank]))
            let status = mine.withUnsafeBytes { sent in
                received.withUnsafeMutableBytes { out in
                    pipeline_mpi_gatherv_bytes_sleeping(sent.baseAddress, counts[rank], out.baseAddress, counts, offsets,
                                                        Int32(root), 1_000)
                }
            }
            check(status, "MPI_Gatherv")
            for r in gathered.indices where counts[r] > 0 {
                gathered[r].replaceSubrange((round * piece)..<(round * piece + Int(counts[r])),
                                            with: received[Int(offsets[r])..<Int(offsets[r] + counts[r])])
            }
        }
        return gathered
    }

    public func stepFinished(_ parameters: [Parameter]) {
        guard checksSteps else { return }
        checkedSteps += 1
        let fingerprints = allGather([ParameterFingerprint.of(parameters)]).map { $0[0] }
        guard Set(fingerprints).count == 1 else {
            fail("the parameters differ across ranks after step \(checkedSteps) (fingerprints by rank: \(fingerprints))")
        }
    }

    /// Ends this rank's part of the job normally (MPI_Finalize).
    public func finish() {
        if checksSteps && rank == 0 {
            FileHandle.standardError.write(Data("parameters identical on all \(size) ranks after each of \(checkedSteps) steps\n".utf8))
        }
        _ = pipeline_mpi_finalize()
    }

    /// Ends every rank of the job with `status` (after this rank reported its error).
    public func abort(_ status: Int32) -> Never {
        pipeline_mpi_abort(status)
        exit(status)
    }

    private func check(_ status: Int32, _ operation: String) {
        guard status != MPI_SUCCESS else { return }
        fail("\(MPIFailure(operation: operation, status: status)): another rank has probably died (killed, out of memory)")
    }

    private func fail(_ message: String) -> Never {
        let text = "pipeline: error: rank \(rank) of \(size): \(message); the job stops "
            + "(hint: rerun the same command, with any number of ranks, to resume from the last checkpoint)\n"
        FileHandle.standardError.write(Data(text.utf8))
        abort(1)
    }
}

/// An MPI call that returned an error code, with MPI's text for it.
public struct MPIFailure: Error, CustomStringConvertible {
    public let operation: String
    public let status: Int32

    public var description: String {
        var text = [CChar](repeating: 0, count: 512)
        pipeline_mpi_error_string(status, &text, Int32(text.count))
        return "\(operation) failed: \(String(cString: text))"
    }
}
#endif
