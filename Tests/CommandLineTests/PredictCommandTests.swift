import Foundation
import TensorCore
import TestSupport
import Testing

@Suite struct PredictCommandTests {
    @Test func knownPairsUnknownUsersAndJSON() throws {
        let run = try FixtureRun.directory().path
        let plain = try PipelineProcess.run(["predict", run, "--user", "u0001", "--item", "i00010"])
        #expect(plain.status == 0, "\(plain.stderr)")
        let value = try #require(Double(plain.stdout.split(separator: " ").first.map(String.init)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
        #expect(value >= 0.5 && value <= 5)
        let json = try PipelineProcess.run(["predict", run, "--user", "stranger", "--item", "i00010", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["user_known"] as? Bool == false && object["item"] as? String == "i00010")
        let missing = try PipelineProcess.run(["predict", run, "--user", "u0001", "--item", "nope"])
        #expect(missing.status == 1 && missing.stderr.hasPrefix("error: no item 'nope' in this run's catalog"))
    }

    /// A new item with content but no ratings, in a catalog the run never saw, is scored from its
    /// content; the same content under a known item's catalog gives a different (id-aware) score.
    @Test func aNewItemWithContentIsScored() throws {
        let run = try FixtureRun.directory()
        let dir = Repository.temporaryDirectory("new-item")
        defer { try? FileManager.default.removeItem(at: dir) }
        let fixtures = Repository.fixture("catalog")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("media"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("media/images/i00005.png"), to: dir.appendingPathComponent("media/new.png"))
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("media/audio/i00005.flac"), to: dir.appendingPathComponent("media/new.flac"))
        try """
            item_id,title,description,genres,category,price,image,audio
            brand-new,The Cosmic Signal,"A stellar android finds a nebula, 星系的故事.",SciFi,scifi,12.5,media/new.png,media/new.flac

            """.write(to: dir.appendingPathComponent("items.csv"), atomically: true, encoding: .utf8)
        var yaml = try String(contentsOf: Repository.root.appendingPathComponent("pipelines/catalog.yaml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "../fixtures/catalog/items.csv", with: dir.appendingPathComponent("items.csv").path)
            .replacingOccurrences(of: "../fixtures/", with: fixtures.deletingLastPathComponent().path + "/")
        try yaml.write(to: dir.appendingPathComponent("new.yaml"), atomically: true, encoding: .utf8)
        let result = try PipelineProcess.run(["predict", run.path, "--user", "u0001", "--item", "brand-new",
                                              "--catalog", dir.appendingPathComponent("new.yaml").path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["item_known"] as? Bool == false)
        let p = try #require(object["prediction"] as? Double)
        #expect(p >= 0.5 && p <= 5)

        // recommend --catalog ranks that catalog's items: the new one, its title, the rating predict gave.
        let listed = try PipelineProcess.run(["recommend", run.path, "--user", "u0001", "--catalog", dir.appendingPathComponent("new.yaml").path, "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let line = try #require(try Self.jsonLines(listed.stdout).first)
        #expect(line["item"] as? String == "brand-new")
        #expect((line["show"] as? [String: String])?["title"] == "The Cosmic Signal")
        #expect(abs((line["rating"] as? Double ?? 0) - p) < 1e-4, "recommend and predict agree on the new item")
    }

    /// --catalog over the run's own catalog gives the run's own list.
    @Test func recommendOverTheRunsOwnCatalogIsThePlainList() throws {
        let run = try FixtureRun.directory().path
        let dir = Repository.temporaryDirectory("own-catalog")
        defer { try? FileManager.default.removeItem(at: dir) }
        var yaml = try String(contentsOf: Repository.root.appendingPathComponent("pipelines/catalog.yaml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "../fixtures/", with: Repository.fixture("catalog").deletingLastPathComponent().path + "/")
        try yaml.write(to: dir.appendingPathComponent("own.yaml"), atomically: true, encoding: .utf8)
        let plain = try Self.jsonLines(try PipelineProcess.run(["recommend", run, "--user", "u0007", "-k", "10", "--json"]).stdout)
        let viaCatalog = try Self.jsonLines(try PipelineProcess.run(["recommend", run, "--user", "u0007", "-k", "10", "--json",
                                                                     "--catalog", dir.appendingPathComponent("own.yaml").path]).stdout)
        #expect(plain.count == 10)
        #expect(plain.compactMap { $0["item"] as? String } == viaCatalog.compactMap { $0["item"] as? String })
        for (a, b) in zip(plain, viaCatalog) {
            #expect(abs((a["score"] as? Double ?? 0) - (b["score"] as? Double ?? 9)) < 1e-4)
        }
        // predict --catalog on a known item is predict: its own bias row, not the row at its position.
        let direct = try PipelineProcess.run(["predict", run, "--user", "u0007", "--item", "i00150", "--json"]).stdout
        let viaFile = try PipelineProcess.run(["predict", run, "--user", "u0007", "--item", "i00150", "--json",
                                               "--catalog", dir.appendingPathComponent("own.yaml").path]).stdout
        let value = { (text: String) in (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["prediction"] as? Double }
        #expect(abs((value(direct) ?? 0) - (value(viaFile) ?? 9)) < 1e-4, "\(direct) \(viaFile)")
    }

    static func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    /// The items u0001 rated in the fixture (any split part).
    static func ratedByU0001() throws -> Set<String> {
        let text = try String(contentsOf: Repository.fixture("catalog/ratings.csv"), encoding: .utf8)
        let rows: [[Substring]] = text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let mine = rows.filter { $0.first == "u0001" && $0.count > 1 }
        return Set(mine.map { String($0[1]) })
    }

    /// `similar` ranks by the cosine of the exported vectors: the same list a numpy reader of
    /// item_embeddings.npy computes.
    @Test func similarAgreesWithTheExportedVectors() throws {
        let run = try FixtureRun.directory()
        let result = try PipelineProcess.run(["similar", run.path, "i00042", "-k", "5", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try Self.jsonLines(result.stdout)
        let vectors = try NumpyFile.read(run.appendingPathComponent("item_embeddings.npy"))
        let ids = try String(contentsOf: run.appendingPathComponent("item_ids.txt"), encoding: .utf8).split(separator: "\n").map(String.init)
        let d = vectors.shape[1], values = vectors.floats()
        func cosine(_ a: Int, _ b: Int) -> Double {
            var dot = 0.0, na = 0.0, nb = 0.0
            for j in 0..<d {
                let x = Double(values[a * d + j]), y = Double(values[b * d + j])
                dot += x * y; na += x * x; nb += y * y
            }
            return dot / (na * nb).squareRoot()
        }
        let target = try #require(ids.firstIndex(of: "i00042"))
        let expected = ids.indices.filter { $0 != target }.sorted { cosine(target, $0) > cosine(target, $1) }.prefix(5)
        #expect(lines.map { $0["item"] as? String } == expected.map { ids[$0] })
        for (line, i) in zip(lines, expected) {
            #expect(abs((line["similarity"] as? Double ?? 9) - cosine(target, i)) < 1e-4)
            #expect((line["show"] as? [String: String])?["title"]?.isEmpty == false, "the first text field is shown")
        }
    }

    @Test func recommendShowsColumnsUserKnownAndChoosesWhatIsSeen() throws {
        let run = try FixtureRun.directory().path
        let shown = try Self.jsonLines(try PipelineProcess.run(["recommend", run, "--user", "u0001", "-k", "3", "--json", "--show", "title,genres"]).stdout)
        #expect(shown.count == 3)
        for line in shown {
            #expect(line["user_known"] as? Bool == true)
            let show = try #require(line["show"] as? [String: String])
            #expect(show.keys.sorted() == ["genres", "title"] && show["title"]?.isEmpty == false)
        }
        let stranger = try Self.jsonLines(try PipelineProcess.run(["recommend", run, "--user", "nobody", "-k", "1", "--json"]).stdout)
        #expect(stranger.first?["user_known"] as? Bool == false)

        let rated = try Self.ratedByU0001()
        func listed(_ seen: String) throws -> [String] {
            try Self.jsonLines(try PipelineProcess.run(["recommend", run, "--user", "u0001", "-k", "1000", "--json", "--exclude-seen", seen]).stdout)
                .compactMap { $0["item"] as? String }
        }
        let all = try listed("all"), none = try listed("none"), train = try listed("train")
        #expect(none.count == 300)
        #expect(Set(all).isDisjoint(with: rated) && all.count == 300 - rated.count)
        #expect(train.count > all.count && train.count < none.count, "validation and test items come back with train")
        let text = try PipelineProcess.run(["recommend", run, "--user", "u0001", "-k", "1", "--show", "category"])
        #expect(text.stdout.split(separator: "\t").count == 5, "rank, item, score, rating, category: \(text.stdout)")
    }

    /// --explain: each modality's contribution is the prediction minus the prediction with that
    /// modality masked, and the neighbours are items the user rated.
    @Test func explainBreaksThePredictionDown() throws {
        let run = try FixtureRun.directory().path
        let result = try PipelineProcess.run(["predict", run, "--user", "u0001", "--item", "i00042", "--explain", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let explanation = try #require(object["explanation"] as? [String: Any])
        let prediction = try #require(object["prediction"] as? Double)
        let modalities = try #require(explanation["modalities"] as? [[String: Any]])
        #expect(modalities.compactMap { $0["modality"] as? String } == ["text", "image", "audio"])
        for m in modalities {
            let masked = m["prediction"] as? Double ?? .nan, contribution = m["contribution"] as? Double ?? .nan
            #expect(abs(prediction - masked - contribution) < 1e-5)
        }
        let neighbours = try #require(explanation["nearest_rated"] as? [[String: Any]])
        #expect(neighbours.count == 3)
        #expect(Set(neighbours.compactMap { $0["item"] as? String }).isSubset(of: try Self.ratedByU0001()))
        let plain = try PipelineProcess.run(["predict", run, "--user", "u0001", "--item", "i00042", "--explain"])
        #expect(plain.stdout.contains("  without text: ") && plain.stdout.contains("  rated i0"), "\(plain.stdout)")
    }

    /// --history: someone described by a ratings file gets a list without the items they rated,
    /// different from the cold-user list, and the ids the run does not know are named.
    @Test func recommendForAHistoryFile() throws {
        let run = try FixtureRun.directory().path
        let dir = Repository.temporaryDirectory("history")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("mine.csv")
        try "item_id,rating\ni00042,5\ni00010,4.5\nnot-an-item,3\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try PipelineProcess.run(["recommend", run, "--history", file.path, "-k", "20", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "note: 1 item of \(file.path) not in this run (left out): not-an-item\n")
        let items = try Self.jsonLines(result.stdout).compactMap { $0["item"] as? String }
        #expect(items.count == 20 && !items.contains("i00042") && !items.contains("i00010"))
        let cold = try Self.jsonLines(try PipelineProcess.run(["recommend", run, "--user", "nobody", "-k", "20", "--json"]).stdout)
        #expect(cold.compactMap { $0["item"] as? String } != items, "the history changes the list")
        let both = try PipelineProcess.run(["recommend", run, "--user", "u0001", "--history", file.path])
        #expect(both.status == 64 && both.stderr.hasPrefix("error: give --user or --history (one of them)"))
    }
}
