import Foundation
#if canImport(Glibc)
    import Glibc
#endif
import TestSupport

/// A private tmux server (its own socket) running one command in a pane of a fixed size, for
/// tests of what a person sees on a terminal.
final class TmuxPane {
    static let binary: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var available: Bool { binary != nil }

    /// The server's socket, private to this pane and removed with it.
    let socket = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-tmux-\(UUID().uuidString.prefix(8)).sock").path

    /// Starts `command` (a shell line) in a detached session of `width` × `height` cells; the
    /// pane stays open after the command ends.
    init(_ command: String, width: Int = 120, height: Int = 30) throws {
        try startServer(["new-session", "-d", "-s", "main", "-x", String(width), "-y", String(height), command + "; echo pane-done; sleep 300"])
    }

    deinit {
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(atPath: socket)
    }

    /// The visible screen; `escapes` keeps colour sequences.
    func capture(escapes: Bool = false) throws -> String {
        try tmux(["capture-pane", "-p", "-t", "main"] + (escapes ? ["-e"] : []))
    }

    /// Captures the screen every `interval` seconds until `done` holds for it (or `timeout`), and
    /// returns every capture in order.
    func watch(every interval: Double = 0.04, timeout: Double = 120, until done: (String) -> Bool) throws -> [String] {
        var screens: [String] = []
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            let screen = try capture()
            screens.append(screen)
            if done(screen) { break }
            Thread.sleep(forTimeInterval: interval)
        } while Date() < deadline
        return screens
    }

    /// Types `keys` into the pane as tmux names them ("C-c" is Ctrl-C).
    func send(_ keys: String) throws {
        try tmux(["send-keys", "-t", "main", keys])
    }

    /// Runs a tmux client command and returns its output.
    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary!)
        process.arguments = ["-S", socket, "-f", "/dev/null"] + arguments
        let out = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs the client command that starts the server with posix_spawn, its standard descriptors
    /// on /dev/null: the server it forks keeps what it inherits, and Foundation's `Process`
    /// waits for every holder of its descriptors (here: until the server ends). Signals are
    /// unblocked and at their defaults: the test runner's threads block most of them, and a
    /// tmux server with blocked signals never exits on kill-server.
    private func startServer(_ arguments: [String]) throws {
        let argv = ([Self.binary!, "-S", socket, "-f", "/dev/null"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in 0...2 { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        guard posix_spawn(&pid, argv[0]!, &actions, &attributes, argv, environ) == 0 else { throw TmuxFailure(message: "cannot start tmux") }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        guard status == 0 else { throw TmuxFailure(message: "tmux new-session failed (status \(status))") }
    }

    struct TmuxFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// A shell word, single-quoted.
func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
