import LoaCore
import Foundation
import LoaLog
import LoaPlan
import LoaPlayout
import LoaSchedule
import Testing

/// The engine's behaviour on a simulated clock with a fake sink and an in-memory log.
@Suite struct EngineTests {
    let f: Fixture
    init() throws { f = try Fixture() }

    func run(_ schedule: [SlotOccurrence], from: Date, until: Date, sink: FakeSink = FakeSink(durations: Fixture.durations),
             recorder: MemoryRecorder = MemoryRecorder(), clock: SimulatedClock? = nil,
             prepare: (PlayoutEngine) -> Void = { _ in }) throws -> (MemoryRecorder, FakeSink) {
        let engine = PlayoutEngine(plan: f.plan, schedule: schedule, options: f.options(from: from, until: until),
                                   clock: clock ?? SimulatedClock(start: from), sink: sink, recorder: recorder)
        prepare(engine)
        try engine.run()
        return (recorder, sink)
    }

    @Test func threeDaysAirEveryItemOnTimeInOrderAcrossMidnight() throws {
        let days = ["2026-06-01", "2026-06-02", "2026-06-03"]
        let schedule = days.flatMap { [f.standardSlot($0, "06:00", name: "morning"),
                                       f.standardSlot($0, "17:00", name: "evening")] }
        let (log, sink) = try run(schedule, from: f.date("2026-06-01", "00:00"), until: f.date("2026-06-04", "00:00"))
        let events = log.all
        #expect(events.count == 6 * 4 * 2)
        #expect(sink.plays.count == 6)
        var i = 0
        for slot in schedule {
            for item in slot.items {
                let id = slot.airingID(of: item)
                let s = events[i], e = events[i + 1]
                #expect(s.kind == .started && s.airing == id)
                #expect(e.kind == .finished && e.airing == id)
                #expect(s.at == Timestamp.format(slot.start.addingTimeInterval(item.offset), timeZone: f.tz))
                #expect(e.playedSeconds == item.duration)
                #expect(s.slotStart == Timestamp.format(slot.start, timeZone: f.tz))
                i += 2
            }
        }
        #expect(events.map(\.seq) == Array(1...Int64(events.count)))
    }

    @Test func joiningMidSlotMissesWhatPassedAndAirsTheRestOnTime() throws {
        let slot = f.standardSlot("2026-06-01", "06:00", name: "morning")
        let start = f.date("2026-06-01", "06:00", plus: 30)
        let (log, _) = try run([slot], from: f.date("2026-06-01", "00:00"), until: f.date("2026-06-01", "07:00"),
                               clock: SimulatedClock(start: start))
        #expect(log.all.map(\.short) == ["missed intro", "missed message:msg-a", "started message:msg-b",
                                         "finished message:msg-b", "started outro", "finished outro"])
        #expect(log.all[0].detail == "the daemon was not running at that time")
        #expect(log.all[2].at == Timestamp.format(f.date("2026-06-01", "06:00", plus: 68), timeZone: f.tz))
    }

    @Test func restartAfterACrashClosesTheOpenAiringAndAirsItAgainAtOnce() throws {
        let slot = f.standardSlot("2026-06-01", "06:00", name: "morning")
        let recorder = MemoryRecorder()
        let intro = slot.airingID(of: slot.items[0])
        try recorder.append(AiringEvent(at: Timestamp.format(slot.start, timeZone: f.tz), kind: .started,
                                        airing: intro, station: "ba-dinh", plan: "test-plan"))
        // Restarted 5 s later: the intro was on air when the box died.
        let (log, _) = try run([slot], from: f.date("2026-06-01", "00:00"), until: f.date("2026-06-01", "07:00"),
                               recorder: recorder, clock: SimulatedClock(start: slot.start.addingTimeInterval(5)))
        let kinds = log.all.map(\.short)
        // The cut intro airs again, under its own id, and the rest follows back to back: no dead air.
        #expect(kinds == ["started intro", "interrupted intro", "started resumed", "finished resumed",
                          "started message:msg-a", "finished message:msg-a", "started message:msg-b",
                          "finished message:msg-b", "started outro", "finished outro"])
        #expect(log.all[1].detail?.contains("crash") == true)
        #expect(log.all[2].airing == intro + "/resumed")
        let back = slot.start.addingTimeInterval(5)
        #expect(log.all[2].at == Timestamp.format(back, timeZone: f.tz))
        #expect(log.all[4].at == Timestamp.format(back.addingTimeInterval(8), timeZone: f.tz))
    }

    /// Back 45 s into a slot whose message was cut at 20 s: the message airs again at once and the rest follows,
    /// where the old daemon left 45 s of dead air until the next item's planned start.
    @Test func restartMidMessageFillsTheSlotInsteadOfDeadAir() throws {
        let slot = f.standardSlot("2026-06-01", "06:00", name: "morning")
        let recorder = MemoryRecorder()
        func row(_ i: Int, _ kind: EventKind, _ at: Double, played: Double? = nil) throws {
            try recorder.append(AiringEvent(at: Timestamp.format(slot.start.addingTimeInterval(at), timeZone: f.tz),
                                            kind: kind, airing: slot.airingID(of: slot.items[i]),
                                            station: "ba-dinh", plan: "test-plan", message: slot.items[i].message,
                                            slotStart: Timestamp.format(slot.start, timeZone: f.tz),
                                            playedSeconds: played))
        }
        try row(0, .started, 0); try row(0, .finished, 8, played: 8); try row(1, .started, 8)
        let back = slot.start.addingTimeInterval(45)
        let (log, _) = try run([slot], from: f.date("2026-06-01", "00:00"), until: f.date("2026-06-01", "07:00"),
                               recorder: recorder, clock: SimulatedClock(start: back))
        let after = Array(log.all.dropFirst(4))
        #expect(after.map(\.short) == ["started resumed", "finished resumed", "started message:msg-b",
                                        "finished message:msg-b", "started outro", "finished outro"])
        #expect(after.first?.message == "msg-a" && after.first?.at == Timestamp.format(back, timeZone: f.tz))
        #expect(after[1].playedSeconds == 60)
        #expect(after[2].at == Timestamp.format(back.addingTimeInterval(60), timeZone: f.tz))
    }

    @Test func emergencyCutsTheItemAirsAndTheSlotResumes() throws {
        let slot = f.standardSlot("2026-06-01", "06:00", name: "morning")
        let sink = FakeSink(durations: Fixture.durations)
        let storm = f.dir.appendingPathComponent("storm.wav")
        let reply = Locked<EmergencyReply?>(nil)
        let (log, _) = try run([slot], from: f.date("2026-06-01", "00:00"), until: f.date("2026-06-01", "07:00"),
                               sink: sink, clock: SimulatedClock(start: f.date("2026-06-01", "05:00"))) { engine in
            let fired = Locked(false)
            sink.onStart.withLock { $0 = { item in
                guard item.url.lastPathComponent == "a.wav", !fired.withLock({ f in defer { f = true }; return f })
                else { return }
                engine.emergency(EmergencyRequest(audio: storm)) { r in reply.withLock { $0 = r } }
            } }
        }
        let kinds = log.all.map { $0.source == .emergency ? "\($0.kind.rawValue) emergency" : $0.short }
        #expect(kinds == ["started intro", "finished intro", "started message:msg-a", "preempted message:msg-a",
                          "started emergency", "finished emergency", "started message:msg-b",
                          "finished message:msg-b", "started outro", "finished outro"])
        #expect(log.all[4].source == .emergency)
        #expect(log.all[4].slotStart == Timestamp.format(slot.start, timeZone: f.tz))
        #expect(log.all[3].playedSeconds == 10)
        // B resumes right after the emergency: 8 s intro + 10 s of A + 30 s storm.
        #expect(log.all[6].at == Timestamp.format(slot.start.addingTimeInterval(48), timeZone: f.tz))
        #expect(reply.current?.ok == true)
    }

    @Test func emergencyLeavingNoRoomLogsTheRestMissed() throws {
        // A 165 s slot holds intro 8 + A 60 + B 90 + outro 5; a 400 s emergency after 10 s of A leaves no room.
        let slot = f.standardSlot("2026-06-01", "06:00", name: "morning", length: 165)
        let sink = FakeSink(durations: Fixture.durations)
        let bulletin = f.dir.appendingPathComponent("long.wav")
        let (log, _) = try run([slot], from: f.date("2026-06-01", "00:00"), until: f.date("2026-06-01", "07:00"),
                               sink: sink, clock: SimulatedClock(start: f.date("2026-06-01", "05:00"))) { engine in
            sink.onStart.withLock { $0 = { item in
                if item.url.lastPathComponent == "a.wav" { engine.emergency(EmergencyRequest(audio: bulletin)) { _ in } }
            } }
        }
        let kinds = log.all.map { $0.source == .emergency ? "\($0.kind.rawValue) emergency" : $0.short }
        #expect(kinds == ["started intro", "finished intro", "started message:msg-a", "preempted message:msg-a",
                          "started emergency", "finished emergency", "missed message:msg-b", "missed outro"])
        #expect(log.all[6].detail?.contains("no time left") == true)
        // The emergency itself is never capped by the slot.
        #expect(log.all[5].playedSeconds == 400)
    }

    @Test func scheduledEmergencySlotPreemptsAndTheCutSlotResumes() throws {
        let evening = f.slot("2026-06-01", "17:00", name: "evening", length: 900,
                             [(.message, "long", "long.wav", .normal), (.message, "msg-a", "a.wav", .normal)])
        let storm = f.slot("2026-06-01", "17:05", name: "storm-1705", length: 120,
                           [(.message, "storm", "storm.wav", .emergency)])
        let (log, sink) = try run([evening, storm], from: f.date("2026-06-01", "00:00"),
                                  until: f.date("2026-06-02", "00:00"))
        #expect(log.all.map(\.short) == ["started message:long", "preempted message:long", "started message:storm",
                                         "finished message:storm", "started message:msg-a", "finished message:msg-a"])
        #expect(log.all[1].playedSeconds == 300)
        #expect(sink.plays[0].items[0].maxSeconds == 300)
        #expect(log.all[2].at == Timestamp.format(storm.start, timeZone: f.tz))
        #expect(log.all[4].at == Timestamp.format(storm.start.addingTimeInterval(30), timeZone: f.tz))
    }

    @Test func aFileDeletedBeforeItsAiringFailsAloneAndTheNextItemAirs() throws {
        let slot = f.standardSlot("2026-06-01", "06:00", name: "morning")
        try FileManager.default.removeItem(at: f.dir.appendingPathComponent("a.wav"))
        let (log, sink) = try run([slot], from: f.date("2026-06-01", "00:00"), until: f.date("2026-06-01", "07:00"))
        #expect(log.all.map(\.short) == ["started message:msg-a", "failed message:msg-a", "started intro",
                                         "finished intro", "started message:msg-b", "finished message:msg-b",
                                         "started outro", "finished outro"])
        #expect(log.all[1].detail?.contains("a.wav") == true)
        #expect(sink.plays[0].items.map(\.url.lastPathComponent) == ["intro.wav", "b.wav", "outro.wav"])
    }

    @Test func aDeviceFailingAtOpenLogsMissedAndResumesWhenBack() throws {
        let slots = [f.standardSlot("2026-06-01", "06:00", name: "morning"),
                     f.standardSlot("2026-06-01", "17:00", name: "evening")]
        let sink = FakeSink(durations: Fixture.durations)
        sink.state.withLock { $0.failOpens = 2 }
        let (log, _) = try run(slots, from: f.date("2026-06-01", "00:00"), until: f.date("2026-06-02", "00:00"),
                               sink: sink)
        let morning = log.all.filter { $0.slotStart == Timestamp.format(slots[0].start, timeZone: f.tz) }
        // Two failed opens cost the intro and A; the device is back for B.
        #expect(morning.map(\.short) == ["missed intro", "missed message:msg-a", "started message:msg-b",
                                         "finished message:msg-b", "started outro", "finished outro"])
        #expect(morning[0].detail?.contains("audio device unavailable") == true)
        // Each retry waits for the item's own time: the slot keeps its schedule.
        #expect(morning.map(\.at) == [0.0, 8, 68, 158, 158, 163].map {
            Timestamp.format(slots[0].start.addingTimeInterval($0), timeZone: f.tz)
        })
        #expect(log.all.filter { $0.kind == .finished }.count == 6)
    }

    @Test func aDeviceLostMidItemFailsThatItemAndRetries() throws {
        let slot = f.standardSlot("2026-06-01", "06:00", name: "morning")
        let sink = FakeSink(durations: Fixture.durations)
        sink.state.withLock { $0.failAfter = 3 }
        let (log, _) = try run([slot], from: f.date("2026-06-01", "00:00"), until: f.date("2026-06-01", "07:00"),
                               sink: sink)
        #expect(log.all.map(\.short) == ["started intro", "failed intro", "started message:msg-a",
                                         "finished message:msg-a", "started message:msg-b", "finished message:msg-b",
                                         "started outro", "finished outro"])
        #expect(log.all[1].detail?.contains("device lost") == true)
        #expect(log.all[1].playedSeconds == 3)
    }

    @Test func aClockSteppedAnHourForwardAndBackNeitherDoublesNorSilentlyLoses() throws {
        let slots = [f.standardSlot("2026-06-01", "06:00", name: "morning"),
                     f.standardSlot("2026-06-01", "17:00", name: "evening"),
                     f.standardSlot("2026-06-02", "06:00", name: "morning")]
        let clock = SimulatedClock(start: f.date("2026-06-01", "00:00"), steps: [
            (at: f.date("2026-06-01", "05:30"), by: 3600),   // jumps over the whole morning slot
            (at: f.date("2026-06-01", "18:00"), by: -3600),  // back into the evening slot already aired
        ])
        let (log, _) = try run(slots, from: f.date("2026-06-01", "00:00"), until: f.date("2026-06-03", "00:00"),
                               clock: clock)
        let byAiring = Dictionary(grouping: log.all, by: \.airing)
        for slot in slots {
            for item in slot.items {
                let events = byAiring[slot.airingID(of: item)] ?? []
                #expect(events.count == (events.first?.kind == .missed ? 1 : 2))
            }
        }
        let missed = log.all.filter { $0.kind == .missed }
        #expect(missed.count == 4)
        #expect(missed.allSatisfy { $0.detail == "the system clock was stepped forward by 3600 s" })
        #expect(log.all.filter { $0.kind == .finished }.count == 8)
    }

    @Test func reloadTakesEffectAfterTheItemOnAirWithoutCuttingIt() throws {
        let old = [f.standardSlot("2026-06-01", "06:00", name: "morning"),
                   f.standardSlot("2026-06-01", "17:00", name: "evening")]
        let new = [old[0], f.slot("2026-06-01", "17:00", name: "evening", [(.message, "storm", "storm.wav", .priority)])]
        let sink = FakeSink(durations: Fixture.durations)
        let (log, _) = try run(old, from: f.date("2026-06-01", "00:00"), until: f.date("2026-06-02", "00:00"),
                               sink: sink) { engine in
            sink.onStart.withLock { $0 = { item in
                if item.url.lastPathComponent == "a.wav" { engine.reload(plan: self.f.plan, schedule: new) }
            } }
        }
        #expect(log.all.filter { $0.kind != .started && $0.kind != .finished }.isEmpty)
        #expect(log.all.suffix(2).map(\.short) == ["started message:storm", "finished message:storm"])
        #expect(log.all.count == 10)
    }
}
