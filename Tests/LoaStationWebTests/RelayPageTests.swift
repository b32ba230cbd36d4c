import Foundation
import LoaCore
import LoaLog
import LoaPlan
import LoaPlayout
import Testing

/// The operator's page lists a relay in today's programme with its outages (headless Chromium, as the other page
/// tests): what `GET /api/v1/programme` carries must reach the operator's eyes.
@Suite(.serialized) struct RelayPageTests {
    @Test func thePageShowsARelayAndItsOutage() async throws {
        let s = try WebStation(planned: true, running: false) { c in
            let load = c.loadPlan
            c.loadPlan = {
                var plan = try load()
                plan.stations[0].relays = [RelaySpec(
                    timing: SlotSpec(name: "vov1", days: .all, start: TimeOfDay("04:00")!, lengthSeconds: 1800),
                    source: RelaySource("http://127.0.0.1:9/vov1.mp3")!)]
                return plan
            }
        }
        defer { s.stop() }
        let today = String(s.daemon.status().at.prefix(10))
        let relay = try #require(try s.daemon.programme(on: CivilDate(today)!).first { $0.slot == "vov1" }?.items.first)
        #expect(relay.kind == "relay")
        // The relay aired with one outage, as the engine logs it (one airing, the outage a `missed` row of its own).
        let started = AiringEvent(at: today + "T04:00:00.002+07:00", kind: .started, airing: relay.airing,
                                  station: "ba-dinh", plan: "web-test", slotStart: today + "T04:00:00.000+07:00",
                                  source: .relay, audio: "http://127.0.0.1:9/vov1.mp3", plannedSeconds: 1800)
        var missed = started
        missed.kind = .missed; missed.airing += "/outage-1"; missed.at = today + "T04:12:00.000+07:00"
        missed.plannedSeconds = 42; missed.detail = "stream down: HTTP 503"
        var finished = started
        finished.kind = .finished; finished.at = today + "T04:30:00.002+07:00"; finished.playedSeconds = 1758
        let log = try s.log
        for e in [started, missed, finished] { try log.append(e) }

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Browser/relay_programme.py")
        let page = try RecordingTests.run("/usr/bin/env", ["python3", script.path, s.base, WebStation.password,
                                                           "vov1", "04:12:00, 42 s: stream down: HTTP 503"])
        #expect(page.status == 0 && page.out.contains("ok: relay shown"), "\(page.out)\n\(page.err)")
    }
}
