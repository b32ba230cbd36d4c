import Foundation
import Testing
@testable import LoaAudio

/// Device loss cannot be provoked on ALSA's file or null plugins, so these tests inject it: a real WAV file sink
/// whose writes fail with ENODEV (what a USB sound card pulled out gives) after a number of frames.
final class VanishingSink: AudioSink {
    let inner: WavFileSink
    var failAfter: Int?
    var taken = 0
    init(_ inner: WavFileSink, failAfter: Int?) { self.inner = inner; self.failAfter = failAfter }
    var subject: String { "usb-card" }
    var bufferFrames: Int { 0 }
    var needsRestart: Bool { false }
    func prepare() {}
    func checkProgress() {}
    func write(_ samples: UnsafePointer<Int16>, frames: Int) throws(AudioError) -> Int {
        if let limit = failAfter, taken + frames > limit {
            throw AudioError(.deviceFailed, subject: subject, library: .alsa, code: -19, libraryMessage: "No such device")
        }
        taken += frames
        return try inner.write(samples, frames: frames)
    }
    func start() -> MonotonicInstant { inner.start() }
    func delay() -> (frames: Int, at: MonotonicInstant) { inner.delay() }
    func endPlay() { inner.endPlay() }
    func close() {}  // the recording stays open: it stands for the loudspeakers, not the card
}

/// Hands out sinks in turn: the first vanishes, then `gone` failed opens, then a good one.
final class Opener: @unchecked Sendable {
    let file: WavFileSink
    var opens = 0
    let gone: Int
    init(file: WavFileSink, gone: Int) { self.file = file; self.gone = gone }
    func open() throws(AudioError) -> any AudioSink {
        opens += 1
        if opens == 1 { return VanishingSink(file, failAfter: 30_000) }
        if opens <= 1 + gone {
            throw AudioError(.deviceUnavailable, subject: "usb-card", library: .alsa, code: -2,
                             libraryMessage: "No such file or directory")
        }
        return VanishingSink(file, failAfter: nil)
    }
}

@Suite struct DeviceLossTests {
    @Test func reconnectsWithBackoffAndTheStreamGoesOn() throws {
        let a = try Audio()
        let input = try a.sox("in.wav", ["synth", "1", "whitenoise", "vol", "0.4"])
        let out = a.url("rec.wav")
        let opener = Opener(file: try WavFileSink(url: out, format: .default), gone: 2)
        let player = Player(subject: "usb-card", format: .default, loudness: .default, cache: nil,
                            reconnectDelays: [0.01, 0.02], reconnectGiveUpSeconds: 5) { () throws(AudioError) in
            try opener.open()
        }
        let log = EventLog()
        let results = player.play([PlayItem(url: input, gainDB: 0)], observer: log.add)
        opener.file.endPlay()
        opener.file.close()
        #expect(results[0].outcome == .finished)
        #expect(opener.opens == 4)
        let kinds = log.events.map { e -> String in
            switch e {
            case .willStart: "start"
            case .ended: "end"
            case .deviceLost(let err): "lost:\(err.subject):\(err.code)"
            case .deviceBack: "back"
            }
        }
        #expect(kinds == ["start", "lost:usb-card:-19", "back", "end"])
        // A file sink buffers nothing, so nothing was lost: the recording is the input, whole.
        #expect(try samples(of: out).frames == samples(of: input).frames)
    }

    @Test func givesUpAfterTheLimitAndFailsWhatIsLeft() throws {
        let a = try Audio()
        let input = try a.sox("in.wav", ["synth", "1", "sine", "440"])
        let opener = Opener(file: try WavFileSink(url: a.url("rec.wav"), format: .default), gone: 1_000)
        let player = Player(subject: "usb-card", format: .default, loudness: .default, cache: nil,
                            reconnectDelays: [0.02], reconnectGiveUpSeconds: 0.2) { () throws(AudioError) in
            try opener.open()
        }
        let results = player.play([PlayItem(url: input, gainDB: 0), PlayItem(url: input, gainDB: 0)])
        for r in results {
            guard case .failed(let e) = r.outcome else { Issue.record("\(r)"); continue }
            #expect(e.kind == .deviceFailed && e.subject == "usb-card")
        }
        #expect(results[0].playedSeconds > 0.5 && results[0].playedSeconds < 0.7)
        #expect(opener.opens > 3)
    }
}
