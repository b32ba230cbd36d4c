import Foundation
import LoaAlerts
import LoaCore
import LoaPlan
import LoaPlayout
import LoaSchedule
import LoaTestSupport
import Testing

/// Alerts over days, on the simulated clock: hourly repeats inside `loa:hours` until they expire, and a next-slot
/// alert going first in the evening slot, all through the real daemon and its SQLite log.
@Suite(.serialized) struct AlertSimulatedTests {
    @Test func repeatsEveryHourInsideItsHoursUntilItExpiresAndANextSlotAlertGoesFirstInTheSlot() throws {
        let tz = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        var cal = Calendar(identifier: .gregorian); cal.timeZone = tz
        let day0 = cal.startOfDay(for: Date())
        func at(_ day: Int, _ h: Int, _ m: Int) -> Date { day0.addingTimeInterval(Double(day * 86_400 + h * 3600 + m * 60)) }
        let dir = TemporaryFolders.make("loa-alerts-sim")
        let audio = dir.appendingPathComponent("storm-alert.wav")
        try sineWAV(seconds: 1).write(to: audio)
        let c = cal.dateComponents([.year, .month, .day], from: day0)
        let evening = SlotOccurrence(
            station: "ba-dinh", date: CivilDate(year: c.year!, month: c.month!, day: c.day!)!, slot: "evening",
            start: at(0, 17, 0), utcOffsetSeconds: 7 * 3600, lengthSeconds: 900,
            items: [ScheduledItem(kind: .message, message: "msg-a", priority: .normal,
                                  media: Media(path: "a.wav", url: dir.appendingPathComponent("a.wav"), duration: 30),
                                  offset: 0, duration: 30)])
        let s = try WebStation(pace: 0, folder: dir, running: false) { c in
            c.clock = .custom(SimulatedClock(start: day0))
            c.engine.until = at(2, 0, 0)
            c.engine.lower = day0
            c.schedule = .slots([evening])
            c.alertAudio = { _ in audio }
        }
        defer { s.stop() }
        let blob = StationAlert.Blob(sha256: String(repeating: "a", count: 64), size: 16_044, mimeType: "audio/wav")
        var storm = stationAlert("HN-STORM", effective: at(0, 6, 30), expires: at(1, 12, 0), repeatSeconds: 3600,
                                 blob: blob)
        storm.seq = 1; storm.hoursFrom = 7 * 60; storm.hoursTo = 20 * 60
        var river = stationAlert("HN-RIVER", mode: .nextSlot, effective: at(0, 9, 0), expires: at(1, 0, 0), blob: blob)
        river.seq = 2
        // Next-slot, but no slot opens between 18:00 and 23:00 of the second day.
        var night = stationAlert("HN-NIGHT", mode: .nextSlot, effective: at(1, 18, 0), expires: at(1, 23, 0), blob: blob)
        night.seq = 3
        s.daemon.alerts.receive([storm, river, night])
        #expect(AlertStation.waitFor(10) { s.daemon.alerts.preparing == 0 })
        s.run()
        #expect(s.done.wait(timeout: .now() + 30) == .success)
        s.done.signal()   // for `stop()`, which waits for the same end
        let rows = try s.log.events()
        // 07:00 (06:30 moved to the opening), then 07:30 … 19:30; the next day 07:00, 07:30 … 11:30; then expired.
        let expected = [at(0, 7, 0)] + (7...19).map { at(0, $0, 30) } + [at(1, 7, 0)] + (7...11).map { at(1, $0, 30) }
        let storms = rows.filter { $0.kind == .started && $0.detail == "HN-STORM" }
        #expect(storms.map(\.at) == expected.map { Timestamp.format($0, timeZone: tz) })
        #expect(rows.filter { $0.kind == .finished && $0.detail == "HN-STORM" }.count == 20)
        #expect(storms.allSatisfy { $0.source == .emergency && $0.airing.hasSuffix("/alert:HN-STORM") })
        // The next-slot alert: first in the 17:00 slot, the slot's message right after it.
        let river0 = try #require(rows.first { $0.kind == .started && $0.detail == "HN-RIVER" })
        #expect(river0.at == Timestamp.format(at(0, 17, 0), timeZone: tz))
        #expect(rows.filter { $0.kind == .started && $0.detail == "HN-RIVER" }.count == 1)
        let message = try #require(rows.first { $0.kind == .started && $0.message == "msg-a" })
        #expect(message.at == Timestamp.format(at(0, 17, 0).addingTimeInterval(1), timeZone: tz))
        #expect(rows.contains { $0.kind == .finished && $0.message == "msg-a" })
        // The one no slot took: one `missed` row at its expiry, for its instant, naming it.
        let nights = rows.filter { AlertScheduler.identifier(ofAiring: $0.airing) == "HN-NIGHT" }
        #expect(nights.count == 1 && nights.first?.kind == .missed, "\(nights.map(\.kind))")
        #expect(nights.first?.at == Timestamp.format(at(1, 23, 0), timeZone: tz))
        #expect(nights.first?.airing == "ba-dinh@\(Timestamp.format(at(1, 18, 0), timeZone: tz))/alert:HN-NIGHT")
        #expect(nights.first?.detail?.hasPrefix("HN-NIGHT (") == true)
    }
}
