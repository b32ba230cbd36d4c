import Foundation

/// The espeak-ng program, always run directly (argument array, no shell) with a time limit. Text reaches it only
/// through a file (`-f`), so nothing in the text can become an option, a command or a shell word.
struct SpeechEngine: Sendable {
    let executable: URL
    let dataPath: URL?

    /// `espeak-ng` on `PATH`, or `/usr/bin/espeak-ng` (whose absence `run` then reports).
    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let dirs = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for dir in dirs where !dir.isEmpty {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent("espeak-ng")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return URL(fileURLWithPath: "/usr/bin/espeak-ng")
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the engine in `workDirectory`. Its stdout and stderr come back through pipes, each drained on a thread
    /// of its own, so a chatty engine never blocks on a full pipe while we wait for it, and a full disk cannot cut
    /// its answer short (espeak-ng ignores failed writes and exits 0: a voice listing written to a file on a full
    /// disk came back empty, and every voice read as unknown).
    func run(_ arguments: [String], in workDirectory: URL, timeout: Double) throws(SpeechError) -> Output {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw SpeechError(.engineMissing, subject: executable.path)
        }
        let outPipe = Pipe(), errPipe = Pipe()
        let process = Process()
        process.executableURL = executable
        process.arguments = (dataPath.map { ["--path=\($0.path)"] } ?? []) + arguments
        process.currentDirectoryURL = workDirectory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outPipe
        process.standardError = errPipe
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        // ETXTBSY: the program was being written (an upgrade, or another process forking while it was open);
        // it goes away within moments, so it is retried rather than reported as a missing engine.
        var attempt = 0
        while true {
            do {
                try process.run()
                break
            } catch let error as NSError where SpeechEngine.isTextFileBusy(error) && attempt < 20 {
                attempt += 1
                usleep(50_000)
            } catch {
                throw SpeechError(.engineMissing, subject: executable.path, detail: "\(error)")
            }
        }
        let stdout = Drain(outPipe.fileHandleForReading), stderr = Drain(errPipe.fileHandleForReading)
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            if finished.wait(timeout: .now() + 2) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                finished.wait()
            }
            throw SpeechError(.timedOut, subject: executable.path, detail: "> \(Int(timeout)) s")
        }
        return Output(status: process.terminationStatus, stdout: stdout.text(),
                      stderr: stderr.text().trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Reads a pipe to its end on its own thread.
    private final class Drain: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var data = Data()
        init(_ handle: FileHandle) {
            Thread.detachNewThread { [self] in
                data = handle.readDataToEndOfFile()
                done.signal()
            }
        }
        /// What the engine wrote; waits at most 2 s after it exited (a grandchild could hold the pipe open).
        func text() -> String {
            guard done.wait(timeout: .now() + 2) == .success else { return "" }
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// Foundation reports a busy program as a Cocoa error wrapping the POSIX one.
    static func isTextFileBusy(_ error: NSError) -> Bool {
        if error.domain == NSPOSIXErrorDomain { return error.code == Int(ETXTBSY) }
        return (error.userInfo[NSUnderlyingErrorKey] as? NSError).map(isTextFileBusy) ?? false
    }

    /// Voice names the engine accepts for `-v`: the language column and the voice file names, lowercased.
    static func parseVoices(_ listing: String) -> Set<String> {
        var names: Set<String> = []
        for line in listing.split(separator: "\n").dropFirst() {
            let columns = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard columns.count >= 4 else { continue }
            names.insert(columns[1].lowercased())
            if columns.count >= 5, let file = columns[4].split(separator: "/").last {
                names.insert(file.lowercased())
            }
        }
        return names
    }
}
