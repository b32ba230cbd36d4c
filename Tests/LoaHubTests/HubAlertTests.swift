import Foundation
import LoaAlerts
import LoaCore
import LoaHub
import LoaLog
import LoaSync
import LoaTestSupport
import Testing

/// The hub's side of fleet emergencies (SPEC §9): CAP alerts taken, stored in both stores, targeted, fanned out to
/// the stations' streams and long polls, and what became of each.
@Suite(.serialized) struct HubAlertTests {
    @Test(arguments: StoreKind.allCases) func anAlertIsStoredWithItsTargetsAndItsAudioAndTheSameAlertAgainIsOne(store: StoreKind) async throws {
        let hub = try await RunningHub.startForAlerts(store)
        defer { Task { await hub.stop() } }
        let audio = Data((0..<4000).map { UInt8($0 % 251) })
        let xml = draft(["group:riverside"], audio: audio).capDocument()
        let (status, answer, problem) = try await hub.postAlert(xml)
        #expect(status == 201, "\(String(describing: problem))")
        let a = try #require(answer)
        #expect(a.targets == ["hoan-kiem", "hong-ha"], "group riverside resolved to its stations")
        #expect(a.airs && a.mode == "cut_in" && a.action == "air" && a.seq >= 1)
        #expect(a.audio == sha256Hex(audio), "the inline audio is stored as a blob named by its SHA-256")
        // A targeted station fetches the audio with its own token.
        #expect(try await hub.station("hong-ha").blob(a.audio!) == audio)

        let (again, same, _) = try await hub.postAlert(xml)
        #expect(again == 200 && same == a, "the same sender + identifier again answers what was stored")
        let polled = try await hub.poll("hong-ha")
        #expect(polled.alerts.map(\.key) == [a.key], "one alert, not two")
        #expect(polled.alerts.first?.audio?.sha256 == a.audio && polled.alerts.first?.receivedAt == a.receivedAt)
        #expect(try await hub.poll("ba-dinh").alerts.isEmpty, "ba-dinh is not riverside: it sees nothing")
    }

    @Test func faultyAlertsAreRefusedNamingTheElement() async throws {
        let hub = try await RunningHub.startForAlerts()
        defer { Task { await hub.stop() } }
        let good = String(decoding: draft(["ba-dinh"]).capDocument(), as: UTF8.self)
        let audio = Data("RIFF not really".utf8)
        let withAudio = String(decoding: draft(["ba-dinh"], audio: audio).capDocument(), as: UTF8.self)
        let digest = CAPDigest.sha1Hex(audio)
        var expired = draft(["ba-dinh"], expiresIn: -60)
        expired.sent = Date().addingTimeInterval(-7200)
        let cases: [(String, String, Int, String)] = [
            ("malformed XML", String(good.dropLast(20)), 422, "malformed XML"),
            ("external entity", good.replacingOccurrences(
                of: "<alert ", with: "<!DOCTYPE alert [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><alert "), 422, "DOCTYPE"),
            ("billion laughs", good.replacingOccurrences(of: "<alert ", with: """
                <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><alert
                """), 422, "DOCTYPE"),
            ("missing sender", good.replacingOccurrences(of: "<sender>canhbao@hanoi.gov.vn</sender>", with: ""), 422,
             "missing alert/sender"),
            ("missing urgency", good.replacingOccurrences(of: "<urgency>Immediate</urgency>", with: ""), 422,
             "missing alert/info[1]/urgency"),
            ("unknown geocode", good.replacingOccurrences(of: "<value>ba-dinh</value>", with: "<value>atlantis</value>"),
             422, "unknown geocode loa:station: atlantis"),
            ("unknown group", good.replacingOccurrences(
                of: "<valueName>loa:station</valueName><value>ba-dinh</value>",
                with: "<valueName>loa:group</valueName><value>mountain</value>"), 422, "loa:group: mountain"),
            ("digest mismatch", withAudio.replacingOccurrences(of: digest, with: String(repeating: "0", count: 40)), 422,
             "does not match its digest"),
            ("already expired", String(decoding: expired.capDocument(), as: UTF8.self), 422,
             "already expired"),
            ("cancel of an unknown alert", String(decoding: draft([], cancels: ["canhbao@hanoi.gov.vn,nope-1"])
                .capDocument(), as: UTF8.self), 422, "holds no alert canhbao@hanoi.gov.vn,nope-1"),
            ("not CAP", "<alert xmlns=\"urn:example\"><identifier>x</identifier></alert>", 422, "alert/@xmlns"),
        ]
        for (what, body, expected, words) in cases {
            let (status, answer, problem) = try await hub.postAlert(Data(body.utf8))
            #expect(status == expected && answer == nil, "\(what): \(status)")
            #expect(problem?.message.contains(words) == true, "\(what): \(problem?.message ?? "no refusal body")")
            #expect(problem?.messageVi.isEmpty == false, "\(what): Vietnamese words too")
        }
        // Too large: refused before it is read whole.
        let huge = Data(repeating: 0x20, count: CAPAlert.maximumSize + (2 << 20))
        #expect(try await hub.postAlert(huge).0 == 413)
        // Only administrators and alert tokens post; a station's token may not.
        #expect(try await hub.postAlert(Data(good.utf8), token: hub.stationTokens["ba-dinh"]).0 == 403)
        #expect(try await hub.raw(.POST, "/api/v1/alerts", token: nil, body: Data(good.utf8)).0 == 401)
        // Nothing refused was stored or sent.
        #expect(try await hub.poll("ba-dinh").alerts.isEmpty)
        let list = try await hub.raw(.GET, "/api/v1/alerts", token: hub.admin)
        #expect(try StationAlert.decoder.decode([AlertStatus].self, from: list.1).isEmpty)
    }

    @Test(arguments: StoreKind.allCases) func anOpenStreamGetsEachNewAlertAndResumesAfterTheLastEventID(store: StoreKind) async throws {
        let hub = try await RunningHub.startForAlerts(store)
        defer { Task { await hub.stop() } }
        let first = try #require(try await hub.postAlert(draft(["ba-dinh"]).capDocument()).1)
        var stream = try await AlertStream.open(hub, "ba-dinh")
        #expect(stream.status == 200)
        #expect(try await stream.nextAlert()?.key == first.key, "what the station lacked comes first")
        // Another station's alert is not sent; the next one for ba-dinh is, as soon as it is taken.
        _ = try await hub.postAlert(draft(["hong-ha"]).capDocument())
        let posted = Date()
        let second = try #require(try await hub.postAlert(draft(["group:inner"], text: "Cháy chợ").capDocument()).1)
        let got = try #require(try await stream.nextAlert())
        #expect(got.key == second.key && got.text == "Cháy chợ" && got.voice == "vi" && got.mode == .cutIn)
        #expect(Date().timeIntervalSince(posted) < 2, "fanned out at once, not at the next heartbeat")

        // Reconnecting with Last-Event-ID = the first: only the second comes.
        var resumed = try await AlertStream.open(hub, "ba-dinh", lastEventID: first.seq)
        #expect(try await resumed.nextAlert()?.seq == second.seq)
        // A station may not read another's feed.
        let (forbidden, _, _) = try await hub.raw(.GET, "/api/v1/stations/hong-ha/alerts", token: hub.stationTokens["ba-dinh"])
        #expect(forbidden == 403)
    }

    @Test func aStreamIsKeptAliveWithHeartbeats() async throws {
        let data = TemporaryFolders.make("loa-hub").appendingPathComponent("data")
        let opened = try HubService.open(data: data.path)
        let service = HubService(store: opened.store, blobs: opened.blobs, key: opened.key,
                                 alerting: HubAlerting(heartbeat: .milliseconds(200)))
        let hub = try await RunningHub.serve(service, admin: try await service.issueToken(.admin),
                                             tokens: ["ba-dinh": try await service.issueToken(.station("ba-dinh"))])
        defer { Task { await hub.stop() } }
        var stream = try await AlertStream.open(hub, "ba-dinh")
        var heartbeats = 0
        while heartbeats < 2, let e = try await stream.next(comments: true) {
            if e.isComment && e.data == "heartbeat" { heartbeats += 1 }
        }
        #expect(heartbeats == 2)
    }

    @Test func aLongPollWaitsForTheNextAlertForItsStationOnly() async throws {
        let hub = try await RunningHub.startForAlerts()
        defer { Task { await hub.stop() } }
        let empty = try await hub.poll("hoan-kiem")
        #expect(empty.alerts.isEmpty && empty.through == 0)
        async let waited = hub.poll("hoan-kiem", after: 0, wait: 20)
        try await Task.sleep(for: .milliseconds(300))
        let started = Date()
        _ = try await hub.postAlert(draft(["hong-ha"]).capDocument())
        let mine = try #require(try await hub.postAlert(draft(["hoan-kiem"]).capDocument()).1)
        var answer = try await waited
        if answer.alerts.isEmpty { answer = try await hub.poll("hoan-kiem", after: answer.through, wait: 20) }
        #expect(answer.alerts.map(\.key) == [mine.key], "only hoan-kiem's alert")
        #expect(Date().timeIntervalSince(started) < 5, "woken by the alert, not by its 20 s wait")
        let (bad, _, _) = try await hub.raw(.GET, "/api/v1/stations/hoan-kiem/alerts?wait=31", token: hub.stationTokens["hoan-kiem"])
        #expect(bad == 422, "wait is at most 30 s")
    }

    @Test(arguments: StoreKind.allCases) func anUpdateReplacesAndACancelStops(store: StoreKind) async throws {
        let hub = try await RunningHub.startForAlerts(store)
        defer { Task { await hub.stop() } }
        let original = try #require(try await hub.postAlert(draft(["group:inner"], repeatSeconds: 600).capDocument()).1)
        var update = draft(["ba-dinh"], text: "Bão đã đổi hướng")
        update.cancels = []
        let updateXML = String(decoding: update.capDocument(), as: UTF8.self)
            .replacingOccurrences(of: "<msgType>Alert</msgType>", with: """
                <msgType>Update</msgType><references>\(original.key),2026-09-10T05:55:00+07:00</references>
                """)
        let updated = try #require(try await hub.postAlert(Data(updateXML.utf8)).1)
        #expect(updated.stops == [original.key] && updated.action == "air")
        #expect(try await hub.status(original.key).state == .replaced)
        // A station connecting now gets only what is in force: the update, not the replaced alert.
        #expect(try await hub.poll("ba-dinh").alerts.map(\.key) == [updated.key])
        #expect(try await hub.poll("hoan-kiem").alerts.isEmpty, "the update targets ba-dinh only")

        let cancel = try #require(try await hub.postAlert(draft([], cancels: [updated.key]).capDocument()).1)
        #expect(cancel.action == "cancel" && cancel.stops == [updated.key] && cancel.targets == ["ba-dinh"],
                "a cancel reaches the stations that hold what it stops")
        #expect(try await hub.status(updated.key).state == .cancelled)
        let after = try await hub.poll("ba-dinh")
        #expect(after.alerts.map(\.action) == [.cancel], "only the cancel is still worth sending")
        #expect(after.alerts.first?.stops == [updated.key])
    }
}
