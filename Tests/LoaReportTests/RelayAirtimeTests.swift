import Foundation
import LoaCore
import LoaL10n
import LoaLog
import Testing
@testable import LoaReport

/// The report's airtime split (SPEC §10): plan messages, local announcements, relays and emergencies apart, per
/// station and in total, from a real SQLite log; a relay's outage (`missed`) adds no airtime.
@Suite struct RelayAirtimeTests {
    func relay(_ log: AiringLog, station: String, date: String, played: Double, outage: Double?) throws {
        let id = "\(station)@\(date)T05:00:00.000+07:00/vov1/relay"
        let start = AiringEvent(at: "\(date)T05:00:00.010+07:00", kind: .started, airing: id, station: station,
                                plan: "hanoi-2026", slotStart: "\(date)T05:00:00+07:00", source: .relay,
                                audio: "http://radio.example/vov1.mp3", plannedSeconds: 1800)
        try log.append(start)
        if let outage {
            var missed = start
            missed.airing = id + "/outage-1"; missed.kind = .missed; missed.at = "\(date)T05:10:00.000+07:00"
            missed.plannedSeconds = outage; missed.detail = "stream down: HTTP 503; \(outage) s lost"
            try log.append(missed)
        }
        var end = start
        end.kind = .finished; end.at = "\(date)T05:30:00.010+07:00"; end.playedSeconds = played
        try log.append(end)
    }

    @Test func airtimeIsSplitBySource() throws {
        let dir = try tempDir()
        let path = dir.appendingPathComponent("ba-dinh.sqlite").path
        let log = try AiringLog(path: path)
        try air(log, "bd-0604", station: "ba-dinh", message: "flooding", date: "2026-06-04")   // 95 s, schedule
        try relay(log, station: "ba-dinh", date: "2026-06-04", played: 1750.5, outage: 49.5)
        try relay(log, station: "ba-dinh", date: "2026-06-05", played: 1800, outage: nil)
        var local = AiringEvent(at: "2026-06-05T17:00:00.010+07:00", kind: .started, airing: "bd-local",
                                station: "ba-dinh", plan: "hanoi-2026", message: "water-cut",
                                slotStart: "2026-06-05T17:00:00+07:00", source: .local, audio: "local/water.wav",
                                plannedSeconds: 40)
        try log.append(local)
        local.kind = .finished; local.at = "2026-06-05T17:00:40.010+07:00"; local.playedSeconds = 40
        try log.append(local)
        var storm = AiringEvent(at: "2026-06-06T09:00:00.000+07:00", kind: .started, airing: "bd-storm",
                                station: "ba-dinh", plan: "hanoi-2026", source: .emergency, audio: "storm.wav")
        try log.append(storm)
        storm.kind = .finished; storm.at = "2026-06-06T09:02:00.000+07:00"; storm.playedSeconds = 120
        try log.append(storm)

        let r = try ReportBuilder.build(plan: samplePlan(), span: juneSpan, logPaths: [path], reader: SQLiteLogReader(),
                                        owed: juneDues())
        #expect(r.totals.airtimeBySource == ["schedule": 95, "relay": 3550.5, "local": 40, "emergency": 120])
        let station = try #require(r.stations.first { $0.id == "ba-dinh" })
        #expect(station.airtimeBySource["relay"] == 3550.5)

        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONReport.render(r).utf8)) as? [String: Any])
        let totals = try #require(json["totals"] as? [String: Any])
        #expect((totals["airtime_by_source_s"] as? [String: Double])?["relay"] == 3550.5)
        let html = HTMLReport.render(r, language: .vi)
        #expect(html.contains("Tiếp sóng") && html.contains("Thông báo của địa phương") && html.contains("Khẩn cấp"))
    }
}
