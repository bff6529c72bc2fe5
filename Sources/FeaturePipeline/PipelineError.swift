/// A failure of the pipeline as a whole, shown as one line: what happened, then a hint.
public struct PipelineError: Error, Sendable, CustomStringConvertible {
    public var what: String
    public var hint: String?
    /// Process exit status for this failure (see docs/cli.md).
    public var exitCode: Int32

    public init(what: String, hint: String? = nil, exitCode: Int32 = 1) {
        self.what = what
        self.hint = hint
        self.exitCode = exitCode
    }

    public var description: String { what + (hint.map { " (hint: \($0))" } ?? "") }
}
