import Foundation
import LoaTestSupport
import LoaAudio
import LoaCore
import LoaPlan
import LoaPlayout
import LoaSchedule
import Testing

/// Event times on a real, paced device (ALSA's jack PCM on a JACK dummy server): an airing's end and the next
/// airing's start are the same sample, so they carry the same time and never cross.
@Suite(.serialized) struct SamplePositionTests {
    let f: Fixture
    init() throws { f = try Fixture() }

    func tone(_ name: String, seconds: Double, hz: Int) throws -> URL {
        try SoxTone.write(f.dir.appendingPathComponent(name), seconds: seconds, hz: hz)
    }

    /// A JACK server of this test process's own: other worktrees' tests use the default server on this machine.
    func withJack(_ body: () throws -> Void) throws {
        let jack = try JackServer()
        defer { jack.stop() }
        try body()
    }

    /// A 3-minute MP3 never seen before (as a phone recording is), encoded by libsndfile.
    func newBulletin(_ name: String, hz: Int) throws -> URL {
        let wav = try tone("\(name).wav", seconds: 180, hz: hz)
        let url = f.dir.appendingPathComponent("\(name).mp3")
        let input = try SoundFile(readingFrom: wav)
        let writer = try SoundFileWriter(writingTo: url, encoding: .mp3, sampleRate: 48_000, channels: 2)
        var buffer: [Float] = []
        while true {
            let got = try input.read(into: &buffer, frameCount: 65_536)
            if got == 0 { break }
            try buffer.withUnsafeBufferPointer { (p) throws(AudioError) in
                try writer.write(UnsafeBufferPointer(rebasing: p[0 ..< got * 2]))
            }
        }
        writer.close()
        return url
    }

    /// Request → the bulletin's first sample on air, for new 3-minute MP3s cutting a programme: well before the file
    /// could be measured whole (what a cut-in waited for before issue 13), and the reply says that figure. The
    /// 100 ms target itself is `loa-bench daemon`'s figure: a test on a shared machine does not time it.
    @Test func aNewThreeMinuteMp3CutsInBeforeItCouldBeMeasuredWhole() throws {
        let bulletins = try [newBulletin("b0", hz: 350), newBulletin("b1", hz: 420)]
        // What measuring one such file whole takes on this machine now (LoudnessAnalyzer keeps no cache).
        let measureStart = Date()
        _ = try LoudnessAnalyzer.measure(bulletins[0])
        let wholeMs = Date().timeIntervalSince(measureStart) * 1000
        let programme = try tone("programme.wav", seconds: 30, hz: 250)
        try withJack {
            for bulletin in bulletins {
                let item = ScheduledItem(kind: .message, message: "msg-a", priority: .normal,
                                         media: Media(path: "programme.wav", url: programme, duration: 30),
                                         offset: 0, duration: 30)
                let slot = SlotOccurrence(station: "ba-dinh", date: CivilDate("2026-06-01")!, slot: "now",
                                          start: Date().addingTimeInterval(0.3), utcOffsetSeconds: 7 * 3600,
                                          lengthSeconds: 120, items: [item])
                let recorder = MemoryRecorder()
                let (engine, done) = f.startEngine([slot], sink: Player(device: "plug:jack"), recorder: recorder)
                #expect(f.waitFor(10) { recorder.all.contains { $0.kind == .started } })
                usleep(500_000)
                let asked = Date()
                let reply = Locked<EmergencyReply?>(nil)
                let replied = DispatchSemaphore(value: 0)
                engine.emergency(EmergencyRequest(audio: bulletin)) { answer in reply.withLock { $0 = answer }; replied.signal() }
                #expect(replied.wait(timeout: .now() + 10) == .success)
                engine.stop()
                _ = done.wait(timeout: .now() + 5)
                let r = try #require(reply.current)
                #expect(r.ok)
                let first = try #require(r.firstSampleMilliseconds)
                #expect(first < max(100, wholeMs / 2), "request → first sample \(first) ms; measuring whole: \(wholeMs) ms")
                // The figure is the log's own: the bulletin's `started` time, counted from the request.
                let started = try #require(recorder.all.first { $0.source == .emergency && $0.kind == .started })
                let loggedMs = try #require(Timestamp.parse(started.at)).timeIntervalSince(asked) * 1000
                #expect(abs(loggedMs - first) < 25, "logged \(loggedMs) ms, replied \(first) ms")
            }
        }
    }

    @Test func anAiringEndsAtTheInstantTheNextOneStarts() throws {
        let jack = try JackServer()
        defer { jack.stop() }

        var offset = 0.0
        let items = try [(ScheduledItem.Kind.intro, nil as String?, 0.35), (.message, "msg-a", 0.5),
                         (.message, "msg-b", 0.45), (.outro, nil, 0.3)].enumerated().map { i, spec in
            let url = try tone("t\(i).wav", seconds: spec.2, hz: 300 + 100 * i)
            defer { offset += spec.2 }
            return ScheduledItem(kind: spec.0, message: spec.1, priority: spec.1 == nil ? nil : .normal,
                                 media: Media(path: "t\(i).wav", url: url, duration: spec.2), offset: offset,
                                 duration: spec.2)
        }
        let start = Date().addingTimeInterval(0.5)
        let slot = SlotOccurrence(station: "ba-dinh", date: CivilDate("2026-06-01")!, slot: "now", start: start,
                                  utcOffsetSeconds: 7 * 3600, lengthSeconds: 60, items: items)
        let recorder = MemoryRecorder()
        let player = Player(device: "plug:jack", cache: nil)
        let (engine, done) = f.startEngine([slot], sink: player, recorder: recorder)
        #expect(f.waitFor(15) { recorder.all.filter { $0.kind == .finished }.count == 4 })
        engine.stop()
        #expect(done.wait(timeout: .now() + 5) == .success)
        let rows = recorder.all
        try #require(rows.filter { $0.kind == .finished }.count == 4, "\(rows.map(\.short))")
        for i in 0..<3 {
            let finished = try #require(rows.first { $0.kind == .finished && $0.airing == slot.airingID(of: items[i]) })
            let next = try #require(rows.first { $0.kind == .started && $0.airing == slot.airingID(of: items[i + 1]) })
            #expect(finished.at == next.at, "item \(i) finished \(finished.at), item \(i + 1) started \(next.at)")
        }
        // And each end is its start plus what was played.
        for item in items {
            let id = slot.airingID(of: item)
            let s = try #require(rows.first { $0.kind == .started && $0.airing == id }.flatMap { Timestamp.parse($0.at) })
            let e = try #require(rows.first { $0.kind == .finished && $0.airing == id })
            let end = try #require(Timestamp.parse(e.at))
            #expect(abs(end.timeIntervalSince(s) - (e.playedSeconds ?? 0)) < 0.03, "\(id)")
        }
    }
}
