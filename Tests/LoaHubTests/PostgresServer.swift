import Foundation
import LoaTestSupport

/// A real PostgreSQL server for the hub's tests: `LOA_TEST_POSTGRES_URL` when set (scripts/test may start one), else
/// one started here from Debian's `postgresql` (`/usr/lib/postgresql/*/bin`), in a temporary folder, as the
/// `postgres` user when the tests run as root (CI does), stopped by a watchdog once this test process is gone. Each
/// call to `database()` makes a fresh database. A missing PostgreSQL fails the test with the reason: never skipped.
actor PostgresTestServer {
    static let shared = PostgresTestServer()
    private var base: String?
    private var made = 0
    /// The watchdog's stdin: never closed, so it reads end-of-file exactly when this process ends.
    private var lifeline: Pipe?

    func database() async throws -> String {
        let base = try self.base ?? start()
        self.base = base
        made += 1
        let name = "hub_\(ProcessInfo.processInfo.processIdentifier)_\(made)"
        let (status, output) = try Self.run(["psql", base + "/postgres", "-q", "-c", "CREATE DATABASE \(name)"])
        guard status == 0 else { throw TestSupportError("PostgreSQL: cannot create database \(name): \(output)") }
        return base + "/" + name
    }

    private func start() throws -> String {
        if let url = ProcessInfo.processInfo.environment["LOA_TEST_POSTGRES_URL"] { return url }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let bin = versions.compactMap({ Int($0) }).sorted().last.map({ "/usr/lib/postgresql/\($0)/bin" }),
              FileManager.default.isExecutableFile(atPath: bin + "/initdb") else {
            throw TestSupportError("PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb missing): install "
                                   + "Debian's postgresql (scripts/setup does) or set LOA_TEST_POSTGRES_URL")
        }
        let dir = TemporaryFolders.make("loa-pg")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let asPostgres = try Self.run(["id", "-u"]).1.trimmingCharacters(in: .whitespacesAndNewlines) == "0"
            ? ["runuser", "-u", "postgres", "--"] : []
        if !asPostgres.isEmpty { _ = try Self.run(["chown", "-R", "postgres", dir.path]) }
        let data = dir.appendingPathComponent("data").path
        let (initStatus, initOutput) = try Self.run(asPostgres + [bin + "/initdb", "-D", data, "-A", "trust", "-U", "postgres",
                                                                  "-E", "UTF8", "--no-sync"])
        guard initStatus == 0 else { throw TestSupportError("PostgreSQL initdb failed: \(initOutput)") }
        let port = 20_000 + Int(ProcessInfo.processInfo.processIdentifier) % 20_000
        // The server lives as long as this test process: the watchdog reads a pipe only this process writes, so it
        // sees end-of-file the moment this process ends (even before it is reaped: watching /proc/PID would wait for
        // the reaping, and `swift test` reaps only once the output it reads is closed, which the watchdog held).
        let script = "\(bin)/postgres -D \(data) -p \(port) -k \(dir.path) -c listen_addresses=127.0.0.1 "
            + "> \(dir.path)/server.log 2>&1 < /dev/null & pg=$!; cat > /dev/null; kill -INT $pg 2>/dev/null"
        let watchdog = Process()
        watchdog.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        watchdog.arguments = asPostgres + ["sh", "-c", script]
        let lifeline = Pipe()
        watchdog.standardInput = lifeline
        watchdog.standardOutput = FileHandle.nullDevice
        watchdog.standardError = FileHandle.nullDevice
        try watchdog.run()
        self.lifeline = lifeline
        let url = "postgresql://postgres@127.0.0.1:\(port)"
        for _ in 0..<150 {
            if try Self.run(["psql", url + "/postgres", "-q", "-c", "SELECT 1"]).0 == 0 { return url }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let log = (try? String(contentsOfFile: dir.path + "/server.log", encoding: .utf8)) ?? ""
        throw TestSupportError("PostgreSQL did not start on port \(port): \(log)")
    }

    @discardableResult
    static func run(_ args: [String]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out; p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
