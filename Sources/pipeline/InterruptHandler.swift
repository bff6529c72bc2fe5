import Dispatch
import FeaturePipeline
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Ctrl-C (SIGINT) and SIGTERM during `pipeline run`: the run folder records where the run
/// stopped, the user reads "interrupted in STAGE; `pipeline run FILE` resumes", and the process
/// ends with the conventional status 128 + signal. Every file a stage writes is atomic and its
/// outputs are published together, so stopping at any instant loses at most the stage's work
/// since its last checkpoint (docs/reliability.md).
final class InterruptHandler {
    private var sources: [DispatchSourceSignal] = []

    init(runFolder: URL, pipelineFile: String) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)  // the dispatch source takes the signal instead
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                let (stage, file) = RunState.markInterrupted(runFolder, fallbackFile: pipelineFile)
                Terminal.writeError("\ninterrupted in \(stage); `pipeline run \(file)` resumes\n")
                _exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }
}
