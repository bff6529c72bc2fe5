import Foundation
import Testing
import TestSupport

/// Programs under Open MPI's mpirun in tests: whether they can run here, the flags a container
/// needs (ranks as root, more ranks than cores) and the binaries built next to the tests.
enum MPIRun {
    static let mpirun: URL? = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        .map { URL(fileURLWithPath: String($0)).appendingPathComponent("mpirun") }
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }

    /// Whether the tests were built with the MPI trait (`swift test --traits MPI`): the binaries
    /// beside them then are too.
    static var builtWithTrait: Bool {
        #if MPI
            true
        #else
            false
        #endif
    }

    static var available: Bool { mpirun != nil && builtWithTrait }
    static let skipReason: Comment = "needs mpirun (Open MPI) and a build with the MPI trait: swift test --traits MPI"

    /// Open MPI's own variables for --allow-run-as-root and --oversubscribe, so that commands
    /// written for a cluster (deploy/) run unchanged in a container with 2 cores.
    static let containerEnvironment = [
        "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1", "OMPI_MCA_rmaps_base_oversubscribe": "1",
    ]

    static func binary(_ name: String) -> URL {
        PipelineProcess.binary.deletingLastPathComponent().appendingPathComponent(name)
    }

    /// `mpirun --allow-run-as-root --oversubscribe -np N program args…`, configured, not started.
    static func start(np: Int, _ program: URL, _ args: [String], environment: [String: String] = [:]) -> Process {
        let process = PipelineProcess.start([], environment: environment)
        process.executableURL = mpirun
        process.arguments = ["--allow-run-as-root", "--oversubscribe", "-np", String(np), program.path] + args
        return process
    }

    /// Runs `start(…)` to completion, both outputs captured.
    static func run(np: Int, _ program: URL, _ args: [String], environment: [String: String] = [:]) throws
        -> PipelineProcess.Result
    {
        try PipelineProcess.collect(start(np: np, program, args, environment: environment))
    }

    /// The pid of rank `rank` among the children of `launcher` (mpirun starts local ranks itself).
    static func rankProcess(_ rank: Int, of launcher: Int32) -> Int32? {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap(Int32.init) ?? []
        return pids.first { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")"),
                  stat[stat.index(close, offsetBy: 2)...].split(separator: " ").dropFirst().first == Substring(String(launcher)),
                  let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ")
            else { return false }
            return environ.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == "OMPI_COMM_WORLD_RANK=\(rank)" }
        }
    }
}
