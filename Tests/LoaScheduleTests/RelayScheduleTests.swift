import Foundation
import LoaCore
import LoaPlan
import LoaSchedule
import Testing

/// Relays in the schedule (SPEC §10): occurrences of their own, in the schedule file both ways and in playlists.
@Suite struct RelayScheduleTests {
    func plan() -> Plan {
        var station = Fx.station("a", slots: [Fx.slot("morning", Fx.weekdays, "06:00", 15)])
        station.relays = [
            RelaySpec(timing: Fx.slot("vov1", [.mon, .sat], "05:00", 30), source: RelaySource("http://127.0.0.1:8000/vov1.mp3")!),
            RelaySpec(timing: Fx.slot("news", Fx.weekdays, "18:00", 20), source: RelaySource("alsa:hw:1,0")!),
        ]
        return Fx.plan([station], [Fx.message("m1", 1, per: .day)], from: "2026-06-01", to: "2026-06-30")
    }

    @Test func relaysAreOccurrencesInStartOrderWithOneRelayItem() throws {
        let result = Scheduler.schedule(plan(), range: Fx.range("2026-06-01", "2026-06-01"))
        let occurrences = try #require(result.stations.first).occurrences
        // Monday 1 June: vov1 05:00, morning 06:00, news 18:00.
        #expect(occurrences.map(\.slot) == ["vov1", "morning", "news"])
        let vov1 = occurrences[0]
        #expect(vov1.isRelay && !occurrences[1].isRelay)
        #expect(vov1.lengthSeconds == 1800)
        #expect(vov1.items == [ScheduledItem(kind: .relay, media: Media(path: "http://127.0.0.1:8000/vov1.mp3", duration: 1800),
                                             offset: 0, duration: 1800)])
        #expect(ScheduleFile.line(vov1) == #"{"station":"a","date":"2026-06-01","slot":"vov1","start":"2026-06-01T05:00:00+07:00","length_s":1800,"used_s":1800,"items":[{"kind":"relay","audio":"http://127.0.0.1:8000/vov1.mp3","offset_s":0,"duration_s":1800}]}"#)
        // Saturday 6 June: vov1 only.
        let saturday = Scheduler.schedule(plan(), range: Fx.range("2026-06-06", "2026-06-06")).stations[0].occurrences
        #expect(saturday.map(\.slot) == ["vov1"])
        // Outside the plan's period (Monday 6 July): no relay.
        let july = Scheduler.schedule(plan(), range: Fx.range("2026-07-06", "2026-07-06")).stations[0].occurrences
        #expect(!july.isEmpty && !july.contains(where: \.isRelay))
    }

    @Test func theScheduleFileReadsRelaysBackAndRefusesOnesThePlanLacks() throws {
        let p = plan()
        let occurrences = Scheduler.schedule(p, range: Fx.range("2026-06-01", "2026-06-02")).stations[0].occurrences
        let text = occurrences.map(ScheduleFile.line).joined(separator: "\n") + "\n"
        let back = try p.resolving(ScheduleFile.decode(Data(text.utf8), file: "s.jsonl"), file: "s.jsonl")
        #expect(back.filter(\.isRelay) == occurrences.filter(\.isRelay))
        #expect(back.map(\.slot) == occurrences.map(\.slot))

        let forged = text.replacingOccurrences(of: "http://127.0.0.1:8000/vov1.mp3", with: "http://evil.example/x.mp3")
        #expect(throws: ScheduleFileError.self) {
            try p.resolving(ScheduleFile.decode(Data(forged.utf8), file: "s.jsonl"), file: "s.jsonl")
        }
    }

    @Test func playlistsListTheRelayAsItsStream() throws {
        let p = plan()
        let day = Fx.d("2026-06-01")
        let occurrences = Scheduler.schedule(p, range: DateRange(from: day, to: day)).stations[0].occurrences
        let m3u = M3U.playlist(station: "a", date: day, occurrences: occurrences, plan: p)
        #expect(m3u.contains("# slot vov1 2026-06-01T05:00:00+07:00 length 1800 s, used 1800 s\n"
                             + "#EXTINF:1800,relay vov1\nhttp://127.0.0.1:8000/vov1.mp3\n"))
        #expect(m3u.contains("#EXTINF:1200,relay news\nalsa:hw:1,0\n"))
    }
}
