import Foundation
import LoaTestSupport
import Synchronization
import Testing
@testable import LoaAudio

/// A new bulletin airs at once from a measurement of its first seconds and glides to its whole-file level.
@Suite struct QuickLevelingTests {
    let a = try! Audio()

    /// 3 s quiet, then 40 s 12 dB louder: the first-seconds estimate is 12 dB off the whole file's figure.
    func unevenBulletin() throws -> URL {
        let quiet = try a.sox("quiet.wav", ["synth", "3", "pinknoise", "vol", "0.05"])
        let loud = try a.sox("loud.wav", ["synth", "40", "pinknoise", "vol", "0.2"])
        let out = a.url("uneven.wav")
        try a.run("/usr/bin/sox", [quiet.path, loud.path, out.path])
        return out
    }

    @Test func aNewFileStartsFromItsFirstSecondsAndEndsAtTheTargetWithoutAStep() throws {
        let bulletin = try unevenBulletin()
        let (name, capture) = a.captureDevice("aired.wav")
        let cache = MediaInfoCache(directory: a.dir.appendingPathComponent("cache"))
        let player = Player(device: name, loudness: LoudnessTarget(targetLUFS: -16), cache: cache)
        let began = Date()
        let leveling = try player.leveling(for: PlayItem(url: bulletin, quickStart: true))
        #expect(Date().timeIntervalSince(began) < 0.1, "the start is not held up by measuring the whole file")
        let steer = try #require(leveling.steer, "new audio: the whole file is measured while it airs")
        let whole = try player.gain(for: PlayItem(url: bulletin))
        #expect(abs(leveling.gainDB - whole) > 8, "the estimate is the quiet start's: \(leveling.gainDB) vs \(whole)")
        // Wait for the background measurement, as a real device's pace would.
        for _ in 0..<200 where steer.current == nil { usleep(10_000) }
        #expect(steer.current.map { abs($0 - whole) < 0.01 } == true)

        player.close()
        _ = capture; _ = name
    }

    /// On a paced device (JACK's dummy backend, recorded by `jack_rec`): a new file, never measured, airs from its
    /// first seconds' estimate and glides to the target once the whole file is measured, with no step.
    @Test func onAPacedDeviceTheNewFileGlidesToTheTarget() throws {
        let quiet = try a.sox("q.wav", ["synth", "3", "pinknoise", "vol", "0.05"])
        let loud = try a.sox("l.wav", ["synth", "9", "pinknoise", "vol", "0.2"])
        let bulletin = a.url("new.wav")
        try a.run("/usr/bin/sox", [quiet.path, loud.path, bulletin.path])
        let jack = try JackServer()
        defer { jack.stop() }
        let recording = a.url("aired-jack.wav")
        let rec = try jack.record(into: recording, seconds: 13)
        let watching = Atomic(true)
        Thread { SilenceBetweenPlaysTests.connectPlayerPorts(while: watching) }.start()
        defer { watching.store(false, ordering: .relaxed) }
        let player = Player(device: "plug:jack", loudness: LoudnessTarget(targetLUFS: -16),
                            cache: MediaInfoCache(directory: a.dir.appendingPathComponent("fresh")))
        let results = player.play([PlayItem(url: bulletin, quickStart: true)])
        player.close()
        rec.waitUntilExit()
        #expect(results.map(\.outcome) == [.finished])
        let file = try SoundFile(readingFrom: recording)
        var all: [Float] = [], buffer: [Float] = []
        while true {
            let n = try file.read(into: &buffer, frameCount: 48_000)
            if n == 0 { break }
            all.append(contentsOf: buffer[0 ..< n * file.channels])
        }
        // Where the bulletin begins on the recording, then its body from 3 s after the loud part starts.
        let firstSound = (all.firstIndex { abs($0) > 0.001 } ?? 0) / 2
        let from = firstSound + 7 * 48_000, to = min(all.count / 2, firstSound + 12 * 48_000)
        try #require(to - from > 3 * 48_000, "recorded \(all.count / 2) frames, sound from \(firstSound)")
        let body = a.url("body-jack.wav")
        let writer = try SoundFileWriter(writingTo: body, encoding: .wav16, sampleRate: 48_000, channels: 2)
        try Array(all[(2 * from) ..< (2 * to)]).withUnsafeBufferPointer { (p) throws(AudioError) in try writer.write(p) }
        writer.close()
        let measured = try LoudnessAnalyzer.measure(body)
        #expect(abs(measured.integratedLUFS + 16) <= 1, "\(measured.integratedLUFS) LUFS")
        // No step: the level (RMS) of consecutive 200 ms windows never jumps by 5 dB (pink noise itself varies by 2–3) inside the loud part.
        let window = 9600
        let end = min(2 * to, 2 * (firstSound + 11 * 48_000))
        let peaks = stride(from: 2 * (firstSound + 4 * 48_000), to: end - 2 * window, by: 2 * window).map {
            (all[$0 ..< $0 + 2 * window].reduce(Float(0)) { $0 + $1 * $1 } / Float(2 * window)).squareRoot()
        }
        // A busy machine makes JACK's dummy backend drop a period now and then (a window well under the rest):
        // those windows are left out, never a window louder than the rest.
        let median = peaks.sorted()[peaks.count / 2]
        let jumps = zip(peaks, peaks.dropFirst()).filter { $0 > median / 2 && $1 > median / 2 }
            .map { abs(20 * log10(Double($1) / Double(max($0, 1e-6)))) }
        #expect((jumps.max() ?? 0) < 5, "largest step between 200 ms windows \(jumps.max() ?? 0) dB; levels \(peaks.map { Int(20 * log10(Double(max($0, 1e-6)))) })")
    }

    @Test func knownAudioIsLeveledAsBeforeWithNoGlide() throws {
        let bulletin = try unevenBulletin()
        let cache = MediaInfoCache(directory: a.dir.appendingPathComponent("cache2"))
        let player = Player(device: "null", cache: cache)
        try player.prepare(bulletin)
        let leveling = try player.leveling(for: PlayItem(url: bulletin, quickStart: true))
        #expect(leveling.steer == nil)
        #expect(leveling.gainDB == (try player.gain(for: PlayItem(url: bulletin))))
    }
}
