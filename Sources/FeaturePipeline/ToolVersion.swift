/// The tool's version: printed by `--version` and part of every stage's cache key, so a new
/// version never reuses results an older one computed.
public enum ToolVersion {
    public static let current = "0.1.0"
    /// Revision of the stage artifacts' formats; part of every stage key, so output written in an
    /// older layout is recomputed rather than misread. Bump it whenever a stage's files change
    /// (4: the preprocess stage lists its dropped rows; 5: the extract stage stores every modality's
    /// fitted state in states.json).
    public static let artifactRevision = 5
}
