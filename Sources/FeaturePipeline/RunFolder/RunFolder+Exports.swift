import Foundation
import TensorCore

/// Readers of the exported artifacts at the root of the run folder (ExportStage writes them).
extension RunFolder {
    /// The fused item vectors and their ids, from item_embeddings.npy + item_ids.txt or else
    /// item_embeddings.safetensors; nil when the run exported neither.
    func itemEmbeddings() throws -> (ids: [String], vectors: Tensor)? {
        let npy = url(Path.itemEmbeddingsNumpy), safetensors = url(Path.itemEmbeddings)
        func unreadable(_ url: URL, _ error: Error) -> PipelineError {
            PipelineError(what: "\(url.path) is not readable: \(error)", hint: "run the pipeline again to rewrite it")
        }
        if exists(Path.itemEmbeddingsNumpy), let text = try? String(contentsOf: url(Path.itemIds), encoding: .utf8) {
            let array: NumpyFile.Array
            do { array = try NumpyFile.read(npy) } catch { throw unreadable(npy, error) }
            let ids = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            guard array.shape.count == 2, array.shape[0] == ids.count else {
                throw PipelineError(what: "\(npy.path) has shape \(array.shape) but item_ids.txt lists \(ids.count) items",
                                    hint: "run the pipeline again to rewrite both")
            }
            return (ids, array.tensor())
        }
        guard exists(Path.itemEmbeddings) else { return nil }
        do {
            let file = try Safetensors.read(safetensors)
            guard let entry = file["item_embeddings"], entry.shape.count == 2,
                let json = file.metadata["item_ids"], let ids = try? JSONDecoder().decode([String].self, from: Data(json.utf8)),
                ids.count == entry.shape[0]
            else { throw PipelineError(what: "no item_embeddings tensor with matching item_ids metadata") }
            return (ids, entry.tensor())
        } catch {
            throw unreadable(safetensors, error)
        }
    }

    /// model.safetensors: the weights plus the towers' fixed inputs (`behavior.*`, `*_fields.*`).
    func exportedModel() throws -> Safetensors.File { try Safetensors.read(url(Path.modelWeights)) }
}
