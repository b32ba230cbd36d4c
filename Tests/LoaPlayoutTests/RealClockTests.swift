import LoaCore
import Foundation
import LoaLog
import LoaPlan
import LoaPlayout
import LoaSchedule
import Testing

/// The engine on the system clock with a sink paced in real time (1 s of audio = `pace` s): cuts, stops and the
/// control socket, measured.
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

    @Test func emergencyOverTheSocketCutsWithin100msAndTheSlotResumes() throws {
        // 1 s of audio plays in 40 ms: msg-a stays on air 2.4 s, time enough for the request on a busy CI machine.
        let sink = FakeSink(durations: Fixture.durations, pace: 0.04)
        let recorder = MemoryRecorder()
        let slot = slotSoon(in: 0.2)
        let (engine, done) = f.startEngine([slot], sink: sink, recorder: recorder)
        let socket = f.dir.appendingPathComponent("ctl.sock").path
        let server = try ControlServer(path: socket) { request, reply in engine.emergency(request, reply: reply) }
        defer { server.close() }
        #expect(f.waitFor { recorder.all.contains { $0.kind == .started && $0.airing.hasSuffix("msg-a") } })
        usleep(50_000)
        let sent = Date()
        let reply = try ControlSocket.sendEmergency(
            EmergencyRequest(audio: f.dir.appendingPathComponent("storm.wav"), title: "Bão số 3"),
            station: "ba-dinh", explicit: socket)
        #expect(reply.ok)
        #expect(Date().timeIntervalSince(sent) < 1)
        let cut = try #require(reply.cutMilliseconds)
        #expect(cut <= 100)
        #expect(f.waitFor(20) { recorder.all.filter { $0.kind == .finished }.count == 4 })
        engine.stop()
        #expect(done.wait(timeout: .now() + 5) == .success)
        let kinds = recorder.all.map { $0.source == .emergency ? "\($0.kind.rawValue) emergency" : $0.short }
        #expect(kinds == ["started intro", "finished intro", "started message:msg-a", "preempted message:msg-a",
                          "started emergency", "finished emergency", "started message:msg-b",
                          "finished message:msg-b", "started outro", "finished outro"])
        #expect(recorder.all[4].detail == "Bão số 3")
        // The preempted item's detail carries the measured cut.
        #expect(recorder.all[3].detail?.contains("cut in") == true)
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

    @Test func aSecondDaemonOnTheSameSocketIsRefusedAndANoDaemonErrorIsClear() throws {
        let socket = f.dir.appendingPathComponent("one.sock").path
        let server = try ControlServer(path: socket) { _, reply in reply(EmergencyReply(ok: true)) }
        #expect(throws: ControlError.self) { try ControlServer(path: socket) { _, _ in } }
        server.close()
        let error = #expect(throws: ControlError.self) {
            try ControlSocket.sendEmergency(EmergencyRequest(audio: URL(fileURLWithPath: "/x.wav")),
                                            station: "nowhere", explicit: socket)
        }
        #expect(error?.localized.en.contains("no daemon is running for station nowhere") == true)
    }
}
