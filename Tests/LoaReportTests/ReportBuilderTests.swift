import LoaCore
import Foundation
import GRDB
import LoaLog
import LoaPlan
import Testing
@testable import LoaReport

/// ISO weeks W23…W25 of 2026 (1–7, 8–14, 15–21 June), `count` each.
func weekly(_ count: Int) -> [Due] {
    ["2026-06-01", "2026-06-08", "2026-06-15"].map { Due(from: day($0), to: day($0).adding(days: 6), required: count) }
}

func juneDues() -> (Message, Station) -> [Due] { table([
    "flooding@ba-dinh": weekly(2), "flooding@hoan-kiem": weekly(2), "flooding@tay-ho": weekly(2),
    "heat@ba-dinh": weekly(1),
]) }

/// The span 3–16 June cuts W23 (it began before) and W25 (still running at the end).
let juneSpan = DateRange(from: day("2026-06-03"), to: day("2026-06-16"))

/// ba-dinh's box: every kind of outcome around the span's edges.
func writeBaDinh(_ path: String) throws {
    let log = try AiringLog(path: path)
    let s = "ba-dinh"
    try air(log, "bd-0601", station: s, message: "flooding", date: "2026-06-01")            // before: meets W23
    try air(log, "bd-0604", station: s, message: "flooding", date: "2026-06-04")            // full
    try air(log, "bd-0605m", station: s, message: "flooding", date: "2026-06-05", ending: .missed)
    try air(log, "bd-0605f", station: s, message: "flooding", date: "2026-06-05", time: "17:00", ending: .failed,
            played: 0)
    try air(log, "bd-0608", station: s, message: "flooding", date: "2026-06-08")            // full
    try air(log, "bd-0609", station: s, message: "flooding", date: "2026-06-09", ending: .interrupted, played: 30)
    try air(log, "bd-0610", station: s, message: "flooding", date: "2026-06-10", ending: .preempted, played: 10)
    try air(log, "bd-0611", station: s, message: "flooding", date: "2026-06-11")            // full: W24 met
    try air(log, "bd-0612", station: s, message: "flooding", date: "2026-06-12", ending: nil)  // unclosed
    try air(log, "bd-0615", station: s, message: "flooding", date: "2026-06-15")            // full, W25 not owed
    try air(log, "bd-0617", station: s, message: "flooding", date: "2026-06-17")            // after the span
    try air(log, "bd-h1", station: s, message: "heat", date: "2026-06-03", time: "17:00", played: 60)
    try air(log, "bd-h2", station: s, message: "heat", date: "2026-06-09", time: "17:00", played: 60)
    try air(log, "bd-intro", station: s, message: nil, date: "2026-06-08", played: 8)        // intro: not counted
    try air(log, "old-plan", station: s, message: "flooding", date: "2026-06-08", plan: "hanoi-2025")
}

func writeHoanKiem(_ path: String) throws {
    let log = try AiringLog(path: path)
    try air(log, "hk-0608", station: "hoan-kiem", message: "flooding", date: "2026-06-08")
    try air(log, "hk-0610", station: "hoan-kiem", message: "flooding", date: "2026-06-10")
}

@Suite struct ReportBuilderTests {
    func buildJune(_ paths: [String]) throws -> Report {
        try ReportBuilder.build(plan: samplePlan(), span: juneSpan, logPaths: paths, reader: SQLiteLogReader(), owed: juneDues())
    }

    @Test func outcomesAreCountedApart() throws {
        let dir = try tempDir()
        let bd = dir.appendingPathComponent("ba-dinh.sqlite").path
        try writeBaDinh(bd)
        let r = try buildJune([bd])
        let pair = try #require(r.pairs.first { $0.message == "flooding" && $0.station == "ba-dinh" })
        #expect(pair.tally.full == 4)        // 4, 8, 11, 15 June
        #expect(pair.tally.interrupted == 1 && pair.tally.preempted == 1)
        #expect(pair.tally.missed == 1 && pair.tally.failed == 1)
        #expect(pair.tally.unclosed == 1)
        #expect(pair.tally.owed == 4)        // W23 and W24, not W25
        #expect(pair.met == true)            // W23 met with the airing of 1 June, before the span
        #expect(pair.tally.airtime == 4 * 95 + 30 + 10)
        #expect(r.logs[0].otherPlans == 2 && r.logs[0].chain.isOK)
        #expect(r.warnings.contains { $0.en.contains("1 airings started but have no ending") })
        #expect(r.warnings.contains { $0.en.contains("2 events belong to other plans") })
    }

    @Test func stationsMergedDuplicatesOnceAndSilentStation() throws {
        let dir = try tempDir()
        let bd = dir.appendingPathComponent("ba-dinh.sqlite").path
        let hk = dir.appendingPathComponent("hoan-kiem.sqlite").path
        let merged = dir.appendingPathComponent("district.sqlite").path
        try writeBaDinh(bd)
        try writeHoanKiem(hk)
        // The district's merged copy repeats airings of both boxes, and closes ba-dinh's open airing of 12 June.
        let m = try AiringLog(path: merged)
        for e in try AiringLog(path: hk).events() + (try AiringLog(path: bd).events(.init(day: "2026-06-08"))) {
            try m.append(e)
        }
        var end = try #require(try AiringLog(path: bd).events(.init(airing: "bd-0612")).first)
        end.kind = .finished; end.playedSeconds = 95
        try m.append(end)

        let r = try buildJune([bd, hk, merged])
        let flooding = try #require(r.messages.first { $0.message == "flooding" })
        #expect(flooding.targetedStations == 3 && flooding.owingStations == 3 && flooding.stationsMet == 1)
        #expect(flooding.coverage == 1.0 / 3.0)
        let hkPair = try #require(r.pairs.first { $0.message == "flooding" && $0.station == "hoan-kiem" })
        #expect(hkPair.tally.full == 2 && hkPair.met == false)   // W24 met, W23 not
        let bdPair = try #require(r.pairs.first { $0.message == "flooding" && $0.station == "ba-dinh" })
        #expect(bdPair.tally.full == 5 && bdPair.tally.unclosed == 0)  // 12 June closed by the merged log
        let th = try #require(r.pairs.first { $0.message == "flooding" && $0.station == "tay-ho" })
        #expect(th.tally == { var t = Tally(); t.owed = 4; return t }() && th.met == false)
        #expect(r.logs.map(\.duplicates) == [0, 0, 6])
        let tayHo = try #require(r.stations.first { $0.id == "tay-ho" })
        #expect(tayHo.tally.aired == 0 && tayHo.pairsOwing == 1 && tayHo.pairsMet == 0 && tayHo.coverage == 0)
        #expect(r.heat.first { $0.station == "tay-ho" }?.counts == [0, 0, 0])
        #expect(r.totals.stationsAired == 2)
    }

    @Test func rollUpsAndTotals() throws {
        let dir = try tempDir()
        let bd = dir.appendingPathComponent("ba-dinh.sqlite").path
        let hk = dir.appendingPathComponent("hoan-kiem.sqlite").path
        try writeBaDinh(bd)
        try writeHoanKiem(hk)
        let r = try buildJune([bd, hk])
        #expect(r.weeks == ["2026-W23", "2026-W24", "2026-W25"])
        let heat = try #require(r.heat.first { $0.station == "ba-dinh" })
        // W23: 4 June + heat 3 June; W24: 8, 9, 10, 11, 12 (unclosed) + heat 9; W25: 15 (17 is outside).
        #expect(heat.counts == [2, 6, 1])
        let t1312 = try #require(r.topics.first { $0.id == "1.12" })
        #expect(t1312.pairsOwing == 3 && t1312.pairsMet == 1 && t1312.messages == 1)
        let t1313 = try #require(r.topics.first { $0.id == "1.13" })
        // heat at ba-dinh: W23 (3 June) and W24 (9 June) met; olympic owes nothing in June.
        #expect(t1313.pairsOwing == 1 && t1313.pairsMet == 1 && t1313.messages == 2 && t1313.messagesAired == 1)
        #expect(r.totals.messagesAired == 2)
        #expect(r.totals.pairsOwing == 4 && r.totals.pairsMet == 2 && r.totals.coverage == 0.5)
        #expect(r.totals.tally.full == 4 + 2 + 2)
        let olympic = try #require(r.messages.first { $0.message == "olympic" })
        #expect(olympic.coverage == nil && olympic.targetedStations == 3)
        let baDinh = try #require(r.stations.first { $0.id == "ba-dinh" })
        #expect(baDinh.pairsOwing == 2 && baDinh.pairsMet == 2 && baDinh.messagesAired == 2)
    }

    @Test func tamperedLogIsReportedWithAWarning() throws {
        let dir = try tempDir()
        let hk = dir.appendingPathComponent("hoan-kiem.sqlite").path
        try writeHoanKiem(hk)
        let db = try DatabaseQueue(path: hk)
        try db.writeWithoutTransaction { db in
            try db.execute(sql: "DROP TRIGGER events_append_only_update")
            try db.execute(sql: "UPDATE events SET played_s = 900 WHERE seq = 2")
        }
        let r = try buildJune([hk])
        #expect(r.logs[0].chain.firstBadSeq == 2)
        let warning = try #require(r.warnings.first)
        #expect(warning.en.contains(hk) && warning.en.contains("seq 2"))
        #expect(warning.vi.contains(hk) && warning.vi.contains("seq 2"))
        #expect(r.pairs.first { $0.station == "hoan-kiem" && $0.message == "flooding" }?.tally.full == 2)
    }

    @Test func datesAreTakenInThePlanZone() throws {
        let dir = try tempDir()
        let path = dir.appendingPathComponent("utc.sqlite").path
        let log = try AiringLog(path: path)
        // 16 June 23:30 UTC is 17 June 06:30 in Hanoi: outside the span. 15 June 23:00 UTC is 16 June: inside.
        for (id, at) in [("late", "2026-06-16T23:30:00.000Z"), ("in", "2026-06-15T23:00:00.000+00:00")] {
            try log.append(AiringEvent(at: at, kind: .started, airing: id, station: "tay-ho", plan: "hanoi-2026",
                                       message: "flooding"))
            try log.append(AiringEvent(at: at, kind: .finished, airing: id, station: "tay-ho", plan: "hanoi-2026",
                                       message: "flooding", playedSeconds: 95))
        }
        let r = try buildJune([path])
        #expect(r.pairs.first { $0.station == "tay-ho" && $0.message == "flooding" }?.tally.full == 1)
        var dater = LocalDater(timeZone: hanoi)
        #expect(dater.date(of: "2026-06-15T23:00:00Z") == day("2026-06-16"))
        #expect(dater.date(of: "2026-06-16T06:00:00.5-05:30") == day("2026-06-16"))
        #expect(dater.date(of: "garbage") == nil && dater.date(of: "2026-13-01T00:00:00Z") == nil)
    }

    @Test func untilCoversTheSpanSinceThePreviousReportDate() {
        let plan = samplePlan()
        #expect(reportSpan(until: day("2026-09-15"), plan: plan) == DateRange(from: day("2026-06-16"), to: day("2026-09-15")))
        #expect(reportSpan(until: day("2026-06-15"), plan: plan) == DateRange(from: day("2026-04-01"), to: day("2026-06-15")))
        #expect(reportSpan(until: day("2026-07-01"), plan: plan).from == day("2026-06-16"))
    }

    @Test func unreadableLogIsAClearError() throws {
        let dir = try tempDir()
        let junk = dir.appendingPathComponent("junk.sqlite")
        try Data(repeating: 0x42, count: 5000).write(to: junk)
        let error = #expect(throws: LogError.self) { try buildJune([junk.path]) }
        #expect(error?.description.contains(junk.path) == true)
    }
}
