import Foundation

/// A JACK server on the dummy backend (real-time pacing, no card) for tests, under a name of this test process's own:
/// other test runs on the same machine use the default server. Stopped when the value goes (or by `stop()`).
public final class JackServer: @unchecked Sendable {
    private let process = Process()

    /// Starts `jackd -d dummy` at 48 kHz, 1024-frame periods, and waits until it answers.
    public init() throws {
        setenv("JACK_DEFAULT_SERVER", "loa-tests-\(getpid())", 0)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/jackd")
        process.arguments = ["--no-realtime", "-d", "dummy", "-r", "48000", "-p", "1024"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let wait = Process()
        wait.executableURL = URL(fileURLWithPath: "/usr/bin/jack_wait")
        wait.arguments = ["-w", "-t", "10"]
        wait.standardOutput = FileHandle.nullDevice
        try wait.run()
        wait.waitUntilExit()
        guard wait.terminationStatus == 0 else {
            stop()
            throw TestSupportError("the JACK server did not start (jack_wait exit \(wait.terminationStatus))")
        }
    }

    /// Records the server's capture ports (what the ALSA `jack` PCM's players send there) into `file` for `seconds`
    /// with jackd2's `jack_rec`; returns once it is connected.
    public func record(into file: URL, seconds: Int) throws -> Process {
        let rec = Process()
        rec.executableURL = URL(fileURLWithPath: "/usr/bin/jack_rec")
        rec.arguments = ["-f", file.path, "-d", String(seconds), "system:capture_1", "system:capture_2"]
        rec.standardOutput = FileHandle.nullDevice
        rec.standardError = FileHandle.nullDevice
        try rec.run()
        usleep(300_000)
        return rec
    }

    public func stop() {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
    }

    deinit { stop() }
}
