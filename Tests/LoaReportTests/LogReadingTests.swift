import LoaCore
import Foundation
import LoaLog
import LoaPlan
import PropertyBased
import Testing
@testable import LoaReport

/// `ReportBuilder.build(logPaths:)` reads logs on several threads straight from SQLite's bytes and counts a
/// `started` and its ending at once when nothing comes between them. These tests hold it to the plain rule: the
/// same report as handing every event of every log, in order, to `add(_:)` one by one.
@Suite struct LogReadingTests {
    /// The same streams on every run.
    typealias Seeded = Xoshiro

    static func seeded(_ seed: UInt64) -> Xoshiro { Xoshiro(seed: (seed, seed &* 31, seed ^ 0x5DEE_CE66, 0x9E37_79B9)) }

    /// Events that stress every rule: ids shared between logs, two starts or two endings of one airing, endings
    /// before their start, other plans, intro/outro, unreadable times, stations and messages the plan lacks.
    static func randomEvents(_ rng: inout Seeded, count: Int, ids: Int) -> [AiringEvent] {
        let stations = ["ba-dinh", "hoan-kiem", "tay-ho", "stranger"]
        let messages: [String?] = ["flooding", "heat", "olympic", nil, "unknown-msg"]
        let kinds: [EventKind] = [.started, .started, .started, .finished, .finished, .interrupted, .preempted,
                                  .failed, .missed]
        return (0..<count).map { _ in
            let date = CivilDate(dayNumber: day("2026-05-28").dayNumber + Int.random(in: 0..<24, using: &rng))
            let hour = Bool.random(using: &rng) ? "06" : "17"
            let slot: String? = Int.random(in: 0..<10, using: &rng) == 0 ? nil : "\(date)T\(hour):00:00+07:00"
            let at = Int.random(in: 0..<30, using: &rng) == 0 ? "garbled" : "\(date)T\(hour):00:01.000+07:00"
            let kind = kinds.randomElement(using: &rng)!
            return AiringEvent(at: at, kind: kind, airing: "a\(Int.random(in: 0..<ids, using: &rng))",
                               station: stations.randomElement(using: &rng)!,
                               plan: Int.random(in: 0..<15, using: &rng) == 0 ? "other-plan" : "hanoi-2026",
                               message: messages.randomElement(using: &rng)!, slotStart: slot,
                               plannedSeconds: Bool.random(using: &rng) ? 95 : nil,
                               playedSeconds: kind == .started ? nil : Double(Int.random(in: 0..<95_000, using: &rng)) / 1000)
        }
    }

    /// Mostly well-formed airings (started, then its ending) with the odd stray event: the shape real logs have,
    /// so the paired path carries most of the count.
    static func realisticEvents(_ rng: inout Seeded, airings: Int, prefix: String) -> [AiringEvent] {
        var out: [AiringEvent] = []
        for i in 0..<airings {
            let date = CivilDate(dayNumber: day("2026-06-01").dayNumber + i / 4)
            let id = Int.random(in: 0..<8, using: &rng) == 0 ? "shared-\(i % 16)" : "\(prefix)-\(i)"
            let start = AiringEvent(at: "\(date)T06:00:0\(i % 4).000+07:00", kind: .started, airing: id,
                                    station: "ba-dinh", plan: "hanoi-2026",
                                    message: Bool.random(using: &rng) ? "flooding" : "heat",
                                    slotStart: "\(date)T06:00:00+07:00", plannedSeconds: 95)
            var end = start
            end.kind = [.finished, .finished, .finished, .interrupted, .preempted].randomElement(using: &rng)!
            end.playedSeconds = end.kind == .finished ? 95 : 12.345
            if Int.random(in: 0..<20, using: &rng) != 0 { out.append(start) }
            if Int.random(in: 0..<20, using: &rng) != 0 { out.append(end) }
        }
        return out
    }

    func compare(_ logs: [[AiringEvent]], span: DateRange) throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var paths: [String] = []
        for (i, events) in logs.enumerated() {
            let path = dir.appendingPathComponent("log\(i).sqlite").path
            try AiringLog(path: path).append(contentsOf: events)
            paths.append(path)
        }
        let plan = samplePlan()
        let fast = try ReportBuilder.build(plan: plan, span: span, logPaths: paths, reader: SQLiteLogReader(), owed: juneDues())
        // Logs cut into pieces of a few events (a pair split across pieces is counted in turn, not at once).
        let pieces = try ReportBuilder.build(plan: plan, span: span, logPaths: paths, reader: SQLiteLogReader(), owed: juneDues(), pieceSize: 7)
        var plain = ReportBuilder(plan: plan, span: span, owed: juneDues())
        for path in paths {
            plain.beginLog(name: path)
            let log = try AiringLog(path: path, readOnly: true)
            for e in try log.events() { plain.add(e) }
            plain.endLog(chain: try log.verify())
        }
        let slow = plain.report()
        #expect(slow.totals.tally.aired + slow.totals.tally.unclosed > 0)
        #expect(JSONReport.render(fast) == JSONReport.render(slow))
        #expect(JSONReport.render(pieces) == JSONReport.render(slow))
        #expect(CSVReport.render(fast, language: .en) == CSVReport.render(slow, language: .en))
        #expect(HTMLReport.render(fast, language: .vi) == HTMLReport.render(slow, language: .vi))
    }

    @Test(arguments: 1...12 as ClosedRange<UInt64>)
    func randomLogsGiveTheSameReport(seed: UInt64) throws {
        var rng = Self.seeded(seed)
        let logs = (0..<3).map { _ in Self.randomEvents(&rng, count: 150, ids: 60) }
        try compare(logs, span: juneSpan)
    }

    @Test(arguments: 1...4 as ClosedRange<UInt64>)
    func realisticLogsGiveTheSameReport(seed: UInt64) throws {
        var rng = Self.seeded(seed &* 7919)
        let logs = (0..<4).map { Self.realisticEvents(&rng, airings: 120, prefix: "log\($0)") }
        try compare(logs, span: juneSpan)
    }

    /// An airing started in one box's log and ended in another's is one airing, dated by its start.
    @Test func airingSplitAcrossLogsCountsOnce() throws {
        let start = AiringEvent(at: "2026-06-08T06:00:00.010+07:00", kind: .started, airing: "split",
                                station: "ba-dinh", plan: "hanoi-2026", message: "flooding",
                                slotStart: "2026-06-08T06:00:00+07:00", plannedSeconds: 95)
        var end = start
        end.kind = .finished; end.at = "2026-06-09T06:00:00.000+07:00"; end.slotStart = nil; end.playedSeconds = 95
        try compare([[start], [end, start]], span: juneSpan)
        let dir = try tempDir()
        let a = dir.appendingPathComponent("a.sqlite").path, b = dir.appendingPathComponent("b.sqlite").path
        try AiringLog(path: a).append(start)
        try AiringLog(path: b).append(contentsOf: [end, start])
        let r = try ReportBuilder.build(plan: samplePlan(), span: juneSpan, logPaths: [a, b], reader: SQLiteLogReader(), owed: juneDues())
        let pair = try #require(r.pairs.first { $0.message == "flooding" && $0.station == "ba-dinh" })
        #expect(pair.tally.full == 1)
        #expect(pair.tally.unclosed == 0)
        #expect(r.logs[1].duplicates == 1)
    }

    /// Many logs in small pieces (more than the pipeline holds at once), two of them unreadable: the error is the
    /// first bad log's in `--log` order, as if read one after another, and nothing hangs.
    @Test func theFirstBadLogInOrderIsTheError() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = Self.seeded(99)
        var paths: [String] = []
        for i in 0..<12 {
            let path = dir.appendingPathComponent("log\(i).sqlite").path
            if i == 7 || i == 10 {
                try Data("not a database, just text that happens to be here".utf8).write(to: URL(fileURLWithPath: path))
            } else {
                try AiringLog(path: path).append(contentsOf: Self.realisticEvents(&rng, airings: 40, prefix: "l\(i)"))
            }
            paths.append(path)
        }
        for pieceSize in [3, 65_536] {
            do {
                _ = try ReportBuilder.build(plan: samplePlan(), span: juneSpan, logPaths: paths, reader: SQLiteLogReader(), owed: juneDues(),
                                            pieceSize: pieceSize)
                Issue.record("a report from unreadable logs")
            } catch let error as LogError {
                #expect(error.path == paths[7], "\(error)")
            }
        }
        let good = paths.enumerated().filter { $0.offset != 7 && $0.offset != 10 }.map(\.element)
        let r = try ReportBuilder.build(plan: samplePlan(), span: juneSpan, logPaths: good, reader: SQLiteLogReader(), owed: juneDues(),
                                        pieceSize: 3)
        #expect(r.logs.count == 10 && r.logs.allSatisfy { $0.chain.isOK })
    }
}
