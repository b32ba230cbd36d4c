import Foundation
import LoaCore
import LoaPlayout
import Testing

/// Issue 14, hardening: what a stop, a stepped clock and a queue of emergencies leave in the log.
@Suite(.serialized) struct StopAndQueueTests {
    let f: Fixture
    init() throws { f = try Fixture() }

    /// The wall clock leaps an hour while the 06:00 slot airs; the 06:05 slot it jumped over is missed for the
    /// step, not for "no time left in the slot".
    @Test func slotsAForwardStepJumpedOverAreMissedForTheStep() throws {
        let first = f.standardSlot("2026-06-01", "06:00", name: "morning")
        let jumped = f.slot("2026-06-01", "06:05", name: "later", length: 300,
                            [(.message, "msg-a", "a.wav", .normal), (.message, "msg-b", "b.wav", .normal)])
        let clock = SimulatedClock(start: f.date("2026-06-01", "05:59"),
                                   steps: [(at: f.date("2026-06-01", "06:01"), by: 3600)])
        let recorder = MemoryRecorder()
        let engine = PlayoutEngine(plan: f.plan, schedule: [first, jumped],
                                   options: f.options(from: f.date("2026-06-01", "05:00"),
                                                      until: f.date("2026-06-01", "09:00")),
                                   clock: clock, sink: FakeSink(durations: Fixture.durations), recorder: recorder)
        try engine.run()
        let missed = recorder.all.filter { $0.kind == .missed }
        #expect(missed.map(\.short) == ["missed message:msg-a", "missed message:msg-b"])
        #expect(missed.allSatisfy { $0.detail == "the system clock was stepped forward by 3600 s" },
                "\(missed.map { $0.detail ?? "" })")
    }

    /// SIGTERM while the slot's first item is handed to the device but not yet heard: it stays off the air and
    /// nothing is logged `started` after the stop.
    @Test func aStopDuringTheHandOverLogsNoStartedAfterIt() throws {
        let sink = FakeSink(durations: Fixture.durations, pace: 0.01)
        let recorder = MemoryRecorder()
        var slot = f.standardSlot("2026-06-01", "06:00", name: "now")
        slot.start = Date().addingTimeInterval(1.0)
        let (engine, done) = f.startEngine([slot], sink: sink, recorder: recorder, lead: 0.8)
        #expect(f.waitFor { !sink.plays.isEmpty })   // handed over, waiting for its instant
        let stopAt = Date()
        engine.stop()
        #expect(done.wait(timeout: .now() + 1) == .success)
        let late = recorder.all.filter { Timestamp.parse($0.at).map { $0 >= stopAt } ?? true }
        #expect(!recorder.all.contains { $0.kind == .started }, "\(recorder.all.map(\.short))")
        #expect(late.isEmpty, "\(late.map(\.short))")
    }

    /// Three bulletins: the first airs at once, the others are told at once how many are ahead; SIGTERM stops within
    /// a second, the one on air `interrupted`, each queued one `missed` ("station stopping"), `at` in order.
    @Test func queuedEmergenciesAreAnsweredAtOnceAndMissedAtStop() throws {
        let sink = FakeSink(durations: Fixture.durations, pace: 1)   // storm.wav stays on air 30 s
        let recorder = MemoryRecorder()
        let (engine, done) = f.startEngine([], sink: sink, recorder: recorder)
        let storm = f.dir.appendingPathComponent("storm.wav")
        let replies = Locked<[String: EmergencyReply]>([:])
        func send(_ title: String) -> EmergencyTicket {
            engine.emergency(EmergencyRequest(audio: storm, title: title)) { r in replies.withLock { $0[title] = r } }
        }
        let first = send("one")
        #expect(first.ahead == 0)
        #expect(f.waitFor { replies.current["one"]?.ok == true })
        let asked = Date()
        let second = send("two"), third = send("three")
        #expect(Date().timeIntervalSince(asked) < 0.1)
        #expect(second.ahead == 1 && third.ahead == 2)
        #expect(engine.queuedEmergencies == 2)
        let stopAt = Date()
        engine.stop()
        #expect(done.wait(timeout: .now() + 1) == .success)
        #expect(Date().timeIntervalSince(stopAt) < 1)
        let rows = recorder.all
        #expect(rows.map(\.kind) == [.started, .interrupted, .missed, .missed])
        #expect(rows.map(\.airing) == [first.airing, first.airing, second.airing, third.airing])
        #expect(rows[2].detail == "station stopping" && rows[3].detail == "station stopping")
        #expect(rows[2].audioSHA256 == nil && rows[2].source == .emergency)
        #expect(replies.current["two"]?.ok == false && replies.current["three"]?.error == "station stopping")
        let times = rows.compactMap { Timestamp.parse($0.at) }
        #expect(times.count == rows.count && zip(times, times.dropFirst()).allSatisfy { $0 <= $1 })
    }
}
