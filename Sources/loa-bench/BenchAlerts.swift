import AsyncHTTPClient
import Foundation
import LoaAlerts
import LoaCore
import LoaHub
import LoaLog
import LoaSync
import LoaSystem
import LoaTestSupport
import NIOCore

/// `loa-bench alerts`: one alert fanned out by a `loa hub serve` child process to 3,321 simulated stations, each
/// holding its own Server-Sent Events stream on loopback with its own token. Times from the POST's answer (and from
/// sending it) to the last station receiving the alert; the hub's RSS with every stream open, read from the child's
/// /proc/PID/status. The hub's data folder is on /dev/shm when the machine has it.
enum BenchAlerts {
    static let stationCount = Int(ProcessInfo.processInfo.environment["LOA_BENCH_ALERT_STATIONS"] ?? "") ?? 3321

    static func run() async throws {
        let limit = OpenFileLimit.raise(to: 4 * stationCount + 1024)
        let dir = try BenchLogReport.benchDir("alerts")
        // The hub's data on tmpfs when there is one: 3,321 tokens are 3,321 committed transactions, minutes of fsync
        // on a slow disk before the clock even starts; the fan-out itself writes one alert and batched delivery marks.
        let shm = URL(fileURLWithPath: "/dev/shm")
        let data = (FileManager.default.fileExists(atPath: shm.path) ? shm : dir).appendingPathComponent("loa-bench-alerts-\(getpid())")
        try? FileManager.default.removeItem(at: data)
        defer { try? FileManager.default.removeItem(at: data) }

        // Tokens are made in the data folder before the hub starts, as `loa hub token` would make them.
        let ids = (1...stationCount).map { String(format: "xa-%04d", $0) }
        let maker = try HubService.open(data: data.path)
        let admin = try await maker.issueToken(.admin)
        var tokens: [String] = []
        for id in ids { tokens.append(try await maker.issueToken(.station(id))) }

        let (child, _, err) = try LoaBinary.spawn(["hub", "serve", "--data", data.path, "--listen", "127.0.0.1:0"], in: dir)
        defer { child.terminate(); child.waitUntilExit() }
        var said = ""
        while !said.contains("http://") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            said += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = said.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) else {
            print("alerts: the hub did not start: \(said)"); return
        }
        let base = String(said[range])
        let adminClient = HubClient(base: base, token: admin)
        let groups = ["riverside", "inner", "rural", "mountain"]
        let yaml = Data(RosterPlan.yaml(stations: ids.enumerated().map { ($1, [groups[$0 % 4]]) }).utf8)
        try await adminClient.putBlob(yaml, sha256: sha256Hex(yaml))
        _ = try await adminClient.publish(PlanManifest(plan: "plan.yaml", files: [
            ManifestFile(path: "plan.yaml", sha256: sha256Hex(yaml), size: Int64(yaml.count))]))

        var config = HTTPClient.Configuration()
        config.connectionPool = .init(idleTimeout: .seconds(120), concurrentHTTP1ConnectionsPerHostSoftLimit: stationCount + 16)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        do { try await fanOut(http, base: base, ids: ids, tokens: tokens, admin: admin, hub: child.processIdentifier, limit: limit) }
        catch { print("alerts: failed: \(error)") }
        try? await http.shutdown()
    }

    static func fanOut(_ http: HTTPClient, base: String, ids: [String], tokens: [String], admin: String, hub: Int32,
                       limit: Int) async throws {
        let arrivals = Arrivals()
        let t0 = DispatchTime.now()
        let streams = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (i, id) in ids.enumerated() {
                    // Batches of 200, so the hub's listen backlog never drops a connection (a drop costs a 1 s SYN retry).
                    if i > 0, i % 200 == 0 { while await arrivals.connected < i { try await Task.sleep(for: .milliseconds(5)) } }
                    group.addTask { try await hold(http, base: base, station: id, token: tokens[i], arrivals: arrivals) }
                }
                try await group.waitForAll()
            }
        }
        while await arrivals.connected < stationCount { try await Task.sleep(for: .milliseconds(20)) }
        let connectSeconds = BenchLogReport.elapsed(since: t0)
        try await Task.sleep(for: .milliseconds(500))
        let rss = memory(of: hub)

        let draft = EmergencyDraft(targets: ["all"], content: .text("Bão số 3 đổ bộ: bà con ở trong nhà", voice: "vi"),
                                   expires: Date().addingTimeInterval(3600), sent: Date())
        var request = HTTPClientRequest(url: base + "/api/v1/alerts")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(admin)")
        request.body = .bytes(ByteBuffer(bytes: draft.capDocument()))
        let sent = DispatchTime.now()
        let response = try await http.execute(request, timeout: .seconds(60))
        let answered = DispatchTime.now()
        _ = try await response.body.collect(upTo: 1 << 20)
        let deadline = Date().addingTimeInterval(30)
        while await arrivals.received < stationCount, Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
        let times = await arrivals.times
        streams.cancel()
        guard times.count == stationCount, let last = times.max() else {
            print("alerts: only \(times.count) of \(stationCount) stations received the alert within 30 s (POST \(response.status.code))")
            return
        }
        let fromAnswer = max(0, Double(Int64(last) - Int64(answered.uptimeNanoseconds)) / 1e9)
        let fromSend = Double(last - sent.uptimeNanoseconds) / 1e9
        let sorted = times.sorted()
        let median = Double(sorted[sorted.count / 2] - sent.uptimeNanoseconds) / 1e9
        print(String(format: "alerts fan-out: %d stations on SSE (RLIMIT_NOFILE %d), connected in %.1f s; POST answered in %.0f ms (%d); "
                     + "last station got the alert %.3f s after the answer (%.3f s after sending; median %.3f s)",
                     stationCount, limit, connectSeconds, Double(answered.uptimeNanoseconds - sent.uptimeNanoseconds) / 1e6,
                     Int(response.status.code), fromAnswer, fromSend, median))
        print("alerts hub (loa hub serve child) with \(stationCount) streams open: RSS \(rss.rss) MB, peak \(rss.peak) MB")
    }

    /// One station: holds the stream, notes when it is open (the hub's first comment) and when the alert comes.
    static func hold(_ http: HTTPClient, base: String, station: String, token: String, arrivals: Arrivals) async throws {
        var request = HTTPClientRequest(url: base + "/api/v1/stations/\(station)/alerts")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        let response = try await http.execute(request, timeout: .seconds(600))
        var parser = SSEParser()
        var connected = false
        for try await chunk in response.body {
            let events = parser.feed(chunk.readableBytesView)
            if !connected { connected = true; await arrivals.connect() }
            if events.contains(where: { $0.event == "alert" }) {
                await arrivals.receive(DispatchTime.now().uptimeNanoseconds)
                return
            }
        }
    }

    static func memory(of pid: Int32) -> (rss: Int, peak: Int) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (-1, -1) }
        func field(_ name: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }),
                  let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return -1 }
            return kb / 1024
        }
        return (field("VmRSS:"), field("VmHWM:"))
    }

    actor Arrivals {
        var connected = 0
        var times: [UInt64] = []
        var received: Int { times.count }
        func connect() { connected += 1 }
        func receive(_ t: UInt64) { times.append(t) }
    }
}
