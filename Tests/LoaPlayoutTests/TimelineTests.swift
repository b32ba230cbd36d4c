import LoaCore
import Foundation
import LoaPlan
import LoaPlayout
import LoaSchedule
import Testing

/// The pure decisions, and reading schedule.jsonl back.
@Suite struct TimelineTests {
    let f: Fixture
    init() throws { f = try Fixture() }

    @Test func waitsUntilLeadBeforeTheSlotThenPlaysItWhole() {
        let slot = f.standardSlot("2026-06-01", "06:00", name: "morning")
        let t = Timeline(slots: [slot], timeZone: f.tz)
        let lower = f.date("2026-06-01", "00:00"), upper = f.date("2026-06-03", "00:00")
        #expect(t.next(now: f.date("2026-06-01", "05:00"), handled: [], retime: [], lower: lower, upper: upper)
                == .wait(until: slot.start.addingTimeInterval(-0.5)))
        guard case .play(let run) = t.next(now: slot.start.addingTimeInterval(-0.4), handled: [], retime: [],
                                           lower: lower, upper: upper) else { Issue.record("no run"); return }
        #expect(run.entries.map(\.itemIndex) == [0, 1, 2, 3])
        #expect(run.entries.map { $0.plannedStart.timeIntervalSince(slot.start) } == [0, 8, 68, 158])
        #expect(run.entries.map(\.cap) == [900, 892, 832, 742])
    }

    @Test func nothingLeftWaitsForTheWindowEnd() {
        let slot = f.standardSlot("2026-06-01", "06:00", name: "morning")
        let t = Timeline(slots: [slot], timeZone: f.tz)
        let handled = Set(slot.items.map { slot.airingID(of: $0) })
        let upper = f.date("2026-06-03", "00:00")
        #expect(t.next(now: f.date("2026-06-01", "05:00"), handled: handled, retime: [],
                       lower: f.date("2026-06-01", "00:00"), upper: upper) == .wait(until: upper))
    }

    @Test func slotsOutsideTheWindowAreIgnored() {
        let slot = f.standardSlot("2026-06-01", "06:00", name: "morning")
        let t = Timeline(slots: [slot], timeZone: f.tz)
        // The daemon's accounting starts after this slot ended: nothing is missed for it.
        let step = t.next(now: f.date("2026-06-01", "12:00"), handled: [], retime: [],
                          lower: f.date("2026-06-01", "07:00"), upper: f.date("2026-06-03", "00:00"))
        #expect(step == .wait(until: f.date("2026-06-03", "00:00")))
    }

    @Test func aRetimedSlotPlaysFromNowWhileItemsFit() {
        let slot = f.standardSlot("2026-06-01", "06:00", name: "morning", length: 200)
        let t = Timeline(slots: [slot], timeZone: f.tz)
        let handled: Set = [slot.airingID(of: slot.items[0]),
                            slot.airingID(of: slot.items[1])]
        // 120 s in, 80 s left: B (90 s) cannot fit, the outro (5 s) can.
        let now = slot.start.addingTimeInterval(120)
        let step = t.next(now: now, handled: handled, retime: [slot.key],
                          lower: f.date("2026-06-01", "00:00"), upper: f.date("2026-06-03", "00:00"))
        guard case .miss(let missed, .noRoom) = step else { Issue.record("expected noRoom, got \(step)"); return }
        #expect(missed.map(\.itemIndex) == [2])
        var handledAfter = handled
        handledAfter.insert(missed[0].airing)
        guard case .play(let run) = t.next(now: now, handled: handledAfter, retime: [slot.key],
                                           lower: f.date("2026-06-01", "00:00"), upper: f.date("2026-06-03", "00:00"))
        else { Issue.record("no run"); return }
        #expect(run.entries.map(\.itemIndex) == [3])
        #expect(run.startAt == now)
    }

    @Test func airingIDsDependOnSlotAndMessageNotPosition() {
        let a = f.standardSlot("2026-06-01", "06:00", name: "morning")
        var b = a
        b.items.swapAt(1, 2)
        #expect(a.airingID(of: a.items[1]) == b.airingID(of: b.items[2]))
        #expect(a.airingID(of: a.items[1])
                == "ba-dinh@2026-06-01T06:00:00.000+07:00/morning/message:msg-a")
    }

    @Test func timestampsAreRFC3339WithMillisecondsAndOffset() {
        let d = f.date("2026-06-01", "23:59", plus: 59.9996)
        #expect(Timestamp.format(d, timeZone: f.tz) == "2026-06-01T23:59:59.999+07:00")
        #expect(Timestamp.format(f.date("2026-06-01", "06:00", plus: 0.012), timeZone: f.tz)
                == "2026-06-01T06:00:00.012+07:00")
        let parsed = Timestamp.parse("2026-06-01T06:00:00.012+07:00")
        #expect(abs(parsed!.timeIntervalSince(f.date("2026-06-01", "06:00", plus: 0.012))) < 0.0005)
    }

    @Test func scheduleJSONLReadsBackPerStation() throws {
        let url = f.dir.appendingPathComponent("schedule.jsonl")
        let text = """
        {"station":"ba-dinh","date":"2026-06-01","slot":"morning","start":"2026-06-01T06:00:00+07:00","length_s":900,"used_s":68,"items":[{"kind":"intro","audio":"intro.wav","offset_s":0,"duration_s":8},{"kind":"message","message":"msg-a","priority":"emergency","offset_s":8,"duration_s":60,"audio":"a.wav"}]}
        {"station":"hoan-kiem","date":"2026-06-01","slot":"morning","start":"2026-06-01T06:00:00+07:00","length_s":900,"used_s":0,"items":[]}

        """
        try Data(text.utf8).write(to: url)
        let slots = try ScheduleFile.read(url, station: "ba-dinh").map(\.occurrence)
        #expect(slots.count == 1)
        #expect(slots[0].start == f.date("2026-06-01", "06:00"))
        #expect(slots[0].utcOffsetSeconds == 25200)
        #expect(slots[0].items.map(\.kind) == [.intro, .message])
        #expect(slots[0].items[1].priority == .emergency)
        #expect(try ScheduleFile.read(url).map(\.occurrence).count == 2)
    }

    @Test(arguments: [
        ("{\"station\":\"x\"}", "schedule.jsonl:1: error: not a schedule line (missing date)"),
        ("not json", "schedule.jsonl:1: error: not a schedule line (not JSON)"),
        ("{\"station\":\"x\",\"date\":\"2026-13-01\",\"slot\":\"m\",\"start\":\"2026-06-01T06:00:00+07:00\",\"length_s\":9,\"items\":[]}",
         "schedule.jsonl:1: error: bad date: 2026-13-01"),
        ("{\"station\":\"x\",\"date\":\"2026-06-01\",\"slot\":\"m\",\"start\":\"6am\",\"length_s\":9,\"items\":[]}",
         "schedule.jsonl:1: error: bad start: 6am"),
        ("\n{\"station\":\"x\",\"date\":\"2026-06-01\",\"slot\":\"m\",\"start\":\"2026-06-01T06:00:00+07:00\",\"length_s\":9,\"items\":[{\"kind\":\"jingle\",\"audio\":\"a\",\"offset_s\":0,\"duration_s\":1}]}",
         "schedule.jsonl:2: error: bad item kind: jingle"),
        // Numbers that used to trap before anything was logged, and an offset no zone has.
        ("{\"station\":\"x\",\"date\":\"2026-06-01\",\"slot\":\"m\",\"start\":\"2026-06-01T06:00:00+07:00\",\"length_s\":9223372036854775807,\"items\":[]}",
         "schedule.jsonl:1: error: length_s must be whole seconds, 1 to 86400"),
        ("{\"station\":\"x\",\"date\":\"2026-06-01\",\"slot\":\"m\",\"start\":\"2026-06-01T06:00:00+07:00\",\"length_s\":1e15,\"items\":[]}",
         "schedule.jsonl:1: error: length_s must be whole seconds, 1 to 86400"),
        ("{\"station\":\"x\",\"date\":\"2026-06-01\",\"slot\":\"m\",\"start\":\"2026-06-01T06:00:00+07:00\",\"length_s\":900,\"items\":[{\"kind\":\"intro\",\"audio\":\"a\",\"offset_s\":0,\"duration_s\":1e308}]}",
         "schedule.jsonl:1: error: offset_s and duration_s must be 0 to 86400 seconds"),
        ("{\"station\":\"x\",\"date\":\"2026-06-01\",\"slot\":\"m\",\"start\":\"2026-06-01T06:00:00+99:99\",\"length_s\":900,\"items\":[]}",
         "schedule.jsonl:1: error: bad start: 2026-06-01T06:00:00+99:99"),
    ])
    func badScheduleLinesAreNamedByFileAndLine(line: String, expected: String) throws {
        let url = f.dir.appendingPathComponent("schedule.jsonl")
        try Data(line.utf8).write(to: url)
        let error = #expect(throws: ScheduleFileError.self) { try ScheduleFile.read(url) }
        #expect(error?.localized.en.hasSuffix(expected) == true, "\(error?.localized.en ?? "")")
    }

    @Test func aMissingScheduleFileIsAClearError() {
        let error = #expect(throws: ScheduleFileError.self) {
            try ScheduleFile.read(f.dir.appendingPathComponent("nope.jsonl"))
        }
        #expect(error?.localized.en.contains("nope.jsonl: error: cannot read the schedule") == true)
    }
}
