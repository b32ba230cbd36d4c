import LoaCore
import Foundation
import LoaLog
import LoaPlan
import LoaPlayout
import LoaSchedule
import Testing

/// The engine on the system clock with a sink paced in real time (1 s of audio = `pace` s): cuts and stops, measured
/// (the control socket's tests are in LoaStationWebTests).
@Suite(.serialized) struct RealClockTests {
    let f: Fixture
    init() throws { f = try Fixture() }

    /// A slot starting `lead` seconds from now, with items scaled so the test stays short.
    func slotSoon(in lead: Double) -> SlotOccurrence {
        var slot = f.standardSlot("2026-06-01", "06:00", name: "now")
        slot.start = Date().addingTimeInterval(lead)
        slot.utcOffsetSeconds = 7 * 3600
        return slot
    }

    @Test func emergencyWithNothingOnAirAirsAtOnceOutsideAnySlot() throws {
        let sink = FakeSink(durations: Fixture.durations, pace: 0.01)
        let recorder = MemoryRecorder()
        let (engine, done) = f.startEngine([], sink: sink, recorder: recorder)
        let replied = DispatchSemaphore(value: 0)
        let asked = Date()
        engine.emergency(EmergencyRequest(audio: f.dir.appendingPathComponent("storm.wav"))) { r in
            #expect(r.ok && r.cutMilliseconds == nil)
            replied.signal()
        }
        #expect(replied.wait(timeout: .now() + 2) == .success)
        #expect(Date().timeIntervalSince(asked) < 0.2)
        #expect(f.waitFor { recorder.all.count == 2 })
        engine.stop()
        #expect(done.wait(timeout: .now() + 5) == .success)
        #expect(recorder.all.map(\.kind) == [.started, .finished])
        #expect(recorder.all.allSatisfy { $0.source == .emergency && $0.slotStart == nil })
    }

    @Test func stopInterruptsTheItemOnAirAsStoppedByOperator() throws {
        let sink = FakeSink(durations: Fixture.durations, pace: 0.04)
        let recorder = MemoryRecorder()
        let (engine, done) = f.startEngine([slotSoon(in: 0.1)], sink: sink, recorder: recorder)
        #expect(f.waitFor { recorder.all.contains { $0.kind == .started && $0.airing.hasSuffix("msg-a") } })
        engine.stop()
        #expect(done.wait(timeout: .now() + 2) == .success)
        #expect(recorder.all.map(\.short) == ["started intro", "finished intro", "started message:msg-a",
                                              "interrupted message:msg-a"])
        #expect(recorder.all.last?.detail == "stopped by operator")
    }

    @Test func theFirstSampleIsAskedForAtTheSlotsInstant() throws {
        let sink = FakeSink(durations: Fixture.durations, pace: 0.001)
        let recorder = MemoryRecorder()
        // Handed over 0.5 s ahead (2 s in production): a cold process's first file checks took > 50 ms now and then.
        let slot = slotSoon(in: 1.2)
        let (engine, done) = f.startEngine([slot], sink: sink, recorder: recorder, lead: 0.5)
        #expect(f.waitFor { recorder.all.filter { $0.kind == .finished }.count == 4 })
        engine.stop()
        _ = done.wait(timeout: .now() + 2)
        let deadline = try #require(sink.plays.first?.startingAt)
        let expected = Double(monotonicNanoseconds()) / 1e9 + slot.start.timeIntervalSinceNow
        #expect(abs(Double(deadline) / 1e9 - expected) < 0.005)
    }
}
