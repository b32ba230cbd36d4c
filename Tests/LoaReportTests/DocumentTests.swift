import LoaCore
import Foundation
import LoaCommands
import LoaPlan
import LoaXlsx
import Testing
@testable import LoaLog
import LoaReport

/// Quarter III of the sample Hanoi plan over its 13 stations' logs: the figures the plan asks for, recomputed from
/// the logs' rows with plain SQL and the plan's quota, must be the report's, in JSON, xlsx and the printed page.
@Suite(.serialized) struct DocumentTests {
    static let quarter = DateRange(from: day("2026-07-01"), to: day("2026-09-30"))

    /// The logs and the three files of one report run, made once for the suite.
    final class Fixture: @unchecked Sendable {
        let dir: URL, plan: Plan, logs: [String], json: [String: Any]
        init() throws {
            dir = try tempDir()
            plan = try loadValidPlan(path: samplePlanPath)
            logs = try writeStationLogs(plan: plan, span: quarter, dir: dir, seed: 18)
            for format in ["json", "html", "xlsx"] {
                let status = loa(["report", samplePlanPath, "--log"] + logs + [
                    "--format", format, "--out", dir.appendingPathComponent("q3.\(format)").path,
                    "--from", "2026-07-01", "--to", "2026-09-30", "--date", "2026-10-05"])
                precondition(status == 0, "loa report --format \(format) exited \(status)")
            }
            let data = try Data(contentsOf: dir.appendingPathComponent("q3.json"))
            json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        }
    }
    static let fixture = Result { try Fixture() }

    /// What the report must say, computed here from the logs' rows (SQL) and `Plan.obligations` only.
    struct Expected {
        var messagesAired = 0, airings = 0, full = 0, airtime = 0.0, owed = 0, delivered = 0
        var pairsOwing = 0, pairsMet = 0, peopleReached = 0, households = 0
        var topicMet: [String: (met: Int, owing: Int)] = [:]
        /// Seconds per station and `source`, every airing of the plan (intro/outro, emergencies included).
        var bySource: [String: [String: Double]] = [:]
        var stationMet: [String: (met: Int, owing: Int)] = [:]
    }

    static func expected(_ f: Fixture, stations only: Set<String>? = nil) throws -> Expected {
        let inSpan = { (d: String) in d >= quarter.from.description && d <= quarter.to.description }
        let all = try readAirings(f.logs, plan: f.plan.id).filter { only?.contains($0.station) ?? true }
        let planMessages = Set(f.plan.messages.map(\.id))
        let counted = all.filter { $0.message.map(planMessages.contains) == true && inSpan($0.date) }
        var e = Expected()
        let onAir: Set<String?> = ["finished", "interrupted", "preempted", nil]
        e.airings = counted.filter { onAir.contains($0.ending) }.count
        e.full = counted.filter { $0.ending == "finished" }.count
        e.airtime = counted.reduce(0) { $0 + $1.played }
        for a in all where inSpan(a.date) { e.bySource[a.station, default: [:]][a.source, default: 0] += a.played }
        e.messagesAired = Set(counted.filter { $0.ending == "finished" }.compactMap(\.message)).count
        var reached = Set<String>()
        for station in f.plan.stations where only?.contains(station.id) ?? true {
            for message in f.plan.messages {
                let dues = f.plan.obligations(for: message, at: station, within: quarter)
                    .filter { $0.to >= quarter.from && $0.to <= quarter.to }
                guard !dues.isEmpty else { continue }
                let days = all.filter { $0.station == station.id && $0.message == message.id && $0.ending == "finished" }
                    .map(\.date)
                var met = true
                for d in dues {
                    let n = days.filter { $0 >= d.from.description && $0 <= d.to.description }.count
                    e.owed += d.required
                    e.delivered += min(n, d.required)
                    if n < d.required { met = false }
                }
                e.pairsOwing += 1
                e.pairsMet += met ? 1 : 0
                let topic = message.topic ?? "—"
                e.topicMet[topic, default: (0, 0)].owing += 1
                e.topicMet[topic, default: (0, 0)].met += met ? 1 : 0
                e.stationMet[station.id, default: (0, 0)].owing += 1
                e.stationMet[station.id, default: (0, 0)].met += met ? 1 : 0
            }
            if counted.contains(where: { $0.station == station.id && $0.ending == "finished" }) {
                reached.insert(station.id)
            }
        }
        e.peopleReached = f.plan.stations.filter { reached.contains($0.id) }.compactMap(\.population).reduce(0, +)
        e.households = f.plan.stations.filter { reached.contains($0.id) }.compactMap(\.households).reduce(0, +)
        return e
    }

    @Test func jsonFiguresTraceToTheLogRows() throws {
        let f = try Self.fixture.get()
        let e = try Self.expected(f)
        let totals = try #require(f.json["totals"] as? [String: Any])
        #expect(totals["messages_aired"] as? Int == e.messagesAired)
        #expect(totals["aired"] as? Int == e.airings)
        #expect(totals["full"] as? Int == e.full)
        #expect(abs((totals["airtime_s"] as? Double ?? -1) - e.airtime) < 0.01)
        #expect(totals["owed"] as? Int == e.owed && totals["delivered"] as? Int == e.delivered)
        #expect(totals["assignments_owing"] as? Int == e.pairsOwing && totals["assignments_met"] as? Int == e.pairsMet)
        #expect(totals["people_reached"] as? Int == e.peopleReached && totals["households_reached"] as? Int == e.households)
        // The generated logs really do fall short somewhere and reach someone: the figures are not trivially equal.
        #expect(e.pairsMet < e.pairsOwing && e.pairsMet > 0 && e.peopleReached > 0 && e.delivered < e.owed)
        for t in try #require(f.json["topics"] as? [[String: Any]]) {
            let want = e.topicMet[t["topic"] as! String] ?? (0, 0)
            #expect(t["assignments_met"] as? Int == want.met && t["assignments_owing"] as? Int == want.owing)
        }
        for s in try #require(f.json["stations"] as? [[String: Any]]) {
            let want = e.stationMet[s["station"] as! String] ?? (0, 0)
            #expect(s["assignments_met"] as? Int == want.met && s["assignments_owing"] as? Int == want.owing)
        }
        // Owed and aired agree, row by row: what counts toward owed never exceeds it, and met means all of it.
        for p in try #require(f.json["pairs"] as? [[String: Any]]) {
            let owed = p["owed"] as! Int, delivered = p["delivered"] as! Int
            #expect(delivered <= owed)
            if p["met"] as? Bool == true { #expect(delivered == owed) }
            let full = p["full"] as! Int, before = p["before_period"] as! Int
            #expect(full + before == delivered + (p["makeups"] as! Int) + (p["over_delivery"] as! Int)
                    + (p["toward_next_report"] as! Int) + (p["outside_quota"] as! Int))
        }
        // Airtime by source: plan messages, the emergency and the manual announcement at the first station.
        var sources: [String: Double] = [:]
        for (_, perSource) in e.bySource { sources.merge(perSource, uniquingKeysWith: +) }
        let reported = try #require(totals["airtime_by_source_s"] as? [String: Double])
        #expect(Set(reported.keys) == ["schedule", "emergency", "manual"] && Set(sources.keys) == Set(reported.keys))
        for (k, v) in sources { #expect(abs((reported[k] ?? -1) - v) < 0.01, "\(k)") }
        #expect(reported["emergency"] == 120 && reported["manual"] == 60.5)
        let baDinh = try #require((f.json["stations"] as? [[String: Any]])?.first { $0["station"] as? String == "ba-dinh" })
        #expect((baDinh["airtime_by_source_s"] as? [String: Double])?["emergency"] == 120)
        #expect(f.json["made"] as? String == "2026-10-05")
        let issuer = try #require(f.json["issuer"] as? [String: Any])
        #expect(issuer["unit"] as? String == "Phòng Văn hóa - Thông tin")
    }

    @Test func aCommunesOwnReport() throws {
        let f = try Self.fixture.get()
        let out = f.dir.appendingPathComponent("tay-ho.json").path
        #expect(loa(["report", samplePlanPath, "--log"] + f.logs + ["--format", "json", "--out", out,
                     "--from", "2026-07-01", "--to", "2026-09-30", "--station", "tay-ho"]) == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out)))
            as? [String: Any])
        let e = try Self.expected(f, stations: ["tay-ho"])
        let totals = try #require(json["totals"] as? [String: Any])
        #expect(totals["assignments_owing"] as? Int == e.pairsOwing && totals["assignments_met"] as? Int == e.pairsMet)
        #expect(totals["aired"] as? Int == e.airings && totals["stations"] as? Int == 1)
        #expect((json["stations"] as? [[String: Any]])?.map { $0["station"] as? String } == ["tay-ho"])
        #expect((json["pairs"] as? [[String: Any]])?.allSatisfy { $0["station"] as? String == "tay-ho" } == true)
        #expect(json["station_filter"] as? [String] == ["tay-ho"])
        // The emergency and the announcement aired at ba-dinh: not in this commune's split.
        #expect((totals["airtime_by_source_s"] as? [String: Double]).map { Array($0.keys) } == ["schedule"])
    }

    @Test func emptyInvertedOrUnknownIsAnError() throws {
        let f = try Self.fixture.get()
        let out = f.dir.appendingPathComponent("x.json").path
        let base = ["report", samplePlanPath, "--log", f.logs[0], "--format", "json", "--out", out]
        #expect(loa(base + ["--until", "2026-03-01"]) == 1)       // before the plan starts
        #expect(loa(base + ["--from", "2026-08-01", "--to", "2026-07-01"]) == 1)
        #expect(loa(base + ["--from", "2027-01-01", "--to", "2027-03-31"]) == 1)  // after the plan ends
        #expect(loa(base + ["--station", "no-such-ward"]) == 1)
        #expect(!FileManager.default.fileExists(atPath: out))
        // An xlsx that cannot be written: libxlsxwriter's own error, typed, naming the file; the command exits 1.
        let report = try ReportBuilder.build(plan: f.plan, span: Self.quarter, logPaths: [f.logs[0]], reader: SQLiteLogReader())
        let bad = f.dir.appendingPathComponent("no-such-folder/r.xlsx").path
        do {
            try XLSXReport.write(report, language: .vi, to: bad)
            Issue.record("wrote into a missing folder")
        } catch let e as XlsxError {
            #expect(e.code != 0 && e.operation.contains(bad) && !e.message.isEmpty, "\(e)")
        }
        #expect(loa(["report", samplePlanPath, "--log", f.logs[0], "--format", "xlsx", "--out", bad]) == 1)
    }
}

/// The plan's optional report settings: read when given, precise errors when wrong.
@Suite struct ReportSettingsTests {
    static let base = """
        plan:
          id: p
          title: "T"
          period: {from: 2026-04-01, to: 2026-06-30}
          report: {unit: "UBND phường Ba Đình", number: "12/BC-UBND", place: "Hà Nội", signer: "Nguyễn Văn A",
                   signer_title: "Chủ tịch"}
        stations:
          - {id: ba-dinh, name: "Phường Ba Đình", population: 65000, households: 17800,
             slots: [{name: morning, days: [mon-fri], start: "06:00", length: 15m}]}
        """

    @Test func readsIssuerAndPopulation() throws {
        let r = PlanLoader.load(yaml: Self.base, file: URL(fileURLWithPath: "/tmp/p.yaml"))
        #expect(r.errors.isEmpty, "\(r.diagnostics)")
        let plan = try #require(r.plan)
        #expect(plan.issuer == ReportIssuer(unit: "UBND phường Ba Đình", number: "12/BC-UBND", place: "Hà Nội",
                                            signer: "Nguyễn Văn A", signerTitle: "Chủ tịch"))
        #expect(plan.stations[0].population == 65000 && plan.stations[0].households == 17800)
        let sample = try loadValidPlan(path: samplePlanPath)
        #expect(sample.stations.allSatisfy { ($0.population ?? 0) > 0 } && sample.issuer?.place == "Hà Nội")
    }

    @Test func wrongSettingsNameTheirLine() {
        for (edit, line) in [(("population: 65000", "population: -3"), 8), (("population: 65000", "population: many"), 8),
                             (("signer_title:", "signer_titel:"), 6)] {
            let yaml = Self.base.replacingOccurrences(of: edit.0, with: edit.1)
            let r = PlanLoader.load(yaml: yaml, file: URL(fileURLWithPath: "/tmp/p.yaml"))
            #expect(r.errors.count == 1, "\(edit.1): \(r.diagnostics)")
            #expect(r.errors.first?.location?.line == line, "\(edit.1): \(r.diagnostics)")
        }
    }
}
