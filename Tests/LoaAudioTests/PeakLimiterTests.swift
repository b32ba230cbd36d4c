import Foundation
import Testing
@testable import LoaAudio

/// A peaky file (quiet programme, sharp peaks) reaches the target with its peaks limited under the ceiling, instead
/// of airing several LU quiet behind a gain cap.
@Suite struct PeakLimiterTests {
    let a = try! Audio()

    /// 10 s of quiet noise with a sharp click every 250 ms.
    func peaky() throws -> URL {
        let url = a.url("peaky.wav")
        let writer = try SoundFileWriter(writingTo: url, encoding: .wav16, sampleRate: 48_000, channels: 2)
        var state: UInt64 = 42
        var samples = [Float](repeating: 0, count: 48_000 * 10 * 2)
        for f in 0 ..< 48_000 * 10 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let noise = Float(Int64(bitPattern: state >> 1) % 2000) / 2000 * 0.06 - 0.03
            let click: Float = f % 12_000 == 0 ? 0.35 : 0
            samples[2 * f] = noise + click; samples[2 * f + 1] = noise - click
        }
        try samples.withUnsafeBufferPointer { (p) throws(AudioError) in try writer.write(p) }
        writer.close()
        return url
    }

    @Test func aPeakyFileReachesTheTargetUnderTheCeiling() throws {
        let file = try peaky()
        let measured = try LoudnessAnalyzer.measure(file)
        let target = LoudnessTarget(targetLUFS: -16)
        // Under a plain gain cap it would air well under the target.
        let capped = target.gainDB(for: measured)
        #expect(measured.integratedLUFS + capped < -18, "capped: \(measured.integratedLUFS + capped) LUFS")
        let plan = target.limitedGain(for: measured)
        #expect(plan.limitDB > 2 && plan.limitDB <= LoudnessTarget.maxLimitingDB)

        let (name, capture) = a.captureDevice("limited.wav")
        let player = Player(device: name, loudness: target, cache: MediaInfoCache(directory: a.dir))
        let results = player.play([PlayItem(url: file)])
        player.close()
        #expect(results.map(\.outcome) == [.finished])
        #expect(results.first?.playedSeconds == 10, "the limiter's delay loses no frame")
        let aired = try LoudnessAnalyzer.measure(capture)
        #expect(abs(aired.integratedLUFS + 16) <= 1, "\(aired.integratedLUFS) LUFS")
        let peak = try samples(of: capture).frames.reduce(Float(0)) { max($0, abs($1)) }
        #expect(aired.truePeakDBTP <= -0.5, "true peak \(aired.truePeakDBTP) dBTP, sample peak \(peak), plan \(plan)")
    }

    @Test func theLimiterKeepsEverySampleUnderItsCeilingAndLosesNoFrame() {
        let limiter = PeakLimiter(channels: 1, sampleRate: 48_000, ceiling: 0.5)
        var input = [Float](repeating: 0.1, count: 10_000)
        input[3_000] = 0.9; input[3_001] = -0.95; input[7_777] = 0.7
        var out: [Float] = []
        input.withUnsafeBufferPointer { p in
            out += limiter.process(UnsafeBufferPointer(rebasing: p[0 ..< 4_096]), frames: 4_096, final: false)
            out += limiter.process(UnsafeBufferPointer(rebasing: p[4_096...]), frames: 10_000 - 4_096, final: true)
        }
        #expect(out.count == input.count)
        let over = out.indices.filter { abs(out[$0]) > 0.5 + 1e-5 }
        #expect(over.isEmpty, "\(over.prefix(5)) \(over.prefix(5).map { out[$0] })")
        // Far from the peaks the programme is untouched (the gain is back 150 ms after a peak).
        #expect(abs(out[1_000] - 0.1) < 1e-6 && abs(out[7_000] - 0.1) < 1e-6, "\(out[1_000]) \(out[7_000])")
    }
}

extension PeakLimiterTests {
    @Test func stereoClickTrainStaysUnderTheCeiling() {
        let limiter = PeakLimiter(channels: 2, sampleRate: 48_000, ceiling: 0.794)
        var input = [Float](repeating: 0, count: 2 * 48_000)
        for f in 0 ..< 48_000 {
            let noise = Float((f * 7919) % 200) / 200 * 0.26 - 0.13
            let click: Float = f % 12_000 == 0 ? 1.55 : 0
            input[2 * f] = noise + click; input[2 * f + 1] = noise - click
        }
        var out: [Float] = []
        input.withUnsafeBufferPointer { p in
            var f = 0
            while f < 48_000 {
                let n = min(4_096, 48_000 - f)
                out += limiter.process(UnsafeBufferPointer(rebasing: p[(2 * f) ..< (2 * (f + n))]), frames: n,
                                       final: f + n == 48_000)
                f += n
            }
        }
        #expect(out.count == input.count)
        let over = out.indices.filter { abs(out[$0]) > 0.794 + 1e-5 }
        #expect(over.isEmpty, "\(over.prefix(5)) \(over.prefix(5).map { out[$0] })")
    }
}
