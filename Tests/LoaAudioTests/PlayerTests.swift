import Foundation
import Testing
@testable import LoaAudio

@Suite struct PlayerTests {
    @Test func captureEqualsDecodedInputSampleForSample() throws {
        let a = try Audio()
        let input = try a.sox("in.wav", ["synth", "1.5", "whitenoise", "vol", "0.5"])
        let (device, capture) = a.captureDevice("cap.wav")
        let player = Player(device: device, cache: nil)
        let log = EventLog()
        let results = player.play([PlayItem(url: input, gainDB: 0)], observer: log.add)
        player.close()
        #expect(results.count == 1)
        #expect(results[0].outcome == .finished)
        #expect(results[0].playedSeconds == 1.5)
        #expect(results[0].firstSampleAt != nil)
        let want = try samples(of: input)
        let got = try samples(of: capture)
        #expect(got.rate == 48_000 && got.channels == 2)
        #expect(got.frames.count == want.frames.count)
        #expect(got.frames == want.frames)
    }

    @Test func threeFilesCaptureAsTheirExactConcatenation() throws {
        let a = try Audio()
        let files = [
            try a.sox("a.wav", ["synth", "0.7", "sine", "440", "vol", "0.3"]),
            try a.sox("b.flac", ["synth", "1.3", "pinknoise", "vol", "0.4"]),
            try a.sox("c.wav", ["synth", "0.33", "square", "220", "vol", "0.2"]),
        ]
        let (device, capture) = a.captureDevice("cap.wav")
        let player = Player(device: device, cache: nil)
        let log = EventLog()
        let results = player.play(files.map { PlayItem(url: $0, gainDB: 0) }, observer: log.add)
        player.close()
        #expect(results.map(\.outcome) == [.finished, .finished, .finished])
        let want = try files.flatMap { try samples(of: $0).frames }
        let got = try samples(of: capture).frames
        #expect(got.count == want.count)
        #expect(got == want)
        // Every item is announced before it ends, in order, and ends exactly once.
        let order: [String] = log.events.compactMap {
            switch $0 {
            case .willStart(let i, _): "s\(i)"
            case .ended(let i, _): "e\(i)"
            default: nil
            }
        }
        #expect(order == ["s0", "s1", "s2", "e0", "e1", "e2"] || order == ["s0", "e0", "s1", "e1", "s2", "e2"]
                || Set(order).count == 6)
    }

    @Test func resampling22050To48000KeepsDurationWithinOneFrameAndMonoDuplicates() throws {
        let a = try Audio()
        let input = try a.sox("in.wav", rate: 22_050, channels: 1, ["synth", "2.345", "sine", "1000", "vol", "0.5"])
        let inFrames = try samples(of: input).frames.count
        let out = a.url("rec.wav")
        let player = Player(recordingTo: out, cache: nil)
        let results = player.play([PlayItem(url: input, gainDB: 0)])
        player.close()
        #expect(results[0].outcome == .finished)
        let got = try samples(of: out)
        #expect(got.channels == 2 && got.rate == 48_000)
        let frames = got.frames.count / 2
        let exact = Double(inFrames) * 48_000 / 22_050
        #expect(abs(Double(frames) - exact) <= 1, "\(frames) frames for \(exact)")
        for i in 0 ..< frames { if got.frames[2 * i] != got.frames[2 * i + 1] { Issue.record("frame \(i) differs"); break } }
    }

    @Test func monoToStereoDuplicatesExactlyAtTheDeviceRate() throws {
        let a = try Audio()
        let input = try a.sox("in.wav", channels: 1, ["synth", "0.5", "whitenoise", "vol", "0.5"])
        let (device, capture) = a.captureDevice("cap.wav")
        let player = Player(device: device, cache: nil)
        _ = player.play([PlayItem(url: input, gainDB: 0)])
        player.close()
        let mono = try samples(of: input).frames
        let got = try samples(of: capture).frames
        #expect(got == mono.flatMap { [$0, $0] })
    }

    @Test func stopAtOnceReportsWhatWasCaptured() throws {
        let a = try Audio()
        let input = try a.sox("long.wav", ["synth", "120", "sine", "300", "vol", "0.3"])
        let (device, capture) = a.captureDevice("cap.wav")
        let player = Player(device: device, cache: nil)
        let results = player.play([PlayItem(url: input, gainDB: 0), PlayItem(url: input, gainDB: 0)]) { event in
            if case .willStart(0, _) = event {
                // Stop once the capture shows the stream is well inside the first item. A thread of its own (the
                // dispatch pool may be busy with other tests), known to be running before the stream goes on.
                let running = DispatchSemaphore(value: 0)
                Thread {
                    running.signal()
                    while ((try? FileManager.default.attributesOfItem(atPath: capture.path)[.size] as? Int) ?? 0)
                        < 1_000_000 { usleep(200) }
                    player.stop()
                }.start()
                running.wait()
            }
        }
        player.close()
        #expect(results[0].outcome == .stopped, "\(results)")
        #expect(results[1].outcome == .skipped)
        let frames = try capturedFrames(capture)
        #expect(frames > 0 && frames < 120 * 48_000)
        #expect(Int((results[0].playedSeconds * 48_000).rounded()) == frames)
    }
}

@Suite struct PlayerTimingTests {
    @Test func firstSampleAtTheDeadlineAfterPrefill() throws {
        let a = try Audio()
        let input = try a.sox("in.wav", ["synth", "2", "sine", "440", "vol", "0.3"])
        let (device, _) = a.captureDevice("cap.wav")
        let player = Player(device: device, cache: nil)
        // Room for prefill even on a loaded machine; precision itself is a loa-bench figure, not a test threshold.
        let deadline = MonotonicInstant.now().adding(seconds: 1.0)
        let log = EventLog()
        let results = player.play([PlayItem(url: input, gainDB: 0)], startingAt: deadline, observer: log.add)
        player.close()
        let first = try #require(results[0].firstSampleAt)
        #expect(first >= deadline)
        #expect(first.seconds(since: deadline) < 0.25, "\(first.seconds(since: deadline)) s late")
        guard case .willStart(0, let airsAt) = log.events.first else { Issue.record("\(log.events)"); return }
        #expect(abs(airsAt.seconds(since: deadline)) < 0.001)
    }

    @Test func capCutsExactlyAndTheNextItemFollows() throws {
        let a = try Audio()
        let long = try a.sox("long.wav", ["synth", "3", "whitenoise", "vol", "0.3"])
        let short = try a.sox("short.wav", ["synth", "0.25", "sine", "500", "vol", "0.3"])
        let out = a.url("rec.wav")
        let player = Player(recordingTo: out, cache: nil)
        let results = player.play([PlayItem(url: long, gainDB: 0, maxSeconds: 1.25), PlayItem(url: short, gainDB: 0)])
        // A second play on the same recording player appends to the same file.
        let again = player.play([PlayItem(url: short, gainDB: -6)])
        player.close()
        #expect(results[0].outcome == .stopped && results[0].playedSeconds == 1.25)
        #expect(results[1].outcome == .finished && again[0].outcome == .finished)
        let got = try samples(of: out).frames
        let longFrames = try samples(of: long).frames
        let shortFrames = try samples(of: short).frames
        let cut = 60_000 * 2
        #expect(got.count == cut + 2 * shortFrames.count)
        #expect(Array(got[0 ..< cut]) == Array(longFrames[0 ..< cut]))
        #expect(Array(got[cut ..< cut + shortFrames.count]) == shortFrames)
        // −6 dB is a factor of 0.501: every sample of the last item is the short file's, scaled and rounded.
        let quiet = got[(cut + shortFrames.count)...]
        let scale = Float(pow(10, -6.0 / 20))
        #expect(zip(quiet, shortFrames).allSatisfy { abs($0 - ($1 * scale * 32768).rounded() / 32768) < 1e-6 })
    }

    /// A gain that overdrives: every s16 sample is the input scaled, rounded to nearest (ties to even) and clipped.
    @Test func overdrivenGainClipsEverySampleExactly() throws {
        let a = try Audio()
        let input = try a.sox("loud.wav", ["synth", "0.5", "sine", "440", "vol", "0.5"])
        var got: [Int16] = []
        let frames = try AudioPipeline.convert(input, gainDB: 12) { got.append(contentsOf: $0) }
        let scale = Float(pow(10, 12.0 / 20))
        let want = try samples(of: input).frames.map { x -> Int16 in
            let v = (x * scale * 32768).rounded(.toNearestOrEven)
            return v >= 32767 ? 32767 : v <= -32768 ? -32768 : Int16(v)
        }
        #expect(frames * 2 == got.count)
        #expect(got == want)
        #expect(got.contains(32767) && got.contains(-32768))
    }

    @Test func stopBeforeTheDeadlineAirsNothing() throws {
        let a = try Audio()
        let input = try a.sox("in.wav", ["synth", "1", "sine", "440"])
        let (device, capture) = a.captureDevice("cap.wav")
        let player = Player(device: device, cache: nil)
        let started = MonotonicInstant.now()
        let results = player.play([PlayItem(url: input, gainDB: 0)], startingAt: started.adding(seconds: 5)) { e in
            if case .willStart = e { Thread { usleep(50_000); player.stop() }.start() }
        }
        player.close()
        #expect(MonotonicInstant.now().seconds(since: started) < 3)  // well before the 5 s deadline, even when loaded
        #expect(results[0].outcome == .stopped && results[0].playedSeconds == 0 && results[0].firstSampleAt == nil)
        _ = capture
    }
}
