import Foundation
import LoaCore
import LoaLog
import LoaPlan
import LoaPlayout
import LoaSchedule
import Testing

/// A whole station daemon held in the test: built from a configuration with a simulated clock, the fake sink and a
/// real SQLite log, the way `loa run --clock simulated` builds one, but in-process.
@Suite struct StationDaemonTests {
    let f: Fixture
    init() throws { f = try Fixture() }

    /// The fixture's files as a plan: two daily slots, an intro, three messages with different quotas.
    func plan(stations: [String] = ["ba-dinh"]) -> Plan {
        func media(_ name: String) -> Media {
            Media(path: "audio/\(name)", url: f.dir.appendingPathComponent(name), duration: Fixture.durations[name])
        }
        let slots = [SlotSpec(name: "morning", days: .all, start: TimeOfDay("06:00")!, lengthSeconds: 900),
                     SlotSpec(name: "evening", days: .all, start: TimeOfDay("17:00")!, lengthSeconds: 900)]
        let window = DateRange(from: CivilDate("2026-06-01")!, to: CivilDate("2026-06-30")!)
        return Plan(id: "daemon-test", title: "Test", timezone: f.tz, period: window,
                    stations: stations.map { Station(id: $0, name: $0, slots: slots, intro: media("intro.wav")) },
                    messages: [
                        Message(id: "msg-a", title: "A", content: .audio("audio/a.wav"), window: window,
                                quota: Quota(count: 1, per: .day), media: media("a.wav")),
                        Message(id: "msg-b", title: "B", content: .audio("audio/b.wav"), priority: .priority,
                                window: window, quota: Quota(count: 3, per: .week), media: media("b.wav")),
                        Message(id: "storm", title: "Storm", content: .audio("audio/storm.wav"),
                                window: DateRange(from: CivilDate("2026-06-02")!, to: CivilDate("2026-06-02")!),
                                quota: Quota(count: 1, per: .window), slotNames: ["evening"], media: media("storm.wav")),
                    ],
                    file: f.dir.appendingPathComponent("plan.yaml"))
    }

    func configuration(_ plan: Plan, log: String, from: String, to: String, sink: FakeSink) -> StationConfiguration {
        let loaded = Locked(plan)
        var c = StationConfiguration(station: "ba-dinh", log: .file(f.dir.appendingPathComponent(log).path)) {
            loaded.current
        }
        c.clock = .simulated(from: CivilDate(from)!, to: CivilDate(to)!)
        c.sink = .custom(sink)
        c.engine.report = { _ in }
        c.engine.problem = { _ in }
        return c
    }

    @Test func aSimulatedDayAirsEveryScheduledItemIntoARealLog() throws {
        let plan = plan()
        let sink = FakeSink(durations: Fixture.durations)
        let daemon = try StationDaemon(configuration(plan, log: "day.sqlite", from: "2026-06-02", to: "2026-06-02",
                                                     sink: sink))
        try daemon.run()

        // What the scheduler owes this station on that day, item by item, is exactly what the log holds.
        let day = CivilDate("2026-06-02")!
        let slots = Scheduler.schedule(plan, stations: ["ba-dinh"]).occurrences.filter { $0.date == day }
        #expect(slots.count == 2)
        #expect(slots.flatMap(\.items).contains { $0.message == "storm" })
        let log = try AiringLog(path: f.dir.appendingPathComponent("day.sqlite").path)
        #expect(try log.verify().isOK)
        let events = try log.events()
        #expect(events.map(\.seq) == Array(1...Int64(events.count)))
        var i = 0
        for slot in slots {
            for item in slot.items {
                let started = events[i], finished = events[i + 1]
                let id = slot.airingID(of: item)
                #expect(started.kind == .started && started.airing == id)
                #expect(finished.kind == .finished && finished.airing == id)
                #expect(started.at == Timestamp.format(slot.start.addingTimeInterval(item.offset), timeZone: f.tz))
                #expect(started.slotStart == Timestamp.format(slot.start, timeZone: f.tz))
                #expect(started.message == item.message)
                #expect(started.audio == item.media.path)
                #expect(started.audioSHA256 == "\(item.media.path.count - "audio/".count)-\(item.media.url!.lastPathComponent)")
                #expect(started.plan == "daemon-test" && started.station == "ba-dinh" && started.source == .schedule)
                #expect(finished.playedSeconds == item.duration)
                i += 2
            }
        }
        #expect(i == events.count)
        // The sink was handed the plan's own files, located once when the plan was made.
        #expect(sink.plays.flatMap(\.items).map(\.url) == slots.flatMap(\.items).map { $0.media.url! })
    }

    @Test func aReloadWithoutThisStationKeepsTheRunningPlan() throws {
        let sink = FakeSink(durations: Fixture.durations)
        let current = Locked(plan())
        let problems = Locked<[String]>([])
        var c = configuration(current.current, log: "reload.sqlite", from: "2026-06-01", to: "2026-06-01", sink: sink)
        c.loadPlan = { current.current }
        c.engine.problem = { line in problems.withLock { $0.append(line) } }
        let daemon = try StationDaemon(c)
        current.withLock { $0 = plan(stations: ["hoan-kiem"]) }
        #expect(daemon.reload() == false)
        #expect(problems.current.contains { $0.contains("keeping the running plan") || $0.contains("giữ kế hoạch") })
        try daemon.run()
        let events = try AiringLog(path: f.dir.appendingPathComponent("reload.sqlite").path).events()
        #expect(!events.isEmpty && events.allSatisfy { $0.station == "ba-dinh" })
    }

    @Test func aPlanWithoutTheStationIsRefusedAtStart() {
        let c = configuration(plan(stations: ["hoan-kiem"]), log: "none.sqlite", from: "2026-06-01", to: "2026-06-01",
                              sink: FakeSink(durations: Fixture.durations))
        let error = #expect(throws: DaemonError.self) { try StationDaemon(c) }
        #expect(error?.localized.en.hasPrefix("no station ba-dinh in plan ") == true && error?.localized.en.hasSuffix("plan.yaml") == true)
    }

    @Test func aScheduleFileAirsOnlyWhatThePlanNames() throws {
        let plan = plan()
        let day = Scheduler.schedule(plan, stations: ["ba-dinh"]).occurrences.filter { $0.date == CivilDate("2026-06-01")! }
        let good = day.map(ScheduleFile.line).joined(separator: "\n") + "\n"
        let entries = try ScheduleFile.decode(Data(good.utf8), file: "s.jsonl")
        let resolved = try plan.resolving(entries, file: "s.jsonl")
        #expect(resolved == day, "the schedule file reads back into the same slots, media included")

        let foreign = good.replacingOccurrences(of: "\"audio\":\"audio/a.wav\"", with: "\"audio\":\"../../etc/secret.wav\"")
        let error = #expect(throws: ScheduleFileError.self) {
            try plan.resolving(try ScheduleFile.decode(Data(foreign.utf8), file: "s.jsonl"), file: "s.jsonl")
        }
        let line = day.firstIndex { $0.items.contains { $0.message == "msg-a" } }.map { $0 + 1 }
        #expect(error?.localized.en
                == "s.jsonl:\(line ?? 0): error: audio ../../etc/secret.wav is not what the plan airs for this item")
        let unknown = good.replacingOccurrences(of: "\"message\":\"msg-a\"", with: "\"message\":\"nope\"")
        let unknownError = #expect(throws: ScheduleFileError.self) {
            try plan.resolving(try ScheduleFile.decode(Data(unknown.utf8), file: "s.jsonl"), file: "s.jsonl")
        }
        #expect(unknownError?.kind == .notInPlan)
    }
}
