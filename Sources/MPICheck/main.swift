import Foundation

// Checks of the MPI shim and the gradient exchange, run by Tests/ScaleOutTests under mpirun:
//   mpirun -np N MPICheck collectives   sums, gathers and broadcasts against their exact results
//   mpirun -np N MPICheck exchange      GradientExchange against the sum computed on one rank
//   mpirun -np N MPICheck bench ROWS    (row, gradient) pairs against the whole table, per touched share
// Prints one line per rank ("rank R: ok ...") and exits 0, or names the first mismatch and exits 1.
#if MPI
    import MPITraining

    let arguments = CommandLine.arguments.dropFirst()
    guard let group = try MPIGroup.joinIfLaunched(environment: ProcessInfo.processInfo.environment) else {
        print("MPICheck: run it under mpirun")
        exit(2)
    }
    let failures: [String]
    switch arguments.first {
    case "collectives": failures = CollectiveChecks(group: group).run()
    case "exchange": failures = ExchangeChecks(group: group).run()
    case "bench": failures = ExchangeBenchmark(group: group, rows: Int(arguments.dropFirst().first ?? "") ?? 100_000).run()
    default: failures = ["unknown check \(arguments.first ?? "(none)")"]
    }
    print(failures.isEmpty ? "rank \(group.rank): ok \(arguments.first ?? "")" : "rank \(group.rank): \(failures.joined(separator: "; "))")
    group.finish()
    exit(failures.isEmpty ? 0 : 1)
#else
    print("MPICheck: built without the MPI trait (swift build --traits MPI)")
    exit(2)
#endif
