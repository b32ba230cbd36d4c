import Foundation
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
        let url = f.dir.appendingPathComponent(name)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        p.arguments = ["-n", "-r", "48000", "-c", "2", "-b", "16", url.path, "synth", "\(seconds)", "sine", "\(hz)",
                       "vol", "0.3"]
        try p.run(); p.waitUntilExit()
        return url
    }

    @Test func anAiringEndsAtTheInstantTheNextOneStarts() throws {
        let jackd = Process()
        jackd.executableURL = URL(fileURLWithPath: "/usr/bin/jackd")
        jackd.arguments = ["--no-realtime", "-d", "dummy", "-r", "48000", "-p", "1024"]
        jackd.standardOutput = FileHandle.nullDevice; jackd.standardError = FileHandle.nullDevice
        try jackd.run()
        defer { if jackd.isRunning { jackd.terminate(); jackd.waitUntilExit() } }
        let wait = Process()
        wait.executableURL = URL(fileURLWithPath: "/usr/bin/jack_wait")
        wait.arguments = ["-w", "-t", "10"]
        wait.standardOutput = FileHandle.nullDevice
        try wait.run(); wait.waitUntilExit()
        try #require(wait.terminationStatus == 0, "no JACK server")

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
