import LoaCore
import Foundation
import Testing
import PropertyBased
import LoaPlan
@testable import LoaSchedule
import LoaTestSupport
import LoaCommands

/// Schedules, writes the real files, reads them back, and checks them with the independent checker.
func scheduleAndCheck(_ plan: Plan, range: DateRange? = nil, stations: [String]? = nil,
                      playlists: Bool = false) throws -> (result: ScheduleResult, text: String, shortText: String,
                                                          problems: [String], dir: URL) {
    let result = Scheduler.schedule(plan, range: range, stations: stations)
    let dir = TemporaryFolders.make("loa-sched")
    try ScheduleWriter.write(result, plan: plan, to: dir, playlists: playlists)
    let text = try String(contentsOf: dir.appendingPathComponent("schedule.jsonl"), encoding: .utf8)
    let shortText = try String(contentsOf: dir.appendingPathComponent("shortfalls.jsonl"), encoding: .utf8)
    let checker = ScheduleChecker(plan: plan, range: range, stations: stations)
    var problems = try checker.check(scheduleText: text, shortfallText: shortText)
    problems += maximalityProblems(plan, text: text, shortfalls: result.shortfalls)
    if !playlists { try? FileManager.default.removeItem(at: dir) }
    return (result, text, shortText, problems, dir)
}

/// For each shortfall: no slot in its period could still take the message without breaking a hard rule.
func maximalityProblems(_ plan: Plan, text: String, shortfalls: [Shortfall]) -> [String] {
    guard !shortfalls.isEmpty, let lines = try? ScheduleChecker.parse(text) else { return [] }
    var byKey: [String: [[String: Any]]] = [:]
    for l in lines { byKey["\(l["station"] as! String)|\(l["date"] as! String)", default: []].append(l) }
    var problems: [String] = []
    for f in shortfalls {
        let m = plan.message(f.message)!, st = plan.station(f.station)!
        let extra = (st.intro?.duration ?? 0) + (st.outro?.duration ?? 0)
        for day in DateRange(from: f.from, to: f.to).days {
            let slots = byKey["\(st.id)|\(day)"] ?? []
            let today = slots.filter { l in (l["items"] as! [[String: Any]]).contains { $0["message"] as? String == m.id } }
            guard today.count < m.maxPerDay else { continue }
            for l in slots where m.slotNames?.contains(l["slot"] as! String) ?? true {
                let items = l["items"] as! [[String: Any]]
                if items.contains(where: { $0["message"] as? String == m.id }) { continue }
                let used = ScheduleChecker.num(l["used_s"]) + (items.isEmpty ? extra : 0)
                if used + m.duration <= ScheduleChecker.num(l["length_s"]) - 0.002 {
                    problems.append("\(f.message)@\(f.station) short in \(f.period) but fits \(day) \(l["slot"]!)")
                }
            }
        }
    }
    return problems
}


func randomPlan(seed: Int, stations nS: Int, messages nM: Int) -> Plan {
    var g = SplitMix(state: UInt64(seed))
    let start = Fx.d("2026-06-01").adding(days: g.int(0...40))
    let end = start.adding(days: g.int(36...70))
    var stations: [Station] = []
    for s in 0..<nS {
        let days: [Weekday] = g.chance(0.5) ? Fx.weekdays : Weekday.allCases
        var slots = [Fx.slot("morning", days, "06:00", Double(g.int(2...15))),
                     Fx.slot("evening", days, "17:00", Double(g.int(2...15)))]
        if g.chance(0.3) { slots.append(Fx.slot("noon", [.sat, .sun], "11:30", Double(g.int(3...20)))) }
        let closed = (0..<g.int(0...3)).map { _ in start.adding(days: g.int(0...40)).description }
        stations.append(Fx.station("s\(s)", slots: slots, groups: g.chance(0.5) ? ["rural"] : [], closed: closed,
                                   intro: g.chance(0.5) ? Double(g.int(3...12)) + 0.25 : nil,
                                   outro: g.chance(0.4) ? Double(g.int(2...8)) : nil))
    }
    var messages: [Message] = []
    for i in 0..<nM {
        // Windows stay inside the plan period, as a valid plan's do.
        let a = max(start, start.adding(days: g.int(-5...30))), b = min(end, a.adding(days: g.int(0...45)))
        let per = g.pick(QuotaPeriod.allCases)
        let count = per == .day ? g.int(1...2) : g.int(1...(per == .week ? 6 : 12))
        let targets: [Target] = g.chance(0.5) ? [.all]
            : g.chance(0.5) ? [.group("rural")] : [.station("s\(g.int(0...(nS - 1)))")]
        let slots: [String]? = g.chance(0.3) ? [g.pick(["morning", "evening", "noon"])] : nil
        let priority: Priority = g.chance(0.1) ? .emergency : g.chance(0.2) ? .priority : .normal
        let seconds = Double(g.int(20...240)) + Double(g.int(0...9)) / 10
        messages.append(Fx.message("m\(i)", count, per: per, from: a.description, to: b.description,
                                   priority: priority, targets: targets, slots: slots, maxPerDay: g.int(1...2),
                                   seconds: seconds))
    }
    return Fx.plan(stations, messages, from: start.description, to: end.description)
}

@Suite struct SchedulerTests {
    /// A Hanoi-like plan: weekday wards with intro and outro, rural communes every day, closed days, mixed quotas.
    static func realistic() -> Plan {
        var stations: [Station] = []
        for i in 0..<6 {
            stations.append(Fx.station("phuong-\(i)", slots: Fx.twoSlots(Fx.weekdays, minutes: 15), groups: ["inner"],
                                       closed: ["2026-09-02"], intro: 8.2, outro: 5))
        }
        for i in 0..<4 {
            stations.append(Fx.station("xa-\(i)", slots: Fx.twoSlots(minutes: 30), groups: ["rural"],
                                       closed: ["2026-09-02", "2026-09-03"], intro: 6.5))
        }
        let messages = [
            Fx.message("storm-warning", 2, per: .day, from: "2026-07-20", to: "2026-07-24", priority: .emergency,
                       maxPerDay: 2, seconds: 95),
            Fx.message("dengue", 3, per: .week, from: "2026-06-01", to: "2026-08-31", priority: .priority,
                       seconds: 120.5),
            Fx.message("flooding-2026", 3, per: .week, from: "2026-06-01", to: "2026-08-31", seconds: 95),
            Fx.message("census", 8, per: .month, slots: ["evening"], seconds: 150),
            Fx.message("tax", 2, per: .quarter, targets: [.group("inner")], seconds: 180),
            Fx.message("harvest", 4, per: .week, from: "2026-09-15", to: "2026-10-20", targets: [.group("rural")],
                       slots: ["morning"], seconds: 200),
            Fx.message("election", 20, per: .window, from: "2026-11-01", to: "2026-11-30", seconds: 60),
            Fx.message("fire-safety", 1, per: .week, seconds: 75.25),
            Fx.message("road-safety", 6, per: .month, from: "2026-04-10", to: "2026-12-20", seconds: 88),
            Fx.message("vaccination", 2, per: .week, from: "2026-05-04", to: "2026-06-15", priority: .priority,
                       targets: [.station("xa-0"), .station("phuong-2")], seconds: 140),
        ]
        return Fx.plan(stations, messages)
    }

    @Test func realisticPlanKeepsEveryRuleAndMeetsEveryQuota() throws {
        let plan = Self.realistic()
        let run = try scheduleAndCheck(plan)
        #expect(run.problems == [])
        #expect(run.result.shortfalls.map { ShortfallFile.line($0) } == [])
        let tally = run.result.tally
        #expect(tally.allSatisfy { $0.owed == $0.scheduled })
        #expect(tally[Priority.emergency.rawValue].owed == 10 * 10)  // 2 a day × 5 days × 10 stations
        // Same input, same bytes.
        let again = try scheduleAndCheck(plan)
        #expect(again.text == run.text && again.shortText == run.shortText)
    }

    @Test func airingsAreSpreadOverDaysAndSlots() throws {
        let plan = Self.realistic()
        let result = Scheduler.schedule(plan)
        // flooding-2026: 3 a week at a weekday ward → three different days, never two adjacent days in a row
        // more than needed, and both slots used over the summer.
        var perWeek: [String: [CivilDate]] = [:]
        var slotUse: [String: Int] = [:]
        for o in result.occurrences where o.station == "phuong-0" {
            for item in o.items where item.message == "flooding-2026" {
                let (y, w) = o.date.isoWeek
                perWeek["\(y)-\(w)", default: []].append(o.date)
                slotUse[o.slot, default: 0] += 1
            }
        }
        #expect(perWeek.count == 14)
        for (_, days) in perWeek { #expect(Set(days).count == days.count) }
        let total = slotUse.values.reduce(0, +)
        #expect(total == 40)
        #expect(min(slotUse["morning"] ?? 0, slotUse["evening"] ?? 0) * 10 >= total * 4)
        // Not piled onto Mondays: no weekday gets more than half of a 1-a-week message's airings.
        var weekdays: [Weekday: Int] = [:]
        for o in result.occurrences where o.station == "xa-1" {
            for item in o.items where item.message == "fire-safety" { weekdays[o.date.weekday, default: 0] += 1 }
        }
        #expect(weekdays.values.reduce(0, +) >= 39)
        #expect(weekdays.values.max()! * 3 <= weekdays.values.reduce(0, +))
    }

    @Test func aRangeGivesExactlyThoseDaysOfTheWholeSchedule() throws {
        let plan = Self.realistic()
        let whole = Scheduler.schedule(plan)
        let week = Fx.range("2026-07-18", "2026-07-26")
        let part = try scheduleAndCheck(plan, range: week, stations: ["xa-2", "phuong-1"])
        #expect(part.problems == [])
        let expected = whole.occurrences.filter { week.contains($0.date) && ["xa-2", "phuong-1"].contains($0.station) }
        #expect(part.result.occurrences == expected)
        #expect(part.result.stations.map(\.station) == ["phuong-1", "xa-2"])
    }

    @Test func randomPlansNeverBreakARule() async throws {
        await propertyCheck(count: 60, input: Gen.int(in: 0...1_000_000), Gen.int(in: 1...4),
                            Gen.int(in: 1...14)) { seed, nS, nM in
            let plan = randomPlan(seed: seed, stations: nS, messages: nM)
            let run = try scheduleAndCheck(plan)
            #expect(run.problems == [], "seed \(seed) stations \(nS) messages \(nM)")
        }
    }

    @Test func startsCarryThePlanZoneOffset() throws {
        let plan = Self.realistic()
        let first = Scheduler.schedule(plan, range: Fx.range("2026-06-01", "2026-06-01"), stations: ["xa-0"])
            .occurrences
        #expect(first.map { Timestamp.format($0.start, utcOffsetSeconds: $0.utcOffsetSeconds) }
                == ["2026-06-01T06:00:00+07:00", "2026-06-01T17:00:00+07:00"])
        #expect(first[0].start.timeIntervalSince1970 == 1_780_268_400)  // 2026-05-31T23:00:00Z
    }

    @Test func numbersPrintCompactly() {
        #expect(TextBuffer.seconds(95.0) == "95")
        #expect(TextBuffer.seconds(8.2) == "8.2")
        #expect(TextBuffer.seconds(8.2 + 95.0) == "103.2")
        #expect(TextBuffer.seconds(0.0004) == "0")
        #expect(TextBuffer.seconds(12.3456) == "12.346")
        #expect(TextBuffer.quoted("a\"b\\c\nđ") == "\"a\\\"b\\\\c\\nđ\"")
    }

    @Test func playlistsOpenInPlayers() throws {
        let plan = Self.realistic()
        let run = try scheduleAndCheck(plan, range: Fx.range("2026-07-20", "2026-07-21"), stations: ["phuong-3"],
                                       playlists: true)
        defer { try? FileManager.default.removeItem(at: run.dir) }
        let file = run.dir.appendingPathComponent("playlists/phuong-3/2026-07-20.m3u8")
        let text = try String(contentsOf: file, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.first == "#EXTM3U")
        let items = run.result.occurrences.filter { $0.date == Fx.d("2026-07-20") }.flatMap(\.items)
        #expect(lines.filter { $0.hasPrefix("#EXTINF:") }.count == items.count)
        #expect(lines.filter { $0.hasPrefix("# slot ") }.count == 2)
        #expect(lines.contains("# slot morning 2026-07-20T06:00:00+07:00 length 900 s, used \(TextBuffer.seconds(run.result.occurrences[0].usedSeconds)) s"))
        #expect(lines.contains("#EXTINF:8.2,intro"))
        #expect(lines.contains("#EXTINF:95,storm-warning - storm-warning"))
        // Every non-comment line is a path relative to the playlist's folder (the output folder can move), naming
        // the plan's file.
        let folder = file.deletingLastPathComponent()
        let paths = lines.filter { !$0.hasPrefix("#") }
        #expect(paths.allSatisfy { !$0.hasPrefix("/") })
        #expect(paths.map { folder.appendingPathComponent(String($0)).standardizedFileURL.path }
            .contains("/tmp/loa-test/audio/intro-phuong-3.wav"))
        #expect(FileManager.default.fileExists(atPath: run.dir.appendingPathComponent("playlists/phuong-3/2026-07-21.m3u8").path))
    }
}
