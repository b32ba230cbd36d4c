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

    /// Runs the engine in `workDirectory`; stdout and stderr go to files there, so a chatty engine can never block
    /// on a full pipe while we wait for it.
    func run(_ arguments: [String], in workDirectory: URL, timeout: Double) throws(SpeechError) -> Output {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw SpeechError(.engineMissing, subject: executable.path)
        }
        let outURL = workDirectory.appendingPathComponent("engine.stdout")
        let errURL = workDirectory.appendingPathComponent("engine.stderr")
        guard FileManager.default.createFile(atPath: outURL.path, contents: nil),
              FileManager.default.createFile(atPath: errURL.path, contents: nil),
              let outHandle = FileHandle(forWritingAtPath: outURL.path),
              let errHandle = FileHandle(forWritingAtPath: errURL.path) else {
            throw SpeechError(.audio, subject: workDirectory.path,
                              audioError: AudioError(.io, subject: workDirectory.path, library: .posix,
                                                     libraryMessage: "cannot create engine output files"))
        }
        defer { try? outHandle.close(); try? errHandle.close() }

        let process = Process()
        process.executableURL = executable
        process.arguments = (dataPath.map { ["--path=\($0.path)"] } ?? []) + arguments
        process.currentDirectoryURL = workDirectory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outHandle
        process.standardError = errHandle
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
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            if finished.wait(timeout: .now() + 2) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                finished.wait()
            }
            throw SpeechError(.timedOut, subject: executable.path, detail: "> \(Int(timeout)) s")
        }
        let read = { (url: URL) in (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
        return Output(status: process.terminationStatus, stdout: read(outURL),
                      stderr: read(errURL).trimmingCharacters(in: .whitespacesAndNewlines))
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
