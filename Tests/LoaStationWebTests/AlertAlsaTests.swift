import Foundation
import LoaAudio
import LoaCore
import LoaPlayout
import LoaTestSupport
import Testing

/// An alert from the hub on a real, paced ALSA device (the `jack` PCM on a JACK dummy server of this process's own):
/// fetched, checked and aired through LoaAudio's `Player`, its log rows timed by the device.
@Suite(.serialized) struct AlertAlsaTests {
    @Test func anAlertAirsOnAPacedALSADeviceWithinASecondOfTheHubsReceipt() async throws {
        let jack = try JackServer()
        defer { jack.stop() }
        let hub = try await AlertHub().start()
        let cache = MediaInfoCache(directory: TemporaryFolders.make("loa-alerts-cache"))
        let s = try AlertStation(hub: hub, sink: Player(device: "plug:jack", cache: cache))
        defer { s.stop() }
        #expect(s.waitFor { hub.openStreams == 1 })
        let alert = hub.publish(stationAlert("HN-ALSA", blob: hub.blob(alertAudio(seconds: 2))))
        #expect(s.waitFor(15) { s.count("HN-ALSA", .finished) == 1 })
        let started = try #require(s.rows("HN-ALSA").first { $0.kind == .started })
        let finished = try #require(s.rows("HN-ALSA").first { $0.kind == .finished })
        #expect(started.source == .emergency && started.detail == "HN-ALSA" && finished.detail == "HN-ALSA")
        // The device took it at its own pace: two seconds of audio, two seconds of air.
        let played = try #require(finished.playedSeconds)
        #expect(abs(played - 2) < 0.1, "played \(played) s")
        #expect(abs(finished.time.timeIntervalSince(started.time) - played) < 0.05)
        let firstSample = started.time.timeIntervalSince(alert.receivedAt)
        #expect(firstSample > 0 && firstSample < 1, "receipt → first sample \(firstSample) s")
        await hub.stop()
    }
}
