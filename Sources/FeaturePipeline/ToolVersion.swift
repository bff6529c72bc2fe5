/// The tool's version: printed by `--version` and part of every stage's cache key, so a new
/// version never reuses results an older one computed.
public enum ToolVersion {
    public static let current = "0.1.0"
}
