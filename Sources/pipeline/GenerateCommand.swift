import ArgumentParser
import CatalogGenerator
import Foundation

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a synthetic catalog with planted signal (items, media, users, ratings).",
        discussion: """
            Example:
              pipeline generate fixtures/catalog
              pipeline generate /tmp/movies --items 9000 --users 600 --no-media
            """)

    @Argument(help: "Folder to write items.csv, users.csv, ratings.csv and media/ into.")
    var directory: String

    @Option(help: "Number of items.") var items = 300
    @Option(help: "Number of users.") var users = 200
    @Option(help: "Approximate number of ratings (at least 5 per user; about 2 % dirty rows are added).") var ratings = 10_000
    @Option(help: "Seed of the synthetic world.") var seed: UInt64 = 7
    @Flag(inversion: .prefixedNo, help: "Write an image and a sound per item.") var media = true
    @Flag(inversion: .prefixedNo, help: "With media, write a sound per item too (--no-audio: images only).") var audio = true

    var options: CatalogGenerator.Options {
        var options = CatalogGenerator.Options()
        options.items = items
        options.users = users
        options.ratings = ratings
        options.seed = seed
        options.media = media
        options.audio = audio
        return options
    }

    func validate() throws {
        do { try CatalogGenerator(options: options).validate() } catch { throw ValidationError(error.description) }
    }

    func run() throws {
        let summary = try CatalogGenerator(options: options).write(to: URL(fileURLWithPath: directory))
        print("wrote \(summary.items) items, \(summary.users) users, \(summary.ratingRows) rating rows, "
              + "\(summary.images) images, \(summary.clips) clips (\(summary.bytes / 1024) KiB) to \(directory)")
    }
}
