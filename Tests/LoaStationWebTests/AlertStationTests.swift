import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LoaAlerts
import LoaCore
import LoaLog
import LoaPlayout
import LoaSync
import LoaTestSupport
import Testing

/// Issue 17, the station's side: alerts from a hub (over real HTTP on 127.0.0.1: Server-Sent Events, the JSON poll,
/// blobs) air through the real daemon's emergency path and land in the real SQLite log. The paced sink plays 1 s of
/// audio in 0.2 s.
@Suite(.serialized) struct AlertStationTests {
    @Test func anImmediateAlertCutsInWithinItsBoundAndIsLoggedAsTheAlerts() async throws {
        let hub = try await AlertHub().start()
        let s = try AlertStation(hub: hub, lead: 0.2)
        defer { s.stop() }
        // The slot's 30 s message is on air when the alert arrives.
        #expect(s.waitFor { s.rows.contains { $0.message == "msg-a" && $0.kind == .started } })
        let alert = hub.publish(stationAlert("HN-2026-0601-01", blob: hub.blob(alertAudio(seconds: 5))))
        #expect(s.waitFor { s.count("HN-2026-0601-01", .finished) == 1 })
        let rows = s.rows
        let cut = try #require(rows.first { $0.message == "msg-a" && $0.kind == .preempted })
        let started = try #require(s.rows("HN-2026-0601-01").first { $0.kind == .started })
        #expect(started.source == .emergency && started.detail == "HN-2026-0601-01")
        #expect(started.airing.hasPrefix("ba-dinh@") && started.airing.hasSuffix("/alert:HN-2026-0601-01"))
        #expect(started.audioSHA256 != nil && started.audio?.hasSuffix("\(alert.audio!.sha256).wav") == true)
        #expect(s.rows("HN-2026-0601-01").allSatisfy { $0.source == .emergency && $0.detail == "HN-2026-0601-01" })
        // The cut: from the alert handed to the engine to the programme off the air.
        let cutMs = try #require(s.web.daemon.engine.stats.cutLatencies.last)
        #expect(cutMs <= 100, "cut in \(cutMs) ms")
        #expect(cut.seq < started.seq)
        // Receipt at the hub → the alert's first sample, over loopback with audio new to the station.
        let firstSample = started.time.timeIntervalSince(alert.receivedAt)
        #expect(firstSample < 1.0, "receipt → first sample \(firstSample) s")
        // The programme goes on after it.
        #expect(s.waitFor { s.rows.contains { $0.message == "msg-b" && $0.kind == .started } })
        #expect(try s.web.log.verify().isOK)
        await hub.stop()
    }

    @Test func statusAndPageShowTheAlertOnAirAndTheOnesToRepeat() async throws {
        let hub = try await AlertHub().start()
        let s = try AlertStation(hub: hub)
        defer { s.stop() }
        let effective = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        hub.publish(stationAlert("HN-REPEAT", effective: effective, repeatSeconds: 30,
                                 blob: hub.blob(alertAudio(seconds: 10)), headline: "Bão số 3 đổ bộ"))
        hub.publish(stationAlert("HN-LATER", mode: .nextSlot, blob: hub.blob(alertAudio(seconds: 1)),
                                 headline: "Nước sông Hồng lên"))
        #expect(s.waitFor { s.count("HN-REPEAT", .started) == 1 })
        let b = Browser(s.web.base)
        try await b.login(WebStation.password)
        let status = try await b.send("GET", "/api/v1/status")
        let alerts = try #require(status.json["alerts"] as? [String: Any])
        let onAir = try #require(alerts["on_air"] as? [String: Any])
        #expect(onAir["identifier"] as? String == "HN-REPEAT" && onAir["headline"] as? String == "Bão số 3 đổ bộ")
        let upcoming = try #require(alerts["upcoming"] as? [[String: Any]])
        let repeatNext = try #require(upcoming.first { $0["identifier"] as? String == "HN-REPEAT" })
        let tz = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        #expect(repeatNext["next"] as? String == Timestamp.format(effective.addingTimeInterval(30), timeZone: tz))
        let later = try #require(upcoming.first { $0["identifier"] as? String == "HN-LATER" })
        #expect(later["mode"] as? String == "next_slot" && later["headline"] as? String == "Nước sông Hồng lên")
        // The page draws them (its script fills the alerts section from the status).
        let page = try await b.send("GET", "/")
        #expect(page.text.contains("id=\"alerts\"") && page.text.contains("drawAlerts(s.alerts)"))
        // Over: nothing on air, the repeat still to come.
        #expect(s.waitFor { s.count("HN-REPEAT", .finished) == 1 })
        let after = try await b.send("GET", "/api/v1/status")
        let afterAlerts = try #require(after.json["alerts"] as? [String: Any])
        #expect(afterAlerts["on_air"] is NSNull)
        #expect((afterAlerts["upcoming"] as? [[String: Any]])?.count == 2)
        await hub.stop()
    }

    @Test func anUpdateReplacesTheAlertOnAirAndItsRepeats() async throws {
        let hub = try await AlertHub().start()
        let s = try AlertStation(hub: hub)
        defer { s.stop() }
        let old = hub.publish(stationAlert("HN-OLD", repeatSeconds: 2, blob: hub.blob(alertAudio(seconds: 10))))
        #expect(s.waitFor { s.count("HN-OLD", .started) == 1 })
        hub.publish(stationAlert("HN-NEW", blob: hub.blob(alertAudio(seconds: 3)), stops: [old.key]))
        #expect(s.waitFor { s.count("HN-NEW", .finished) == 1 })
        let cut = try #require(s.rows("HN-OLD").first { $0.kind == .interrupted })
        #expect(cut.detail?.hasPrefix("HN-OLD (") == true && cut.detail?.contains("HN-NEW") == true, "\(cut.detail ?? "")")
        let new = try #require(s.rows("HN-NEW").first { $0.kind == .started })
        #expect(new.seq > cut.seq)
        // The old alert's later instants (every 2 s) no longer air.
        try await Task.sleep(for: .seconds(2.5))
        #expect(s.count("HN-OLD", .started) == 1)
        await hub.stop()
    }

    @Test func aCancelCutsTheAlertOnAirAndDropsItsLaterAirings() async throws {
        let hub = try await AlertHub().start()
        let s = try AlertStation(hub: hub)
        defer { s.stop() }
        let alert = hub.publish(stationAlert("HN-STORM", repeatSeconds: 2, blob: hub.blob(alertAudio(seconds: 10))))
        #expect(s.waitFor { s.count("HN-STORM", .started) == 1 })
        hub.publish(stationAlert("HN-STORM-CANCEL", action: .cancel, stops: [alert.key]))
        #expect(s.waitFor { s.count("HN-STORM", .interrupted) == 1 })
        let cut = try #require(s.rows("HN-STORM").first { $0.kind == .interrupted })
        #expect(cut.detail?.contains("HN-STORM-CANCEL") == true, "\(cut.detail ?? "")")
        #expect((cut.playedSeconds ?? 99) < 10)
        try await Task.sleep(for: .seconds(2.5))
        #expect(s.count("HN-STORM", .started) == 1)
        #expect(s.rows("HN-STORM-CANCEL").isEmpty)   // a Cancel airs nothing itself
        await hub.stop()
    }

    @Test func anExerciseAndAnAlertExpiredOnArrivalAreLoggedNeverAired() async throws {
        let hub = try await AlertHub().start()
        let s = try AlertStation(hub: hub)
        defer { s.stop() }
        hub.publish(stationAlert("HN-DRILL", blob: hub.blob(alertAudio(seconds: 1)), airs: false))
        hub.publish(stationAlert("HN-STALE", effective: Date().addingTimeInterval(-7200),
                                 expires: Date().addingTimeInterval(-60), blob: hub.blob(alertAudio(seconds: 1))))
        #expect(s.waitFor { s.count("HN-DRILL", .missed) == 1 && s.count("HN-STALE", .missed) == 1 })
        try await Task.sleep(for: .seconds(0.5))
        let drill = s.rows("HN-DRILL"), stale = s.rows("HN-STALE")
        #expect(drill.count == 1 && stale.count == 1, "\(drill.map(\.kind)) \(stale.map(\.kind))")
        #expect(drill[0].source == .emergency && drill[0].detail?.hasPrefix("HN-DRILL (") == true)
        #expect(stale[0].detail?.hasPrefix("HN-STALE (") == true)
        // Nothing was fetched for them either.
        let fetched = (try? FileManager.default.contentsOfDirectory(atPath: s.dir.appendingPathComponent("alerts").path)) ?? []
        #expect(fetched.isEmpty)
        await hub.stop()
    }

    @Test func aStationOfflineAirsWhatIsStillInForceOnceAndARestartDoesNotAirItAgain() async throws {
        let hub = try await AlertHub().start()
        // Issued 20 s ago, every 8 s, while the station was down: instants at -20, -12, -4 passed.
        let effective = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down) - 20)
        hub.publish(stationAlert("HN-FLOOD", effective: effective, expires: effective.addingTimeInterval(120),
                                 repeatSeconds: 8, blob: hub.blob(alertAudio(seconds: 1))))
        // And an exercise still in force: logged once, not again at the restart.
        hub.publish(stationAlert("HN-DRILL-2", blob: hub.blob(alertAudio(seconds: 1)), airs: false))
        let folder = TemporaryFolders.make("loa-alerts-restart")
        try {
            let s = try AlertStation(hub: hub, folder: folder)
            defer { s.stop() }
            #expect(s.waitFor { s.count("HN-FLOOD", .finished) == 1 })
            let aired = try #require(s.rows("HN-FLOOD").first { $0.kind == .started })
            let tz = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
            // Only the latest instant that passed, not a backlog of three.
            #expect(aired.airing == "ba-dinh@\(Timestamp.format(effective.addingTimeInterval(16), timeZone: tz))/alert:HN-FLOOD")
            #expect(s.count("HN-FLOOD", .started) == 1)
            #expect(s.listener.through == 2)
            #expect(s.waitFor { s.count("HN-DRILL-2", .missed) == 1 })
        }()
        // The first daemon's writer lock goes with the last reference to it (its HTTP face lets go as it closes).
        let logPath = folder.appendingPathComponent("log.sqlite").path
        #expect(AlertStation.waitFor(5) { (try? LogWriterLock(log: logPath)) != nil })
        // Restarted on the same log and state folder: alerts.json hands the alert back, the log says it aired.
        let kept = try Data(contentsOf: folder.appendingPathComponent("alerts.json"))
        #expect(String(decoding: kept, as: UTF8.self).contains("HN-FLOOD"))
        let s = try AlertStation(hub: hub, folder: folder)
        defer { s.stop() }
        #expect(s.waitFor { hub.state.withLock { $0.resumedFrom.count } == 2 })
        #expect(hub.state.withLock { $0.resumedFrom.last } == "2")
        let nextInstant = effective.addingTimeInterval(24)
        try await Task.sleep(for: .seconds(max(0.5, min(1, nextInstant.timeIntervalSinceNow - 0.5))))
        if Date() < nextInstant.addingTimeInterval(-0.2) {
            #expect(s.count("HN-FLOOD", .started) == 1)
        }
        // And the next instant airs as planned.
        #expect(s.waitFor(15) { s.count("HN-FLOOD", .started) == 2 })
        #expect(s.rows("HN-DRILL-2").count == 1)
        await hub.stop()
    }

    @Test func aDroppedStreamReconnectsAndResumesAfterTheLastSeq() async throws {
        let hub = try await AlertHub().start()
        let s = try AlertStation(hub: hub)
        defer { s.stop() }
        #expect(s.waitFor { hub.openStreams == 1 })
        hub.publish(stationAlert("HN-A1", blob: hub.blob(alertAudio(seconds: 1))))
        #expect(s.waitFor { s.count("HN-A1", .finished) == 1 })
        hub.dropStreams()
        #expect(s.waitFor { s.listener.connections == 2 && hub.openStreams == 1 })
        #expect(hub.state.withLock { $0.resumedFrom } == [nil, "1"])
        hub.publish(stationAlert("HN-A2", blob: hub.blob(alertAudio(seconds: 1))))
        #expect(s.waitFor { s.count("HN-A2", .finished) == 1 })
        // The JSON poll (every sync round) finds nothing new: nothing airs twice.
        #expect(try await s.listener.pollOnce().get() == 0)
        try await Task.sleep(for: .seconds(0.5))
        #expect(s.count("HN-A1", .started) == 1 && s.count("HN-A2", .started) == 1)
        await hub.stop()
    }

    @Test func theJSONPollAloneDeliversWhenThereIsNoStream() async throws {
        let hub = try await AlertHub().start()
        let s = try AlertStation(hub: hub, listen: false)
        defer { s.stop() }
        hub.publish(stationAlert("HN-POLLED", blob: hub.blob(alertAudio(seconds: 1))))
        #expect(try await s.listener.pollOnce().get() == 1)
        #expect(s.waitFor { s.count("HN-POLLED", .finished) == 1 })
        #expect(hub.state.withLock { $0.polls } == 1 && hub.openStreams == 0)
        await hub.stop()
    }

    @Test func audioWhoseDigestDoesNotMatchIsLoggedMissedWithTheReason() async throws {
        let hub = try await AlertHub().start()
        let s = try AlertStation(hub: hub)
        defer { s.stop() }
        let good = alertAudio(seconds: 1)
        var tampered = good
        tampered[tampered.count - 1] ^= 0x55
        hub.publish(stationAlert("HN-TAMPERED", blob: hub.blob(good, served: tampered)))
        #expect(s.waitFor { s.count("HN-TAMPERED", .missed) == 1 })
        let missed = try #require(s.rows("HN-TAMPERED").first)
        #expect(missed.detail?.hasPrefix("HN-TAMPERED (") == true && missed.detail?.contains("SHA-256") == true,
                "\(missed.detail ?? "")")
        #expect(s.count("HN-TAMPERED", .started) == 0)
        await hub.stop()
    }

    @Test func audioThatDoesNotDecodeIsLoggedMissedAndATextAlertIsSpokenAndAired() async throws {
        let hub = try await AlertHub().start()
        let s = try AlertStation(hub: hub)
        defer { s.stop() }
        hub.publish(stationAlert("HN-GARBLED", blob: hub.blob(Data("this is not audio at all".utf8))))
        hub.publish(stationAlert("HN-SPOKEN", text: "Bão số ba đang vào Hà Nội, bà con ở trong nhà."))
        #expect(s.waitFor(20) { s.count("HN-GARBLED", .missed) == 1 && s.count("HN-SPOKEN", .finished) == 1 })
        let missed = try #require(s.rows("HN-GARBLED").first)
        #expect(missed.kind == .missed && missed.detail?.hasPrefix("HN-GARBLED (") == true, "\(missed.detail ?? "")")
        #expect(s.count("HN-GARBLED", .started) == 0)
        // Speech: rendered by espeak-ng at the station, the rendered file named in the log.
        let spoken = try #require(s.rows("HN-SPOKEN").first { $0.kind == .started })
        #expect(spoken.audio?.hasSuffix(".wav") == true && spoken.audioSHA256 != nil && spoken.detail == "HN-SPOKEN")
        await hub.stop()
    }

    @Test func aCutInReplacesANextSlotAlertOnAirAndASecondCutInWaitsForTheFirst() async throws {
        let hub = try await AlertHub().start()
        // The slot opens in 1.5 s; a next-slot alert waits for it and goes first.
        let s = try AlertStation(hub: hub, lead: 1.5)
        defer { s.stop() }
        hub.publish(stationAlert("HN-EXPECTED", mode: .nextSlot, blob: hub.blob(alertAudio(seconds: 10))))
        #expect(s.waitFor { s.count("HN-EXPECTED", .started) == 1 })
        let first = try #require(s.rows("HN-EXPECTED").first)
        let slotStart = try #require(s.rows.first { $0.slotStart != nil }?.slotStart.flatMap(Timestamp.parse))
        #expect(abs(first.time.timeIntervalSince(slotStart)) < 0.1, "first in the slot: \(first.at)")
        #expect(!s.rows.contains { $0.kind == .started && $0.source == .schedule })
        // A cut-in alert cuts it.
        hub.publish(stationAlert("HN-NOW", blob: hub.blob(alertAudio(seconds: 5))))
        #expect(s.waitFor { s.count("HN-NOW", .started) == 1 })
        #expect(s.count("HN-EXPECTED", .preempted) == 1)
        // A second cut-in while the first is on air waits for its end.
        hub.publish(stationAlert("HN-NOW-2", blob: hub.blob(alertAudio(seconds: 1))))
        #expect(s.waitFor { s.count("HN-NOW-2", .finished) == 1 })
        let firstEnd = try #require(s.rows("HN-NOW").first { $0.kind == .finished })
        let second = try #require(s.rows("HN-NOW-2").first { $0.kind == .started })
        #expect(second.seq > firstEnd.seq, "second started \(second.at), first ended \(firstEnd.at)")
        // Then the slot's own items.
        #expect(s.waitFor { s.rows.contains { $0.kind == .started && $0.source == .schedule } })
        await hub.stop()
    }
}
