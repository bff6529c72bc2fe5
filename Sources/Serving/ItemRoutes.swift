import FeaturePipeline
import Foundation
import Hummingbird

/// `POST /v1/items`: items the model never saw, from their rows (docs/serving.md). The rows are
/// read as the catalog loader reads an items file, embedded through the run's encoders as
/// `pipeline extract --model` embeds them, written to the run's item store, and added to the
/// model serving, so the next request can recommend them.
struct ItemRoutes {
    let slot: ModelSlot
    let posted: PostedItems
    let limits: ServeConfiguration

    /// What a successful post answers (201).
    struct Added: Encodable {
        /// The ids added, in the order posted.
        var added: [String]
        /// The model that embedded them (GET /v1/model's `manifest_sha256`).
        var manifestSHA256: String

        enum CodingKeys: String, CodingKey { case added, manifestSHA256 = "manifest_sha256" }
    }

    func add(to router: Router<ServingContext>) {
        router.post("/v1/items") { request, context in
            let buffer = try await request.body.collect(upTo: limits.maxBodyBytes)
            let body = Data(buffer.readableBytesView)
            try checkRows(body)
            return try JSONBody.response(try await add(body), status: .created, request: request, context: context)
        }
    }

    /// 400 for a body that is not JSON, or a list that is empty or longer than `maxItems`.
    private func checkRows(_ body: Data) throws {
        guard !body.isEmpty, let value = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) else {
            throw APIError.badRequest("bad_json", body.isEmpty ? "the body is empty" : "the body is not valid JSON: \(JSONBody.syntaxError(in: body))",
                                      hint: "send one item row as a JSON object, or a list of rows")
        }
        guard let list = value as? [Any] else { return }
        if list.isEmpty {
            throw APIError.badRequest("bad_item", "the body lists no items", hint: "send one item row as a JSON object, or a list of rows")
        }
        if list.count > limits.maxItems { throw APIError.overLimit("items", count: list.count, limit: limits.maxItems) }
    }

    private func add(_ rows: Data) async throws -> Added {
        let model = try slot.newest()
        let items: [PostedItem]
        do {
            items = try await model.embed(rows: rows)
            try posted.append(items)
        } catch let error as RejectedItem {
            throw APIError.badItem(error)
        } catch let error as ItemExists {
            throw APIError.itemExists(error)
        } catch let error as PipelineError {
            throw APIError(status: .internalServerError, code: "item_store", message: error.what + "; the items were not added",
                           hint: error.hint ?? "check the disk and the run folder's permissions")
        }
        // The model that embedded them adds them, and so does the one a reload swapped in since, if any.
        _ = await model.catchUp(with: posted)
        if let newest = try? slot.newest(), newest !== model { _ = await newest.catchUp(with: posted) }
        return Added(added: items.map(\.id), manifestSHA256: model.info.manifestSHA256)
    }
}
