import Foundation
import Testing
@testable import LoaAudio

@Suite struct ProbeTests {
    @Test func readsRateChannelsAndExactLength() throws {
        let fx = try Audio()
        let wav = try AudioProbe.info(of: try fx.sox("a.wav", rate: 22_050, channels: 1, ["synth", "1.5", "sine", "440"]))
        #expect(wav == AudioInfo(frames: 33_075, sampleRate: 22_050, channels: 1, format: "wav"))
        let flac = try AudioProbe.info(of: try fx.sox("b.flac", rate: 48_000, channels: 2, ["synth", "2", "sine", "440"]))
        #expect(flac.frames == 96_000 && flac.channels == 2 && flac.format == "flac")
        let ogg = try AudioProbe.info(of: try fx.sox("c.ogg", rate: 44_100, channels: 1, ["synth", "1", "sine", "440"]))
        #expect(ogg.format == "ogg" && abs(ogg.duration - 1) < 0.01)
    }

    @Test func badFilesGiveTypedErrorsNamingTheFile() throws {
        let fx = try Audio()
        let missing = fx.dir.appendingPathComponent("nope.wav")
        #expect(throws: AudioError(.fileMissing, subject: missing.path)) { try AudioProbe.info(of: missing) }

        let empty = fx.dir.appendingPathComponent("empty.wav")
        #expect(FileManager.default.createFile(atPath: empty.path, contents: Data()))
        let emptyError = try #require(throws: AudioError.self) { try AudioProbe.info(of: empty) }
        #expect(emptyError.kind == .emptyAudio && emptyError.subject == empty.path)

        let text = fx.dir.appendingPathComponent("notes.wav")
        try "Kính thưa bà con".write(to: text, atomically: false, encoding: .utf8)
        let textError = try #require(throws: AudioError.self) { try AudioProbe.info(of: text) }
        #expect(textError.kind == .notAudio && textError.library == .sndfile && textError.code != 0)
        #expect(textError.localized.en.hasPrefix(text.path + ": not an audio file"))
    }

    @Test func cacheHitsByStatAndByContentAndSurvivesReload() throws {
        let fx = try Audio()
        let cacheDir = fx.dir.appendingPathComponent("cache")
        let a = try fx.sox("a.wav", rate: 16_000, channels: 1, ["synth", "1", "sine", "440"])
        let cache = MediaInfoCache(directory: cacheDir)
        let first = try cache.facts(of: a)
        #expect(first.info.frames == 16_000)
        #expect(first.sha256 == (try ContentHash.sha256(of: a)))
        #expect(cache.save())

        // A copy under another name is the same content: same facts.
        let copy = fx.dir.appendingPathComponent("copy.wav")
        try FileManager.default.copyItem(at: a, to: copy)
        let reloaded = MediaInfoCache(directory: cacheDir)
        #expect(try reloaded.facts(of: copy) == first)

        // Changed content is measured afresh, never served stale.
        try fx.sox("a.wav", rate: 16_000, channels: 1, ["synth", "2", "sine", "440"])
        #expect(try reloaded.facts(of: a).info.frames == 32_000)
    }

    /// A first analysis probes and measures in one decode; what it records must equal the separate probe and
    /// measurement it replaces, for a header-trusted format and for MP3 (length counted while measuring).
    @Test func firstAnalysisEqualsProbePlusMeasurement() throws {
        let fx = try Audio()
        let wav = try fx.sox("a.wav", rate: 44_100, channels: 2, ["synth", "2.5", "pinknoise", "vol", "0.3"])
        let mp3 = fx.url("a.mp3")
        let input = try SoundFile(readingFrom: wav)
        let writer = try SoundFileWriter(writingTo: mp3, encoding: .mp3, sampleRate: 44_100, channels: 2)
        var buffer: [Float] = []
        while true {
            let got = try input.read(into: &buffer, frameCount: 8_192)
            if got == 0 { break }
            try buffer.withUnsafeBufferPointer { (p) throws(AudioError) in
                try writer.write(UnsafeBufferPointer(rebasing: p[0 ..< got * 2]))
            }
        }
        writer.close()
        for url in [wav, mp3] {
            let analysis = try MediaInfoCache(directory: fx.url("cache-\(url.lastPathComponent)")).analysis(of: url)
            #expect(analysis.info == (try AudioProbe.info(of: url)), "\(url.lastPathComponent)")
            #expect(analysis.loudness == (try LoudnessAnalyzer.measure(url)), "\(url.lastPathComponent)")
            #expect(analysis.sha256 == (try ContentHash.sha256(of: url)))
        }
    }
}
