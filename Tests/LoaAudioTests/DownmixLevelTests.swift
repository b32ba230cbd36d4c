import Foundation
import Testing
@testable import LoaAudio

/// Stereo audio on a mono device is leveled after the down-mix: a −16 LUFS target reads −16 on the mono capture.
@Suite struct DownmixLevelTests {
    let a = try! Audio()

    @Test func stereoOnAMonoDeviceAirsAtTheTarget() throws {
        // Unrelated channels (independent noise, left louder): the down-mix loses most, the worst case.
        let stereo = try a.sox("wide.wav", ["synth", "6", "pinknoise", "whitenoise", "vol", "0.2", "remix", "1v0.9",
                                            "2v0.4"])
        for device in [1, 2] {
            let (name, capture) = a.captureDevice("capture-\(device).wav")
            let player = Player(device: name, format: DeviceFormat(sampleRate: 48_000, channels: device),
                                loudness: LoudnessTarget(targetLUFS: -16), cache: MediaInfoCache(directory: a.dir))
            let results = player.play([PlayItem(url: stereo)])
            player.close()
            #expect(results.map(\.outcome) == [.finished])
            let aired = try LoudnessAnalyzer.measure(capture)
            #expect(try SoundFile(readingFrom: capture).channels == device)
            #expect(abs(aired.integratedLUFS + 16) <= 1, "\(device) channel(s): \(aired.integratedLUFS) LUFS")
        }
    }
}
