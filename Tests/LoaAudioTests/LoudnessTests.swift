import Foundation
import LoaTestSupport
import Testing
@testable import LoaAudio

@Suite struct LoudnessTests {
    /// EBU Tech 3341 case 1: a stereo 1 kHz sine at −23 dBFS reads −23.0 LUFS; the same holds at any level.
    @Test(arguments: [-23.0, -20.0, -30.0])
    func sineMeasuresAsEBUSays(level: Double) throws {
        let a = try Audio()
        let sine = try a.sox("sine.wav", ["synth", "10", "sine", "1000", "vol", "\(level)dB"])
        let l = try LoudnessAnalyzer.measure(sine)
        #expect(abs(l.integratedLUFS - level) <= 0.1, "\(l)")
        #expect(abs(l.truePeakDBTP - level) <= 0.1, "\(l)")
    }

    @Test func automaticGainReachesTargetAndIsCached() throws {
        let a = try Audio()
        let sine = try a.sox("sine.flac", ["synth", "8", "sine", "1000", "vol", "-26dB"])
        let cache = MediaInfoCache(directory: a.url("cache"))
        let out = a.url("rec.wav")
        let player = Player(recordingTo: out, loudness: LoudnessTarget(targetLUFS: -16), cache: cache)
        let results = player.play([PlayItem(url: sine)])
        player.close()
        #expect(results[0].outcome == .finished)
        let aired = try LoudnessAnalyzer.measure(out)
        #expect(abs(aired.integratedLUFS - -16) <= 0.5, "\(aired)")
        #expect(try cache.facts(of: sine).loudness.map { abs($0.integratedLUFS - -26) <= 0.1 } == true)
    }

    @Test func gainIsLoweredRatherThanPushTruePeakAboveLimit() throws {
        let a = try Audio()
        // A sine's true peak is its loudness: reaching 0 LUFS would need 0 dBTP, so the limit of −1 dBTP wins.
        let sine = try a.sox("sine.wav", ["synth", "5", "sine", "1000", "vol", "-20dB"])
        let out = a.url("rec.wav")
        let player = Player(recordingTo: out, loudness: LoudnessTarget(targetLUFS: 0, maxTruePeakDBTP: -1), cache: nil)
        _ = player.play([PlayItem(url: sine)])
        player.close()
        let aired = try LoudnessAnalyzer.measure(out)
        #expect(aired.truePeakDBTP <= -1 + 0.05, "\(aired)")
        #expect(aired.truePeakDBTP >= -1.2, "\(aired)")
        #expect(abs(aired.integratedLUFS - -1) <= 0.2, "\(aired)")
    }

    @Test func monoIsLeveledAsItAirsOnTwoChannels() throws {
        let a = try Audio()
        let mono = try a.sox("mono.wav", channels: 1, ["synth", "6", "sine", "1000", "vol", "-30dB"])
        let out = a.url("rec.wav")
        let player = Player(recordingTo: out, cache: nil)
        _ = player.play([PlayItem(url: mono)])
        player.close()
        #expect(abs(try LoudnessAnalyzer.measure(out).integratedLUFS - -16) <= 0.5)
    }

    @Test func gainArithmetic() {
        let t = LoudnessTarget(targetLUFS: -16, maxTruePeakDBTP: -1)
        #expect(t.gainDB(for: Loudness(integratedLUFS: -23, truePeakDBTP: -10)) == 7)
        #expect(t.gainDB(for: Loudness(integratedLUFS: -23, truePeakDBTP: -3)) == 2)
        #expect(t.gainDB(for: Loudness(integratedLUFS: -.infinity, truePeakDBTP: -.infinity)) == 0)
    }

    @Test func silenceIsCachedDespiteMinusInfinity() throws {
        let a = try Audio()
        let silent = try a.sox("silence.wav", ["trim", "0", "1"])
        let cache = MediaInfoCache(directory: a.url("cache"))
        let first = try cache.analysis(of: silent)
        #expect(first.loudness.integratedLUFS == -.infinity)
        #expect(cache.save())
        #expect(try MediaInfoCache(directory: a.url("cache")).facts(of: silent).loudness == first.loudness)
    }
}

@Suite struct TruePeakTests {
    /// A sine at a quarter of the rate, 45° off: every sample sits at 0.707 of the crest, so the sample peak reads
    /// −3 dB below the true peak, which the 4× oversampling must recover.
    @Test func findsThePeakBetweenSamples() throws {
        let a = try Audio()
        let url = a.url("fs4.wav")
        let writer = try SoundFileWriter(writingTo: url, encoding: .wav16, sampleRate: 48_000, channels: 1)
        let samples = (0 ..< 48_000).map { n in Float(0.5 * sin(Double.pi / 2 * Double(n) + Double.pi / 4)) }
        try samples.withUnsafeBufferPointer { (p) throws(AudioError) in try writer.write(p) }
        writer.close()
        let l = try LoudnessAnalyzer.measure(url)
        let samplePeak = 20 * log10(Double(samples.map(abs).max()!))
        #expect(abs(samplePeak - -9.03) < 0.01)
        #expect(abs(l.truePeakDBTP - -6.02) < 0.3, "\(l)")
    }

    /// The fast kernel (vectorised, skipping blocks that provably can't raise the peak) against the plain
    /// definition: random signals, full-scale square waves (the filter's worst case, every tap adds), a rising ramp
    /// (the running peak always lags) and a loud burst late in quiet programme, with and without a floor.
    @Test func fastKernelEqualsTheReference() {
        var rng = SplitMix(seed: 4)
        func check(_ x: [Float], floor: Float, _ what: String) {
            let fast = TruePeakMeter.kernelPeak(x, floor: floor, reference: false)
            let plain = TruePeakMeter.kernelPeak(x, floor: floor, reference: true)
            #expect(abs(fast - plain) <= 1e-6 * max(plain, 1e-30), "\(what): fast \(fast), reference \(plain)")
        }
        for trial in 0 ..< 300 {
            let n = 12 + Int(rng.next() % 700)
            let level = Float(rng.unit()) * 2
            let noise = (0 ..< n).map { _ in Float(rng.unit() * 2 - 1) * level }
            let square = (0 ..< n).map { i in (i / (1 + trial % 5)) % 2 == 0 ? Float(1) : -1 }
            let floor: Float = trial % 3 == 0 ? 0 : Float(rng.unit()) * 2.5
            check(noise, floor: floor, "noise \(trial)")
            check(square, floor: floor, "square \(trial)")
        }
        let long = 48_000
        check((0 ..< long).map { i in Float(i) / Float(long) * Float(rng.unit() * 2 - 1) }, floor: 0, "ramp")
        check((0 ..< long).map { i in Float(rng.unit() * 2 - 1) * (i > long - 300 ? 0.9 : 0.05) }, floor: 0, "late burst")
        check((0 ..< long).map { i in Float(sin(Double(i) * 0.7)) * 0.3 }, floor: 0.31, "all below floor")
    }

    /// The meter (which feeds the kernel chunk by chunk with its running peak as the floor) against the reference
    /// over the whole signal at once.
    @Test func meterEqualsTheReferenceAcrossChunks() {
        var rng = SplitMix(seed: 9)
        let frames = 20_000
        let stereo = (0 ..< frames * 2).map { i in
            Float(rng.unit() * 2 - 1) * (0.2 + 0.7 * Float(i % 9_000) / 9_000)
        }
        let meter = TruePeakMeter(channels: 2)
        var at = 0
        stereo.withUnsafeBufferPointer { p in
            while at < frames {
                let n = min(1 + Int(rng.next() % 3_000), frames - at)
                meter.add(p.baseAddress! + 2 * at, frames: n)
                at += n
            }
        }
        var want: Float = 0
        for ch in 0 ..< 2 {
            let x = [Float](repeating: 0, count: 11) + stride(from: ch, to: stereo.count, by: 2).map { stereo[$0] }
            want = max(want, TruePeakMeter.kernelPeak(x, floor: 0, reference: true), x.map(abs).max()!)
        }
        #expect(abs(meter.linearPeak - want) <= 1e-6 * want, "meter \(meter.linearPeak), reference \(want)")
    }
}

