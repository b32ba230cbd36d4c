import Foundation
import LoaCore
import LoaLog
import LoaTestSupport

/// `loa run` as a real process for the hardening tests: a plan with one station (`xa-thu`) whose slots lie in the
/// past (nothing airs unless a test sends it or passes a schedule), its control socket and log in a folder of the
/// test's own, and what it printed to standard error.
final class StationProcess: @unchecked Sendable {
    let dir: URL
    let process: Process
    let socket: String
    let logPath: String
    private let errors: Pipe

    /// `prepare` runs on the folder before the daemon starts.
    init(device: String = "null", extra: [String] = [], prefix: String = "loa-hardening",
         prepare: (URL) throws -> Void = { _ in }) throws {
        let dir = TemporaryFolders.make(prefix)
        self.dir = dir
        try prepare(dir)
        try Data("""
        plan: {id: hardening, title: "Thử", period: {from: 2026-01-01, to: 2026-01-31}}
        stations:
          - {id: xa-thu, name: "Xã Thử", slots: [{name: morning, days: [mon-sun], start: "06:00", length: 15m}]}
        messages: []
        """.utf8).write(to: dir.appendingPathComponent("plan.yaml"))
        socket = dir.appendingPathComponent("xa-thu.sock").path
        logPath = dir.appendingPathComponent("log.sqlite").path
        let (p, _, err) = try LoaBinary.spawn(["run", "plan.yaml", "--station", "xa-thu", "--device", device,
                                               "--log", logPath, "--socket", socket] + extra, in: dir)
        process = p; errors = err
        for _ in 0..<300 where !FileManager.default.fileExists(atPath: socket) && p.isRunning { usleep(20_000) }
    }

    /// A sine tone of `seconds` as a WAV in the folder.
    func tone(_ name: String, seconds: Int) throws -> URL {
        try SoxTone.write(dir.appendingPathComponent(name), seconds: Double(seconds), volume: 0.2)
    }

    /// `loa ARGS` run to its end in the folder.
    func loa(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        try LoaBinary.run(args, in: dir)
    }

    var events: [AiringEvent] { (try? AiringLog(path: logPath, readOnly: true).events()) ?? [] }

    /// SIGTERM; the seconds until the process was gone (at most `limit`, then SIGKILL), and what it printed.
    func terminate(limit: Double = 10) -> (seconds: Double, status: Int32, stderr: String) {
        let asked = Date()
        kill(process.processIdentifier, SIGTERM)
        while process.isRunning && Date().timeIntervalSince(asked) < limit { usleep(5_000) }
        let seconds = Date().timeIntervalSince(asked)
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (seconds, process.terminationStatus, text)
    }

    func waitFor(_ seconds: Double = 10, _ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end { if condition() { return true }; usleep(20_000) }
        return condition()
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
}
