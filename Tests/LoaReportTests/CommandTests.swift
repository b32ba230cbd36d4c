import LoaCore
import ArgumentParser
import Foundation
import LoaCommands
import LoaLog
import LoaPlan
import Testing
@testable import LoaReport

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let samplePlanPath = repoRoot.appendingPathComponent("playlists/hanoi-2026.yaml").path

/// Runs a `loa` subcommand in-process; returns its exit code (0 when it returned normally).
func loa(_ args: [String]) -> Int32 {
    do {
        var command = try Loa.parseAsRoot(args)
        try command.run()
        return 0
    } catch {
        return Loa.exitCode(for: error).rawValue
    }
}

@Suite struct CommandTests {
    @Test func quotaFromThePlanMatchesTheHandTable() throws {
        let dir = try tempDir()
        let bd = dir.appendingPathComponent("ba-dinh.sqlite").path
        try writeBaDinh(bd)
        let plan = samplePlan()
        let real = try ReportBuilder.build(plan: plan, span: juneSpan, logPaths: [bd], reader: SQLiteLogReader())
        let table = try ReportBuilder.build(plan: plan, span: juneSpan, logPaths: [bd], reader: SQLiteLogReader(), owed: juneDues())
        #expect(real.pairs == table.pairs)
        #expect(real.totals == table.totals)
        // A quarter-long span owes whole weeks only: 30 March–5 April (W14) began before the plan, so the
        // message's window clips it to 1–5 April, still 2 airings; W26 (22–28 June) runs past the 15th: not owed.
        let q2 = reportSpan(until: day("2026-06-15"), plan: plan)
        let dues = ReportBuilder.planDues(plan, span: q2)(plan.messages[0], plan.stations[0])
            .filter { $0.to <= q2.to }
        #expect(dues.count == 11 && dues.first?.from == day("2026-04-01") && dues.last?.to == day("2026-06-14"))
        #expect(dues.allSatisfy { $0.required == 2 })
    }

    @Test func logVerifyAndShowExitCodes() throws {
        let dir = try tempDir()
        let path = dir.appendingPathComponent("hk.sqlite").path
        try writeHoanKiem(path)
        #expect(loa(["log", "verify", path]) == 0)
        #expect(loa(["log", "show", path, "--station", "hoan-kiem", "--kind", "finished,started"]) == 0)
        #expect(loa(["log", "show", path, "--kind", "bogus"]) == 64 || loa(["log", "show", path, "--kind", "bogus"]) == 2)
        #expect(loa(["log", "verify", path + ".missing"]) == 1)
        let edit = try GRDBTamper(path)
        try edit.run("UPDATE events SET station = 'elsewhere' WHERE seq = 3")
        #expect(loa(["log", "verify", path]) == 1)
    }

    @Test func reportCommandWritesEachFormat() throws {
        let dir = try tempDir()
        let path = dir.appendingPathComponent("ba-dinh.sqlite").path
        let log = try AiringLog(path: path)
        for (i, date) in ["2026-06-01", "2026-06-03", "2026-06-05", "2026-06-16"].enumerated() {
            try air(log, "s\(i)", station: "ba-dinh", message: "flooding-2026", date: date,
                    plan: "hanoi-2026-q2-q4")
        }
        for format in ["csv", "json", "html"] {
            let out = dir.appendingPathComponent("q2.\(format)").path
            #expect(loa(["report", samplePlanPath, "--log", path, "--format", format, "--out", out,
                         "--until", "2026-06-15", "--lang", "en"]) == 0)
            #expect(FileManager.default.fileExists(atPath: out))
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("q2.json")))
        let root = try #require(json as? [String: Any])
        #expect(root["from"] as? String == "2026-04-01" && root["to"] as? String == "2026-06-15")
        let pairs = try #require(root["pairs"] as? [[String: Any]])
        let bd = try #require(pairs.first { $0["message"] as? String == "flooding-2026" && $0["station"] as? String == "ba-dinh" })
        #expect(bd["full"] as? Int == 3)   // 16 June falls in the next report
        #expect(bd["owed"] as? Int == 6)   // 3 a week, W23 and W24; the window opens 1 June
        #expect(bd["met"] as? Bool == false)
        let html = try String(contentsOf: dir.appendingPathComponent("q2.html"), encoding: .utf8)
        #expect(html.contains("Coverage per topic"))
        // Usage errors exit 2 (ArgumentParser's validation), a bad plan or log exits 1.
        #expect(loa(["report", samplePlanPath, "--log", path, "--format", "pdf", "--out", "x"]) != 0)
        #expect(loa(["report", samplePlanPath, "--format", "csv", "--out", "x"]) == 64
                || loa(["report", samplePlanPath, "--format", "csv", "--out", "x"]) == 2)
        #expect(loa(["report", samplePlanPath, "--log", path + ".nope", "--format", "csv",
                     "--out", dir.appendingPathComponent("n.csv").path]) == 1)
    }
}

import GRDB

/// Opens a log with plain GRDB, as someone editing it by hand would, triggers dropped.
struct GRDBTamper {
    let db: DatabaseQueue
    init(_ path: String) throws { db = try DatabaseQueue(path: path) }
    func run(_ sql: String) throws {
        try db.writeWithoutTransaction { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS events_append_only_update")
            try db.execute(sql: "DROP TRIGGER IF EXISTS events_append_only_delete")
            try db.execute(sql: sql)
        }
    }
}

let loaBinary = repoRoot.appendingPathComponent(".build/debug/loa").path

@Suite struct SimulatedRunTests {
    /// A week of ba-dinh rehearsed by the daemon (`loa run --clock simulated`), then reported: every message the
    /// schedule owes that week aired in full, the counts match the log's own `finished` rows, and the same log given
    /// twice counts once.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: loaBinary)))
    func reportOfASimulatedWeek() throws {
        let dir = try tempDir()
        let path = dir.appendingPathComponent("ba-dinh.sqlite").path
        let run = try LoaReportTests.run(loaBinary, ["run", samplePlanPath, "--station", "ba-dinh", "--clock", "simulated",
                                                     "--from", "2026-06-08", "--to", "2026-06-14", "--log", path, "-q"])
        #expect(run.status == 0)
        let log = try AiringLog(path: path, readOnly: true)
        #expect(try log.verify().isOK)
        let finished = try log.events(.init(kinds: [.finished])).filter { $0.message != nil }.count
        #expect(finished > 0)

        // A rehearsal: every row says so inside its hash, and the report leaves them all out unless asked.
        #expect(try log.events().allSatisfy(\.rehearsal))
        let plan = try loadValidPlan(path: samplePlanPath)
        let week = DateRange(from: day("2026-06-08"), to: day("2026-06-14"))
        let honest = try ReportBuilder.build(plan: plan, span: week, logPaths: [path], reader: SQLiteLogReader())
        #expect(honest.totals.tally.aired == 0 && honest.pairs.allSatisfy { $0.tally.full == 0 })
        #expect(honest.rehearsals == RehearsalNote(events: try log.count(), included: false))
        #expect(honest.warnings.first?.en.hasPrefix("Rehearsals left out") == true)
        let r = try ReportBuilder.build(plan: plan, span: week, logPaths: [path, path], reader: SQLiteLogReader(),
                                        includeRehearsals: true)
        #expect(r.warnings.first?.en.hasPrefix("Figures INCLUDE rehearsals") == true)
        let mine = r.pairs.filter { $0.station == "ba-dinh" }
        #expect(mine.reduce(0) { $0 + $1.tally.full } == finished)
        #expect(mine.filter { $0.tally.owed > 0 }.allSatisfy { $0.met == true && $0.tally.full >= $0.tally.owed })
        #expect(mine.contains { $0.tally.owed > 0 })
        // The second copy: every message event is a duplicate (intro/outro events are not counted at all).
        let messageEvents = try log.events().filter { $0.message != nil }.count
        #expect(r.logs.count == 2 && r.logs[1].duplicates == messageEvents && r.logs[0].duplicates == 0)
        #expect(r.totals.tally.unclosed == 0 && r.logs.allSatisfy { $0.chain.isOK })
    }
}
