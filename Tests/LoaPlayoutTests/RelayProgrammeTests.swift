import Foundation
import LoaCore
import LoaPlan
import LoaPlayout
import Testing

/// The station's programme (`GET /api/v1/programme`) lists a relay with its outcome and its outages.
@Suite struct RelayProgrammeTests {
    @Test func aRelayIsInTheProgrammeWithItsOutages() throws {
        let f = try Fixture()
        var plan = f.plan
        plan.stations[0].slots = [SlotSpec(name: "morning", days: .all, start: TimeOfDay("06:00")!, lengthSeconds: 900)]
        plan.stations[0].relays = [RelaySpec(
            timing: SlotSpec(name: "vov1", days: .all, start: TimeOfDay("05:00")!, lengthSeconds: 1800),
            source: RelaySource("http://radio.example/vov1.mp3")!)]
        let recorder = MemoryRecorder()
        let loaded = plan
        var c = StationConfiguration(station: "ba-dinh", log: .custom(recorder)) { loaded }
        c.sink = .custom(FakeSink(durations: Fixture.durations))
        let daemon = try StationDaemon(c)
        let day = CivilDate("2026-06-03")!

        let before = try daemon.programme(on: day)
        #expect(before.map(\.slot) == ["vov1", "morning"])
        let relay = try #require(before.first?.items.first)
        #expect(relay.kind == "relay" && relay.plannedSeconds == 1800 && relay.outcome == nil && relay.outages == [])
        #expect(before[1].items.isEmpty)

        let started = AiringEvent(at: "2026-06-03T05:00:00.002+07:00", kind: .started, airing: relay.airing,
                                  station: "ba-dinh", plan: plan.id, slotStart: "2026-06-03T05:00:00.000+07:00",
                                  source: .relay, audio: "http://radio.example/vov1.mp3", plannedSeconds: 1800)
        var missed = started
        missed.kind = .missed; missed.airing += "/outage-1"; missed.at = "2026-06-03T05:12:00.000+07:00"
        missed.plannedSeconds = 42.5; missed.detail = "stream down: HTTP 503; 42.5 s lost from 2026-06-03T05:11:17.500+07:00"
        var finished = started
        finished.kind = .finished; finished.at = "2026-06-03T05:30:00.002+07:00"; finished.playedSeconds = 1757.5
        for e in [started, missed, finished] { try recorder.append(e) }

        let after = try #require(try daemon.programme(on: day).first?.items.first)
        #expect(after.outcome == "finished")
        #expect(after.outages == [ProgrammeOutage(at: missed.at, seconds: 42.5, detail: missed.detail)])
        let json = String(decoding: try JSONEncoder().encode(after), as: UTF8.self)
        #expect(json.contains(#""outages":[{"#) && json.contains(#""seconds":42.5"#))
    }
}
