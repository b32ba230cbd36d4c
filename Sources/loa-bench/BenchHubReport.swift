import Foundation
import LoaCore
import LoaHub
import LoaL10n
import LoaPlayout
import LoaSync

/// `loa-bench hub`'s city report: the synthetic city (126 stations, `BenchLogReport.syntheticPlan`) written as a
/// plan file with real audio, published to the hub that holds the city's year of rows, then the hub's §4 report
/// over a quarter and over the whole year, timed from the request to the JSON (the HubService call the route makes):
/// once right after the rows arrived and again (the report reads the store itself, so the first costs no more).
enum BenchHubReport {
    /// The synthetic plan as YAML in `dir`, with a 90 s WAV per message (sox), as `loa check` wants it.
    static func writeCityPlan(in dir: URL, year: DateRange) throws -> String {
        let audio = dir.appendingPathComponent("audio")
        try FileManager.default.createDirectory(at: audio, withIntermediateDirectories: true)
        var yaml = """
            plan:
              id: bench
              title: "Bench"
              timezone: Asia/Ho_Chi_Minh
              period: {from: \(year.from), to: \(year.to)}
            topics:

            """
        for t in 1...7 { yaml += "  - {id: \"1.\(t)\", title: \"Chủ đề 1.\(t)\"}\n" }
        yaml += "stations:\n"
        for i in 0..<126 {
            yaml += "  - {id: st-\(i), name: \"Xã \(i)\", groups: [\(i % 3 == 0 ? "inner" : "rural")], slots: ["
                + "{name: morning, days: [mon-sun], start: \"06:00\", length: 30m}, "
                + "{name: evening, days: [mon-sun], start: \"17:00\", length: 30m}]}\n"
        }
        yaml += "messages:\n"
        for i in 0..<20 {
            let file = audio.appendingPathComponent("m\(i).wav")
            if !FileManager.default.fileExists(atPath: file.path) {
                let sox = Process()
                sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
                sox.arguments = ["-n", "-r", "8000", "-c", "1", "-b", "16", file.path, "synth", "90", "sine", "\(300 + 20 * i)",
                                 "vol", "0.2"]
                try sox.run(); sox.waitUntilExit()
            }
            yaml += "  - {id: msg-\(i), title: \"Tin \(i)\", topic: \"1.\(i % 7 + 1)\", audio: audio/m\(i).wav, "
                + "airings: {count: \(2 + i % 3), per: week}, targets: [\(i % 4 == 0 ? "group:inner" : "all")]}\n"
        }
        let path = dir.appendingPathComponent("bench-city.yaml").path
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Publishes the city's plan and times the report over a quarter and over the year.
    static func run(_ hub: HubService, base: String, admin: String, dir: URL, year: DateRange,
                    store: String = "SQLite") async throws {
        let path = try writeCityPlan(in: dir.appendingPathComponent("city-plan"), year: year)
        let loaded = loadCheckedPlan(path: path)
        guard let plan = loaded.validPlan else {
            print("hub city report: the bench plan does not load: "
                  + loaded.errors.map { $0.formatted() }.joined(separator: "; "))
            return
        }
        _ = try await PlanPublisher.publish(plan: plan, planFiles: loaded.files, to: HubClient(base: base, token: admin))
        let quarter = (CivilDate("2026-04-01")!, CivilDate("2026-06-30")!)
        for (label, from, to) in [("the year, first report since the rows arrived", year.from, year.to),
                                  ("a quarter (Q2)", quarter.0, quarter.1), ("the year", year.from, year.to)] {
            let start = DispatchTime.now(), cpu0 = BenchLogReport.cpuSeconds()
            let (body, _) = try await hub.report(from: from, to: to, until: nil, format: "json", language: .vi,
                                                 subject: "bench")
            let seconds = BenchLogReport.elapsed(since: start), cpu = BenchLogReport.cpuSeconds() - cpu0
            print(String(format: "hub city report (%@) over %@ (126 stations' logs held by the hub, %@ to %@): %.2f s wall, %.2f s CPU, %d bytes of JSON",
                         store, label, from.description, to.description, seconds, cpu, body.count))
        }
    }
}
