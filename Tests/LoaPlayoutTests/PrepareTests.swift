import LoaCore
import Foundation
import LoaAudio
import LoaLog
import LoaPlan
import LoaPlayout
import LoaSchedule
import Testing

/// Files are measured before their cue (loudness of audio never aired), so a first airing starts on its instant
/// and an emergency's cut is followed by the bulletin, not by dead air.
@Suite(.serialized) struct PrepareTests {
    let f: Fixture
    init() throws { f = try Fixture() }

    func at(_ slot: SlotOccurrence, in seconds: Double) -> SlotOccurrence {
        var s = slot
        s.start = Date().addingTimeInterval(seconds)
        return s
    }

    func url(_ name: String) -> URL { f.dir.appendingPathComponent(name).standardizedFileURL }

    @Test func theFilesOfTodayAndTomorrowAreMeasuredSoonestFirstBeforeTheFirstCue() throws {
        let sink = FakeSink(durations: Fixture.durations)
        let recorder = MemoryRecorder()
        let soon = at(f.standardSlot("2026-06-01", "06:00", name: "soon"), in: 1)
        let tomorrow = at(f.slot("2026-06-02", "06:00", name: "tomorrow", [(.message, "storm", "storm.wav", .normal)]),
                          in: 86_400)
        let later = at(f.slot("2026-06-04", "06:00", name: "later", [(.message, "long", "long.wav", .normal)]),
                       in: 3 * 86_400)
        let over = at(f.slot("2026-05-31", "06:00", name: "over", length: 60,
                             [(.message, "long", "long.wav", .normal)]), in: -3_600)
        let (engine, done) = f.startEngine([tomorrow, later, soon, over], sink: sink, recorder: recorder)
        #expect(f.waitFor { !sink.plays.isEmpty })
        engine.stop()
        #expect(done.wait(timeout: .now() + 5) == .success)
        let state = sink.state.current
        let firstCue = try #require(state.plays.first?.calledAt)
        let before = state.prepared.filter { $0.doneAt < firstCue }.map(\.url)
        // Each file once, in airing order; nothing beyond tomorrow, nothing of a slot already over.
        #expect(before == ["intro.wav", "a.wav", "b.wav", "outro.wav", "storm.wav"].map(url))
    }

    @Test func aReloadedPlanHasItsNewFilesMeasured() throws {
        let sink = FakeSink(durations: Fixture.durations)
        let recorder = MemoryRecorder()
        let first = at(f.slot("2026-06-01", "06:00", name: "first", [(.message, "a", "a.wav", .normal)]), in: 600)
        let (engine, done) = f.startEngine([first], sink: sink, recorder: recorder)
        #expect(f.waitFor { sink.state.current.prepared.map(\.url) == [url("a.wav")] })
        let added = at(f.slot("2026-06-01", "07:00", name: "added", [(.message, "storm", "storm.wav", .normal)]),
                       in: 300)
        engine.reload(plan: f.plan, schedule: [first, added])
        #expect(f.waitFor { sink.state.current.prepared.map(\.url).contains(url("storm.wav")) })
        engine.stop()
        #expect(done.wait(timeout: .now() + 5) == .success)
        #expect(sink.plays.isEmpty)
    }

    @Test func anEmergencyCutsInAtOnceAndIsLeveledWhileItAirs() throws {
        // 1 s of audio plays in 40 ms (msg-a stays on air 2.4 s); measuring a whole file would take 300 ms.
        let sink = FakeSink(durations: Fixture.durations, pace: 0.04)
        let recorder = MemoryRecorder()
        let (engine, done) = f.startEngine([at(f.standardSlot("2026-06-01", "06:00", name: "now"), in: 0.2)], sink: sink,
                                   recorder: recorder)
        #expect(f.waitFor { recorder.all.contains { $0.kind == .started && $0.airing.hasSuffix("msg-a") } })
        sink.state.withLock { $0.prepareSeconds = 0.3 }
        let replied = DispatchSemaphore(value: 0)
        let cut = Locked<Double?>(nil)
        let asked = monotonicNanoseconds()
        engine.emergency(EmergencyRequest(audio: url("storm.wav"))) { reply in
            cut.withLock { $0 = reply.cutMilliseconds }
            replied.signal()
        }
        #expect(replied.wait(timeout: .now() + 5) == .success)
        #expect(f.waitFor(20) { recorder.all.filter { $0.kind == .finished }.count == 4 })
        engine.stop()
        #expect(done.wait(timeout: .now() + 5) == .success)
        let state = sink.state.current
        // Not measured before the cut: the whole-file measurement would be silence on air (or a late bulletin).
        #expect(!state.prepared.contains { $0.url == url("storm.wav") })
        let cutAt = try #require(state.stopCalls.first)
        #expect(Double(cutAt - asked) / 1e9 < 0.2)
        #expect(cut.current != nil)  // a cut was made (its latency is RealClockTests' to check)
        // The bulletin is handed over to be leveled from its first seconds while it airs.
        let bulletin = try #require(state.plays.first { $0.items.first?.url == url("storm.wav") })
        #expect(bulletin.items.first?.quickStart == true)
        let kinds = recorder.all.map { $0.source == .emergency ? "\($0.kind.rawValue) emergency" : $0.short }
        #expect(kinds.prefix(6) == ["started intro", "finished intro", "started message:msg-a",
                                    "preempted message:msg-a", "started emergency", "finished emergency"])
    }

    /// The real audio engine and cache: a 3-minute FLAC never measured before is measured while the daemon waits
    /// (however long that takes on a busy machine), and then airs on its instant although its slot is handed over
    /// only 0.6 s ahead, less than measuring it takes (≈ 1.4 s in a debug build).
    @Test func aNewFileIsMeasuredWhileTheDaemonWaitsAndAirsOnItsInstant() throws {
        let flac = f.dir.appendingPathComponent("new-long.flac")
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        sox.arguments = ["-n", "-r", "48000", "-c", "2", "-b", "16", flac.path, "synth", "180", "sine", "200-4000",
                         "vol", "0.3"]
        try sox.run(); sox.waitUntilExit()
        #expect(sox.terminationStatus == 0)
        let cache = MediaInfoCache(directory: f.dir.appendingPathComponent("cache"))
        let sink = Player(device: "null", cache: cache)
        let recorder = MemoryRecorder()
        var slot = at(f.slot("2026-06-01", "06:00", name: "new", [(.message, "new", "a.wav", .normal)]), in: 3_600)
        slot.items[0].media = Media(path: flac.lastPathComponent, url: flac, duration: 180)
        slot.items[0].duration = 180
        let (engine, done) = f.startEngine([slot], sink: sink, recorder: recorder, lead: 0.6)
        // A probe (header only) while waiting; only the daemon's measuring fills in the loudness.
        #expect(f.waitFor(60) { (try? cache.facts(of: flac).loudness) != nil })
        slot.start = Date().addingTimeInterval(1)
        engine.reload(plan: f.plan, schedule: [slot])
        #expect(f.waitFor(15) { recorder.all.contains { $0.kind == .finished } })
        engine.stop()
        #expect(done.wait(timeout: .now() + 10) == .success)
        let started = try #require(recorder.all.first { $0.kind == .started })
        let late = try #require(Timestamp.parse(started.at)).timeIntervalSince(slot.start)
        #expect(abs(late) < 0.1, "first sample \(late) s after the slot's start")
        #expect(recorder.all.map(\.kind) == [.started, .finished])
    }
}
