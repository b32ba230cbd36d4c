import Foundation
import LoaCore
import LoaPlayout
import Testing

/// What a daemon reads of its log at start: the last event and the events from two days before the earliest slot it
/// still accounts for, never the whole log (memory at start would grow with the log: 391 MB at 507k events).
@Suite struct StartReadTests {
    let f: Fixture
    init() throws { f = try Fixture() }

    /// A memory log that counts how it is read.
    final class CountingRecorder: AiringRecorder, @unchecked Sendable {
        let inner = MemoryRecorder()
        let reads = Locked<(whole: Int, since: [String], last: Int)>((0, [], 0))
        @discardableResult func append(_ event: AiringEvent) throws -> AiringEvent { try inner.append(event) }
        func closeOpenAirings(at: String, detail: String) throws -> [AiringEvent] {
            try inner.closeOpenAirings(at: at, detail: detail)
        }
        func events(station: String) throws -> [AiringEvent] {
            reads.withLock { $0.whole += 1 }
            return try inner.events(station: station)
        }
        func events(station: String, since: String) throws -> [AiringEvent] {
            reads.withLock { $0.since.append(since) }
            let from = Timestamp.parse(since)!
            return try inner.events(station: station).filter { Timestamp.parse($0.at)! >= from }
        }
        func lastEvent(station: String) throws -> AiringEvent? {
            reads.withLock { $0.last += 1 }
            return inner.all.last { $0.station == station }
        }
    }

    @Test func startReadsTheLastEventAndARecentWindowNotTheWholeLog() throws {
        let old = f.standardSlot("2026-05-20", "06:00", name: "morning")
        let aired = f.standardSlot("2026-06-01", "06:00", name: "morning")
        let recorder = CountingRecorder()
        for slot in [old, aired] {
            for item in slot.items {
                let id = slot.airingID(of: item), at = Timestamp.format(slot.start.addingTimeInterval(item.offset), timeZone: f.tz)
                try recorder.append(AiringEvent(at: at, kind: .started, airing: id, station: "ba-dinh", plan: "test-plan"))
                try recorder.append(AiringEvent(at: at, kind: .finished, airing: id, station: "ba-dinh", plan: "test-plan"))
            }
        }
        let evening = f.standardSlot("2026-06-01", "17:00", name: "evening")
        var options = f.options(until: f.date("2026-06-01", "18:00"))
        options.lower = nil   // as `loa run` starts: from the last logged event
        let engine = PlayoutEngine(plan: f.plan, schedule: [aired, evening], options: options,
                                   clock: SimulatedClock(start: f.date("2026-06-01", "12:00")),
                                   sink: FakeSink(durations: Fixture.durations), recorder: recorder)
        try engine.run()
        let reads = recorder.reads.current
        #expect(reads.whole == 0 && reads.last == 1)
        // Two days before the last event (the outro's, at 06:02:38 on 1 June: the earliest instant still accounted for).
        #expect(reads.since == ["2026-05-30T06:02:38.000+07:00"])
        // The morning already logged is not aired again; the evening airs.
        let new = recorder.inner.all.dropFirst(16)
        #expect(new.map(\.short) == ["started intro", "finished intro", "started message:msg-a", "finished message:msg-a",
                                     "started message:msg-b", "finished message:msg-b", "started outro", "finished outro"])
        #expect(new.allSatisfy { $0.slotStart == Timestamp.format(evening.start, timeZone: f.tz) })
    }
}
