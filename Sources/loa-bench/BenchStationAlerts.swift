import Foundation
import LoaAlerts
import LoaCore
import LoaHub
import LoaLog
import LoaSync
import LoaTestSupport

/// `loa-bench station-alerts` (issue 17): the hub's receipt of an alert → its first sample at each of N real
/// `loa run --hub` daemons (`LOA_BENCH_STATIONS`, default 20) on the JACK-paced ALSA device, for new 1-minute MP3s and
/// for audio the stations already hold, `LOA_BENCH_ROUNDS` alerts each (default 3), each heard to its end. The figure
/// is the hub's own (`receipt_to_first_sample_ms` of its per-alert status, from the `started` rows the stations push
/// back). The first alert after the daemons start is also each process's first device open and first MP3 decode.
enum BenchStationAlerts {
    static func run() async throws {
        if try BenchDaemon.reRunPaced("station-alerts") { return }
        let env = ProcessInfo.processInfo.environment
        let count = Int(env["LOA_BENCH_STATIONS"] ?? "") ?? 20
        let rounds = Int(env["LOA_BENCH_ROUNDS"] ?? "") ?? 3
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loa-bench-alerts-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let loa = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("loa")

        let hub = try HubService.open(data: dir.appendingPathComponent("hub").path)
        guard let (base, server) = await BenchHub.serve(hub) else { return }
        defer { server.cancel() }
        let ids = (0..<count).map { String(format: "bench-%02d", $0) }
        let roster = Data(RosterPlan.yaml(stations: ids.map { ($0, ["bench"]) }).utf8)
        let admin = HubClient(base: base, token: try await hub.issueToken(.admin))
        try await admin.putBlob(roster, sha256: sha256Hex(roster))
        _ = try await admin.publish(PlanManifest(plan: "plan.yaml", files: [
            ManifestFile(path: "plan.yaml", sha256: sha256Hex(roster), size: Int64(roster.count))]))

        var daemons: [Process] = []
        defer { for p in daemons where p.isRunning { p.terminate(); p.waitUntilExit() } }
        for id in ids {
            let home = dir.appendingPathComponent(id)
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            try (try await hub.issueToken(.station(id))).write(to: home.appendingPathComponent("token"), atomically: true,
                                                               encoding: .utf8)
            let p = Process()
            p.executableURL = loa
            p.arguments = ["run", "--station", id, "--hub", base, "--token-file", "token", "--device", "default",
                           "--push-every", "0.5", "--quiet", "--log", "log.sqlite"]
            p.currentDirectoryURL = home
            // A box of its own: its runtime folder and its media cache (not this machine's shared one).
            p.environment = env.merging(["LOA_RUNTIME_DIR": home.path,
                                         "LOA_CACHE_DIR": home.appendingPathComponent("cache").path]) { _, new in new }
            p.standardOutput = FileHandle.nullDevice
            p.standardError = try FileHandle(forWritingTo: touch(home.appendingPathComponent("stderr")))
            try p.run()
            daemons.append(p)
        }
        let up = Date()
        var held: [String] = []
        while Date().timeIntervalSince(up) < 90 {
            held = try await hub.store.stations().filter { $0.lastContact != nil }.map(\.station).filter(ids.contains)
            if held.count == count { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        let alive = daemons.filter(\.isRunning).count
        print("station-alerts: \(alive) of \(count) `loa run --hub` daemons running on the JACK-paced device, "
              + "\(held.count) in contact with the hub after \(Int(Date().timeIntervalSince(up))) s")
        try await Task.sleep(for: .seconds(2))

        let minute = try BenchStationAlertsParts.alertMP3(dir, "alert-0.mp3", hz: 300)
        var fresh: [Double] = [], cached: [Double] = [], lost: [String] = []
        for round in 0..<rounds {
            let audio = round == 0 ? minute
                : try BenchStationAlertsParts.alertMP3(dir, "alert-\(round).mp3", hz: 300 + 40 * round)
            fresh += try await airOne(hub, ids, audio: try Data(contentsOf: audio), name: "new-\(round)", lost: &lost)
        }
        for round in 0..<rounds {
            cached += try await airOne(hub, ids, audio: try Data(contentsOf: minute), name: "held-\(round)", lost: &lost)
        }
        report("new 1-minute MP3", fresh, stations: count, rounds: rounds)
        report("audio already at the stations", cached, stations: count, rounds: rounds)
        if !lost.isEmpty { print("station-alerts: no first sample within 30 s: \(lost.joined(separator: ", "))") }
        try await BenchStationAlertsParts.report(base: base, homes: ids.map { dir.appendingPathComponent($0) },
                                                 audio: minute, dir: dir)
    }

    static func touch(_ url: URL) throws -> URL {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        return url
    }

    /// One alert to every station: its receipt → first sample per station (ms), once it has aired to its end.
    static func airOne(_ hub: HubService, _ ids: [String], audio: Data, name: String,
                       lost: inout [String]) async throws -> [Double] {
        let sender = "bench@loa"
        let alert = EmergencyDraft(targets: ["group:bench"], content: .audio(audio, mimeType: "audio/mpeg"),
                                   expires: Date().addingTimeInterval(3600), sender: sender,
                                   identifier: "bench-\(name)-\(getpid())", sent: Date())
        let answer = try await hub.acceptAlert(alert.capDocument(), subject: "bench").answer
        let start = Date()
        var status = try await hub.alertStatus(key: answer.key, subject: "bench")
        while Date().timeIntervalSince(start) < 30,
              status.stations.contains(where: { $0.receiptToFirstSampleMs == nil }) {
            try await Task.sleep(for: .milliseconds(250))
            status = try await hub.alertStatus(key: answer.key, subject: "bench")
        }
        lost += status.stations.filter { $0.receiptToFirstSampleMs == nil }.map { "\($0.station) (\(name))" }
        // Heard to its end, as on a box: the player then closes the device, and the next alert opens it again (a
        // Cancel would leave it open and flatter the next figure). Then what it left running (measuring) ends.
        while Date().timeIntervalSince(start) < 120,
              status.stations.contains(where: { $0.receiptToFirstSampleMs != nil && $0.state == "started" }) {
            try await Task.sleep(for: .seconds(1))
            status = try await hub.alertStatus(key: answer.key, subject: "bench")
        }
        try await Task.sleep(for: .seconds(2))
        let ms = status.stations.compactMap { $0.receiptToFirstSampleMs.map(Double.init) }.sorted()
        if let first = ms.first, let last = ms.last {
            print(String(format: "station-alerts:   %@: %d stations, first %.0f ms, median %.0f ms, last %.0f ms", name,
                         ms.count, first, ms[ms.count / 2], last))
        }
        return ms
    }

    static func report(_ what: String, _ ms: [Double], stations: Int, rounds: Int) {
        guard !ms.isEmpty else { print("station-alerts: \(what): no first sample"); return }
        let sorted = ms.sorted()
        func pct(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)] }
        print(String(format: "station-alerts: %@: hub receipt → first sample over %d airings (%d stations × %d alerts): "
                     + "p50 %.0f ms, p99 %.0f ms, max %.0f ms", what, ms.count, stations, rounds, pct(0.5), pct(0.99),
                     sorted.last!))
    }
}
