import Foundation

extension PipelineSpec {
    /// SHA-256 over what decides an item's embedding besides the fit: the tool version, the
    /// resolved `data` and `features` sections and the seed (the frozen extractors' weights).
    /// Fit artifacts and extract parts carry it; `pipeline merge` joins only parts that agree.
    public var extractionConfigurationHash: String {
        var hash = ContentHash()
        hash.field("pipeline-extract-configuration-1")
        hash.field(ToolVersion.current)
        hash.field(resolvedSection("data"))
        hash.field(resolvedSection("features"))
        hash.field(String(seed))
        return hash.finalize()
    }
}
