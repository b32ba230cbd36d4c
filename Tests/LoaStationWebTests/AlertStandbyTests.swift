import Foundation
import LoaCore
import LoaPlayout
import LoaTestSupport
import Testing
@testable import LoaAudio

/// Device standby at a station (issue 17): the daemon's `Player(standby: true)` on a paced ALSA device (the `jack`
/// PCM on a JACK dummy server of this process's own) is opened when the engine starts and stays open through two
/// alerts, and an alert whose audio the station holds is heard soon after the hub's receipt (about 50–100 ms in this
/// debug build on a busy machine; the release figures are `loa-bench station-alerts`'s).
@Suite(.serialized) struct AlertStandbyTests {
    @Test func withTheDeviceOnStandbyTwoAlertsAirWithoutOpeningItAndTheSecondIsHeardAtOnce() async throws {
        let jack = try JackServer()
        defer { jack.stop() }
        let hub = try await AlertHub().start()
        let cache = MediaInfoCache(directory: TemporaryFolders.make("loa-alerts-cache"))
        let player = Player(device: "plug:jack", cache: cache, standby: true)
        let s = try AlertStation(hub: hub, sink: player)
        defer { s.stop() }
        #expect(s.waitFor { hub.openStreams == 1 })
        #expect(s.waitFor { player.deviceOpens == 1 }, "the device is opened at start, before any alert")
        let blob = hub.blob(alertAudio(seconds: 1))
        _ = hub.publish(stationAlert("HN-SB-1", blob: blob))
        #expect(s.waitFor(15) { s.count("HN-SB-1", .finished) == 1 })
        try await Task.sleep(for: .milliseconds(500))
        let second = hub.publish(stationAlert("HN-SB-2", blob: blob))
        #expect(s.waitFor(15) { s.count("HN-SB-2", .finished) == 1 })
        let started = try #require(s.rows("HN-SB-2").first { $0.kind == .started })
        let finished = try #require(s.rows("HN-SB-2").first { $0.kind == .finished })
        let firstSample = started.time.timeIntervalSince(second.receivedAt)
        #expect(firstSample > 0 && firstSample < 0.25, "receipt → first sample \(firstSample) s")
        let played = try #require(finished.playedSeconds)
        #expect(abs(played - 1) < 0.1, "played \(played) s: silence is never counted as the alert")
        #expect(player.deviceOpens == 1, "one device open for the station's life, not \(player.deviceOpens)")
        await hub.stop()
    }
}
