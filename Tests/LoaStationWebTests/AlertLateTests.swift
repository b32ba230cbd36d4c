import Foundation
import LoaAlerts
import LoaCore
import LoaLog
import LoaPlayout
import LoaTestSupport
import Testing

/// Alerts that come late (issue 17): instants that passed while the station was off or before it heard of the alert
/// are logged `missed`, once; a next-slot alert whose audio arrives after its slot opened airs in that slot, after
/// the item on air, never cutting it.
@Suite(.serialized) struct AlertLateTests {
    static func isMissedFor(_ row: AiringEvent, _ identifier: String, words: [String]) -> Bool {
        row.kind == .missed && row.source == .emergency && row.detail?.hasPrefix("\(identifier) (") == true
            && words.contains { row.detail?.contains($0) == true }
    }

    @Test func instantsPassedWhileTheStationWasOffAreLoggedMissedOnceAndTheLatestAirs() async throws {
        let hub = try await AlertHub().start()
        let tz = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        // Every 8 s from 20 s ago: -20 and -12 passed while the station was off; -4 is the latest and airs.
        let effective = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down) - 20)
        hub.publish(stationAlert("HN-OFF", effective: effective, expires: effective.addingTimeInterval(120),
                                 repeatSeconds: 8, blob: hub.blob(alertAudio(seconds: 1))))
        let off = ["không hoạt động", "was off"]
        let expectedMissed = [0, 8].map { "ba-dinh@\(Timestamp.format(effective.addingTimeInterval($0), timeZone: tz))/alert:HN-OFF" }
        let folder = TemporaryFolders.make("loa-alerts-off")
        try {
            let s = try AlertStation(hub: hub, folder: folder)
            defer { s.stop() }
            #expect(s.waitFor { s.count("HN-OFF", .finished) == 1 && s.count("HN-OFF", .missed) == 2 })
            let missed = s.rows("HN-OFF").filter { $0.kind == .missed }
            #expect(missed.map(\.airing) == expectedMissed)
            #expect(missed.allSatisfy { Self.isMissedFor($0, "HN-OFF", words: off) }, "\(missed.map(\.detail))")
            let aired = try #require(s.rows("HN-OFF").first { $0.kind == .started })
            #expect(aired.airing.contains(Timestamp.format(effective.addingTimeInterval(16), timeZone: tz)))
        }()
        let logPath = folder.appendingPathComponent("log.sqlite").path
        #expect(AlertStation.waitFor(5) { (try? LogWriterLock(log: logPath)) != nil })
        // Restarted: the alert comes back from alerts.json; its missed instants are already in the log.
        let s = try AlertStation(hub: hub, folder: folder)
        defer { s.stop() }
        #expect(s.waitFor { hub.state.withLock { $0.resumedFrom.count } == 2 })
        try await Task.sleep(for: .milliseconds(500))
        let missed = s.rows("HN-OFF").filter { $0.kind == .missed }
        // The restart's own gap (if an instant passed while it was down) may add one; the first two stay single.
        #expect(expectedMissed.allSatisfy { id in missed.filter { $0.airing == id }.count == 1 }, "\(missed.map(\.airing))")
        #expect(Set(missed.map(\.airing)).count == missed.count, "no instant logged twice")
        await hub.stop()
    }

    @Test func instantsThatPassedBeforeARunningStationHeardOfTheAlertAreLoggedLearnedLate() async throws {
        let hub = try await AlertHub().start()
        let s = try AlertStation(hub: hub, listen: false)
        defer { s.stop() }
        // The station airs (nothing due) for 4.5 s; the hub was unreachable meanwhile. The alert's grid starts on a
        // whole second at least 1 s after the station did.
        let since = Date()
        try await Task.sleep(for: .milliseconds(4500))
        hub.publish(stationAlert("HN-LATE", effective: since.addingTimeInterval(2), repeatSeconds: 1,
                                 blob: hub.blob(alertAudio(seconds: 1))))
        s.listener.start()
        #expect(s.waitFor { s.count("HN-LATE", .started) >= 1 && s.count("HN-LATE", .missed) >= 2 })
        let missed = s.rows("HN-LATE").filter { $0.kind == .missed }
        #expect(missed.allSatisfy { Self.isMissedFor($0, "HN-LATE", words: ["sau lúc", "learned of the alert"]) },
                "\(missed.map(\.detail))")
        // Exactly one row per instant from the first up to the one that aired (the latest passed), that one excluded.
        let firstAired = try #require(s.rows("HN-LATE").first { $0.kind == .started })
        let airedAt = try #require(Self.instant(ofAiring: firstAired.airing))
        let first = Date(timeIntervalSince1970: since.addingTimeInterval(2).timeIntervalSince1970.rounded(.down))
        let tz = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        let expected = stride(from: first, to: airedAt.addingTimeInterval(-0.5), by: 1).map {
            "ba-dinh@\(Timestamp.format($0, timeZone: tz))/alert:HN-LATE"
        }
        #expect(expected.count >= 2 && missed.map(\.airing) == expected, "\(missed.map(\.airing)) vs \(expected)")
        await hub.stop()
    }

    @Test func aCutInRepeatsInstantsThatPassWhileItsAudioIsStillComingAreLoggedMissed() async throws {
        let hub = try await AlertHub().start()
        hub.state.withLock { $0.blobDelay = .milliseconds(2500) }
        let s = try AlertStation(hub: hub)
        defer { s.stop() }
        // Every second from now; its audio takes 2.5 s to come: the instants meanwhile cannot air.
        let effective = Date()
        hub.publish(stationAlert("HN-SLOWFILE", effective: effective, expires: effective.addingTimeInterval(8),
                                 repeatSeconds: 1, blob: hub.blob(alertAudio(seconds: 1))))
        #expect(s.waitFor { s.count("HN-SLOWFILE", .started) >= 1 })
        let rows = s.rows("HN-SLOWFILE")
        let firstAired = try #require(rows.first { $0.kind == .started })
        let airedAt = try #require(Self.instant(ofAiring: firstAired.airing))
        let first = Date(timeIntervalSince1970: effective.timeIntervalSince1970.rounded(.down))
        let tz = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        let expected = stride(from: first, to: airedAt.addingTimeInterval(-0.5), by: 1).map {
            "ba-dinh@\(Timestamp.format($0, timeZone: tz))/alert:HN-SLOWFILE"
        }
        let missed = rows.filter { $0.kind == .missed && $0.seq < firstAired.seq }
        #expect(expected.count >= 2 && missed.map(\.airing) == expected, "\(missed.map(\.airing)) vs \(expected)")
        #expect(missed.allSatisfy { Self.isMissedFor($0, "HN-SLOWFILE", words: ["chưa sẵn sàng", "not ready yet"]) },
                "\(missed.map(\.detail))")
        // Later instants air on their own, each once.
        #expect(s.waitFor { s.count("HN-SLOWFILE", .finished) >= 3 })
        let ids = s.rows("HN-SLOWFILE").filter { $0.kind != .finished }.map(\.airing)
        #expect(Set(ids).count == ids.count, "no instant both missed and aired, none twice")
        await hub.stop()
    }

    /// The instant in an alert's airing id, `STATION@TIME/alert:ID`.
    static func instant(ofAiring airing: String) -> Date? {
        guard let at = airing.firstIndex(of: "@"), let end = airing.range(of: "/alert:") else { return nil }
        return Timestamp.parse(String(airing[airing.index(after: at)..<end.lowerBound]))
    }

    @Test func aNextSlotAlertWhoseAudioArrivesAfterItsSlotOpenedAirsInThatSlotAfterTheItemOnAir() async throws {
        let hub = try await AlertHub().start()
        // The slot opens in 1 s (intro 0.1 s, msg-a 3 s, msg-b 2 s, outro 0.1 s at this pace); the audio takes 2 s,
        // so it is ready about 1 s into msg-a.
        hub.state.withLock { $0.blobDelay = .seconds(2) }
        let s = try AlertStation(hub: hub, lead: 1, pace: 0.1)
        defer { s.stop() }
        hub.publish(stationAlert("HN-SLOW", mode: .nextSlot, blob: hub.blob(alertAudio(seconds: 5))))
        #expect(s.waitFor(20) { s.count("HN-SLOW", .finished) == 1 })
        let rows = s.rows
        let started = try #require(rows.first { $0.kind == .started && $0.detail == "HN-SLOW" })
        let slotStart = try #require(rows.first { $0.source == .schedule }?.slotStart.flatMap(Timestamp.parse))
        #expect(started.time.timeIntervalSince(slotStart) < 15, "in the slot that opened, not a slot later")
        // msg-a was on air when the audio came: it played to its end, then the alert, then msg-b.
        let aEnd = try #require(rows.first { $0.message == "msg-a" && $0.kind != .started })
        #expect(aEnd.kind == .finished, "msg-a is never cut for a next-slot alert: \(aEnd.kind) \(aEnd.detail ?? "")")
        // (The paced sink plays 30 s in 3 s, so the log's times are not compared; its order is.)
        #expect(aEnd.seq < started.seq, "\(aEnd.at) → \(started.at)")
        #expect(s.waitFor(15) { s.rows.contains { $0.message == "msg-b" && $0.kind == .finished } })
        let b = s.rows.filter { $0.message == "msg-b" }
        #expect(b.map(\.kind) == [.started, .finished], "msg-b kept off while the alert aired, then aired whole once")
        let alertEnd = try #require(s.rows.first { $0.kind == .finished && $0.detail == "HN-SLOW" })
        #expect(b[0].seq > alertEnd.seq)
        #expect(!s.rows.contains { $0.source == .schedule && [.preempted, .interrupted].contains($0.kind) })
        await hub.stop()
    }
}
