import LoaCore
import Foundation
import LoaL10n
import LoaLog
import LoaPlan
import LoaPlayout
import LoaSchedule
import Testing

/// A log that refuses appends for a while (full disk, failing card): airing goes on and no event is dropped.
@Suite struct LogOutageTests {
    let f: Fixture
    init() throws { f = try Fixture() }

    /// Refuses the appends whose attempt number (1, 2, …) `refuses` says.
    final class RefusingRecorder: AiringRecorder, @unchecked Sendable {
        let inner = MemoryRecorder()
        let refuses: @Sendable (Int) -> Bool
        let attempts = Locked(0)
        init(refuses: @escaping @Sendable (Int) -> Bool) { self.refuses = refuses }
        func append(_ event: AiringEvent) throws -> AiringEvent {
            let n = attempts.withLock { $0 += 1; return $0 }
            if refuses(n) { throw LogError(path: "/var/lib/loa/x.sqlite", Localized(vi: "đĩa đã đầy", en: "the disk is full")) }
            return try inner.append(event)
        }
        func closeOpenAirings(at: String, detail: String) throws -> [AiringEvent] {
            try inner.closeOpenAirings(at: at, detail: detail)
        }
        func events(station: String) throws -> [AiringEvent] { try inner.events(station: station) }
    }

    var schedule: [SlotOccurrence] {
        ["2026-06-01", "2026-06-02"].flatMap { [f.standardSlot($0, "06:00", name: "morning"),
                                                f.standardSlot($0, "17:00", name: "evening")] }
    }

    func run(_ recorder: any AiringRecorder, sink: FakeSink) throws -> EngineStats {
        let from = f.date("2026-06-01", "00:00")
        let engine = PlayoutEngine(plan: f.plan, schedule: schedule,
                                   options: f.options(from: from, until: f.date("2026-06-03", "00:00")),
                                   clock: SimulatedClock(start: from), sink: sink, recorder: recorder)
        try engine.run()
        return engine.stats
    }

    func key(_ e: AiringEvent) -> String { "\(e.at) \(e.kind.rawValue) \(e.airing) \(e.playedSeconds ?? -1)" }

    @Test func eventsTheLogRefusedAreWrittenInOrderOnceItTakesWritesAgain() throws {
        let reference = MemoryRecorder()
        _ = try run(reference, sink: FakeSink(durations: Fixture.durations))
        let recorder = RefusingRecorder { (5...20).contains($0) }
        let sink = FakeSink(durations: Fixture.durations)
        let stats = try run(recorder, sink: sink)
        #expect(reference.all.count == 32)
        #expect(recorder.inner.all.map(key) == reference.all.map(key))
        #expect(recorder.inner.all.map(\.seq) == Array(1...32))
        #expect(stats.unwrittenEvents.isEmpty)
        #expect(!stats.logErrors.isEmpty)
        #expect(stats.everythingLogged, "`loa run` exits 0: nothing aired is missing from the log")
        #expect(sink.plays.count == 4)
    }

    @Test func eventsStillRefusedAtStopAreHandedBackInOrderAndNothingAirsTwice() throws {
        let reference = MemoryRecorder()
        _ = try run(reference, sink: FakeSink(durations: Fixture.durations))
        let recorder = RefusingRecorder { $0 >= 10 }
        let sink = FakeSink(durations: Fixture.durations)
        let stats = try run(recorder, sink: sink)
        #expect(recorder.inner.all.map(key) == reference.all.prefix(9).map(key))
        #expect(stats.unwrittenEvents.map(key) == reference.all.dropFirst(9).map(key))
        #expect(sink.plays.count == 4)
        #expect(stats.logErrors.count == 32 - 9 + 1)
        #expect(!stats.everythingLogged, "`loa run` exits 1: evidence is missing")
    }
}
