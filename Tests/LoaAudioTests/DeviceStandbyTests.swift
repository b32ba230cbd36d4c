import Foundation
import LoaTestSupport
import Synchronization
import Testing
@testable import LoaAudio

/// Device standby (issue 17) on ALSA's `jack` PCM and a JACK dummy server, recorded with `jack_rec` as in
/// `SilenceBetweenPlaysTests`: the device stays open between plays, what reaches the speakers between them is
/// silence, the next play starts without opening it, and a device lost on standby is reported without a play.
@Suite(.serialized) struct DeviceStandbyTests {
    let a = try! Audio()

    @Test func theDeviceStaysOpenBetweenPlaysAndTheSpeakersHearSilenceUntilTheNextPlay() throws {
        let tone = try a.sox("tone.wav", ["synth", "0.6", "sine", "440", "vol", "0.5"])
        let recording = a.url("speakers.wav")
        let player = Player(device: "plug:jack", cache: nil, standby: true)
        defer { player.close() }
        try SilenceBetweenPlaysTests.hear(into: recording, seconds: 4) {
            let first = player.play([PlayItem(url: tone, gainDB: 0)])
            usleep(1_500_000)
            let cue = MonotonicInstant.now()
            let second = player.play([PlayItem(url: tone, gainDB: 0)])
            #expect(first.map(\.outcome) == [.finished] && second.map(\.outcome) == [.finished])
            #expect(player.deviceOpens == 1, "one device open for both plays, not \(player.deviceOpens)")
            let toFirstSample = try #require(second.first?.firstSampleAt).seconds(since: cue)
            #expect(toFirstSample < 0.1, "the play after standby heard \(Int(toFirstSample * 1000)) ms after its cue")
        }

        let (peaks, _) = try SilenceBetweenPlaysTests.windowPeaks(recording)
        let runs = SilenceBetweenPlaysTests.toneRuns(peaks)
        try #require(runs.count >= 2, "two tones heard: \(runs)")
        // The tone after standby whole (0.6 s): the silence was dropped, not mixed in or played over it.
        #expect(runs[1].count >= 57 && runs[1].count <= 63, "the second tone whole (0.6 s): \(runs)")
        let gap = (runs[0].upperBound + 3)..<(runs[1].lowerBound - 1)
        #expect(gap.count >= 120, "about 1.5 s between the tones: \(runs)")
        let noisy = gap.filter { peaks[$0] > 0.001 }
        #expect(noisy.isEmpty, "sound between the plays in \(noisy.count) of \(gap.count) 10 ms windows")
    }

    @Test func aDeviceLostOnStandbyIsReportedWithoutAPlayAndReopenedWhenItComesBack() throws {
        let tone = try a.sox("short.wav", ["synth", "0.2", "sine", "440", "vol", "0.5"])
        var jack: JackServer? = try JackServer()
        let player = Player(device: "plug:jack", cache: nil, standby: true)
        defer { player.close() }
        let events = Mutex<[String]>([])
        player.observeStandby { event in
            switch event {
            case .deviceLost(let e): events.withLock { $0.append("lost: \(e.subject)") }
            case .deviceBack: events.withLock { $0.append("back") }
            default: break
            }
        }
        #expect(player.play([PlayItem(url: tone, gainDB: 0)]).map(\.outcome) == [.finished])
        usleep(300_000)
        #expect(events.withLock { $0 }.isEmpty, "standby on a working device reports nothing")
        jack?.stop()
        jack = nil
        let lostBy = Date().addingTimeInterval(6)
        while Date() < lostBy, events.withLock({ $0 }).isEmpty { usleep(50_000) }
        #expect(events.withLock { $0 }.first == "lost: plug:jack", "\(events.withLock { $0 })")

        jack = try JackServer()
        defer { jack?.stop() }
        let backBy = Date().addingTimeInterval(10)
        while Date() < backBy, !events.withLock({ $0.contains("back") }) { usleep(50_000) }
        #expect(events.withLock { $0 }.last == "back", "\(events.withLock { $0 })")
        #expect(player.play([PlayItem(url: tone, gainDB: 0)]).map(\.outcome) == [.finished])
    }
}
