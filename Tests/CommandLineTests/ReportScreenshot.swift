import CPNG
import Foundation
import TestSupport

/// Headless Chromium (the Debian package) rendering a page to a PNG, and the PNG's pixels read
/// back with libpng's simplified API.
enum Chromium {
    static let binary: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static var available: Bool { binary != nil }

    /// Runs chromium headless on `page` with `arguments` (e.g. --screenshot=…, --dump-dom) and
    /// returns its stdout. Offline: a file URL, no extensions, a private profile.
    static func run(_ page: URL, _ arguments: [String], width: Int, height: Int) throws -> String {
        let profile = Repository.temporaryDirectory("chromium-profile")
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary!)
        process.arguments = ["--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars", "--disable-extensions",
                             "--no-first-run", "--user-data-dir=\(profile.path)", "--window-size=\(width),\(height)"]
            + arguments + [page.absoluteString]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure(message: "chromium exited with \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }

    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// An RGBA image in memory.
struct Screenshot {
    let width: Int, height: Int
    let rgba: [UInt8]

    init(png url: URL) throws {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, url.path) != 0 else { throw Chromium.Failure(message: Self.message(image)) }
        image.format = CPNG_FORMAT_RGBA
        var pixels = [UInt8](repeating: 0, count: Int(image.width) * Int(image.height) * 4)
        let ok = pixels.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
        guard ok != 0 else {
            png_image_free(&image)
            throw Chromium.Failure(message: Self.message(image))
        }
        width = Int(image.width)
        height = Int(image.height)
        rgba = pixels
    }

    static func message(_ image: png_image) -> String {
        withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// Pixels in the rectangle (clipped to the image) for which `test(r, g, b)` holds.
    func count(x: Int, y: Int, width w: Int, height h: Int, where test: (Int, Int, Int) -> Bool) -> Int {
        var n = 0
        for row in max(0, y)..<min(height, y + h) {
            for column in max(0, x)..<min(width, x + w) {
                let i = (row * width + column) * 4
                if test(Int(rgba[i]), Int(rgba[i + 1]), Int(rgba[i + 2])) { n += 1 }
            }
        }
        return n
    }

    /// Columns of the rectangle holding at least one pixel for which `test` holds.
    func columns(x: Int, y: Int, width w: Int, height h: Int, where test: (Int, Int, Int) -> Bool) -> Int {
        (max(0, x)..<min(width, x + w)).filter { count(x: $0, y: y, width: 1, height: h, where: test) > 0 }.count
    }

    /// Whether a pixel is within `tolerance` of the colour "#rrggbb" in every channel.
    static func near(_ hex: String, tolerance: Int = 40) -> (Int, Int, Int) -> Bool {
        let v = Int(hex.dropFirst(), radix: 16)!
        let (r, g, b) = (v >> 16, (v >> 8) & 0xFF, v & 0xFF)
        return { abs($0 - r) <= tolerance && abs($1 - g) <= tolerance && abs($2 - b) <= tolerance }
    }
}
