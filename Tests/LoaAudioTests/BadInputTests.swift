import Foundation
import Testing
@testable import LoaAudio

@Suite struct BadInputTests {
    /// Each kind of bad file, made for real; the kind of error it must give.
    static func badFiles(_ a: Audio) throws -> [(URL, AudioError.Kind)] {
        let empty = a.url("empty.wav")
        try Data().write(to: empty)
        let text = a.url("notes.mp3")
        try "Thông báo lịch tiêm chủng".write(to: text, atomically: false, encoding: .utf8)
        let corrupt = a.url("corrupt.flac")
        var bytes = Array("fLaC".utf8)
        var rng = SystemRandomNumberGenerator()
        bytes += (0 ..< 20_000).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
        try Data(bytes).write(to: corrupt)
        let full = try a.sox("full.wav", ["synth", "2", "sine", "440", "vol", "0.3"])
        let data = try Data(contentsOf: full)
        let truncatedWav = a.url("truncated.wav")
        try data.prefix(data.count / 2).write(to: truncatedWav)
        let fullFlac = try a.sox("full.flac", ["synth", "3", "whitenoise", "vol", "0.3"])
        let flacData = try Data(contentsOf: fullFlac)
        let truncatedFlac = a.url("truncated.flac")
        try flacData.prefix(flacData.count / 2).write(to: truncatedFlac)
        let lowRate = try a.sox("4k.wav", rate: 4_000, channels: 1, ["synth", "1", "sine", "440"])
        let quad = try a.sox("quad.wav", channels: 4, ["synth", "1", "sine", "440"])
        return [
            (empty, .emptyAudio), (text, .notAudio), (corrupt, .corruptAudio), (truncatedWav, .corruptAudio),
            (truncatedFlac, .corruptAudio), (lowRate, .unsupportedFormat), (quad, .unsupportedFormat),
            (a.url("missing.wav"), .fileMissing),
        ]
    }

    @Test func eachBadFileFailsAloneAndTheRestPlaysExactly() throws {
        let a = try Audio()
        let good = try a.sox("good.wav", ["synth", "0.5", "sine", "660", "vol", "0.3"])
        let bad = try Self.badFiles(a)
        var items: [PlayItem] = []
        for (url, _) in bad { items += [PlayItem(url: good, gainDB: 0), PlayItem(url: url, gainDB: 0)] }
        items.append(PlayItem(url: good, gainDB: 0))
        let (device, capture) = a.captureDevice("cap.wav")
        let player = Player(device: device, cache: nil)
        let results = player.play(items)
        player.close()

        var goodCount = 0
        for (i, r) in results.enumerated() {
            if i % 2 == 0 || i == results.count - 1 {
                #expect(r.outcome == .finished)
                goodCount += 1
                continue
            }
            let (url, kind) = bad[i / 2]
            guard case .failed(let error) = r.outcome else {
                Issue.record("\(url.lastPathComponent): \(r.outcome)"); continue
            }
            #expect(error.kind == kind, "\(url.lastPathComponent): \(error)")
            #expect(error.subject == url.path)
            #expect(error.localized.vi.hasPrefix(url.path) && error.localized.en.hasPrefix(url.path))
        }
        // The good file's audio, once per good item, and nothing else: what a failing file aired before its fault
        // was found is only the truncated FLAC's first half.
        let one = try samples(of: good).frames
        let got = try samples(of: capture).frames
        let truncatedIndex = bad.firstIndex { $0.0.lastPathComponent == "truncated.flac" }! * 2 + 1
        let partial = Int((results[truncatedIndex].playedSeconds * 48_000).rounded()) * 2
        #expect(got.count == one.count * goodCount + partial)
        #expect(Array(got.prefix(one.count)) == one)
        #expect(Array(got.suffix(one.count)) == one)
    }

    @Test func analyzeGivesTheSameTypedErrors() throws {
        let a = try Audio()
        for (url, kind) in try Self.badFiles(a) {
            let error = try #require(throws: AudioError.self) { try LoudnessAnalyzer.measure(url) }
            #expect(error.kind == kind, "\(url.lastPathComponent): \(error)")
        }
    }

    @Test func unknownDeviceFailsEveryItemNamingTheDevice() throws {
        let a = try Audio()
        let good = try a.sox("good.wav", ["synth", "0.2", "sine", "660"])
        let player = Player(device: "loa_no_such_device", cache: nil)
        let results = player.play([PlayItem(url: good, gainDB: 0), PlayItem(url: good, gainDB: 0)])
        for r in results {
            guard case .failed(let e) = r.outcome else { Issue.record("\(r)"); continue }
            #expect(e.kind == .deviceUnavailable && e.subject == "loa_no_such_device" && e.library == .alsa)
            #expect(e.code < 0 && !e.libraryMessage.isEmpty)
        }
    }

    @Test func missingSoundCardIsReported() throws {
        let a = try Audio()
        let good = try a.sox("good.wav", ["synth", "0.2", "sine", "660"])
        let player = Player(device: "hw:97,0", cache: nil)
        let r = player.play([PlayItem(url: good, gainDB: 0)])
        guard case .failed(let e) = r[0].outcome else { Issue.record("\(r)"); return }
        #expect(e.kind == .deviceUnavailable && e.subject == "hw:97,0")
        #expect(e.localized.en.hasPrefix("hw:97,0: cannot open audio device"))
    }
}

@Suite struct DeviceFormatTests {
    @Test func unsupportedDeviceFormatIsRefusedNamingTheDevice() throws {
        let a = try Audio()
        let good = try a.sox("good.wav", ["synth", "0.2", "sine", "660"])
        for format in [DeviceFormat(channels: 6), DeviceFormat(sampleRate: 4_000)] {
            let r = Player(device: "null", format: format, cache: nil).play([PlayItem(url: good, gainDB: 0)])
            guard case .failed(let e) = r[0].outcome else { Issue.record("\(r)"); continue }
            #expect(e.kind == .unsupportedFormat && e.subject == "null")
        }
    }
}
