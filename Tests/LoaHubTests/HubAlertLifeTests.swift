import Foundation
import LoaAlerts
import LoaCore
import LoaHub
import LoaLog
import LoaSync
import LoaTestSupport
import Testing

/// What outlives a request: alerts across a hub restart, audio by `uri`, and what became of an alert at each
/// station (handed out, started, finished, not reached; receipt → first sample).
@Suite(.serialized) struct HubAlertLifeTests {
    @Test(arguments: StoreKind.allCases) func aRestartedHubKeepsItsRepeatingAlertsAndTheirSeq(store: StoreKind) async throws {
        let data = TemporaryFolders.make("loa-hub").appendingPathComponent("data").path
        let database = store == .postgres ? try await PostgresTestServer.shared.database() : nil
        let first = try await HubService.open(data: data, database: database)
        let admin = try await first.issueToken(.admin)
        var tokens: [String: String] = [:]
        for s in alertStations { tokens[s.id] = try await first.issueToken(.station(s.id)) }
        let before = try await RunningHub.serve(first, admin: admin, tokens: tokens)
        try await before.publishRoster()
        let repeating = draft(["group:riverside"], expiresIn: 86_400, repeatSeconds: 3600, hours: "07:00-20:00")
        let stored = try #require(try await before.postAlert(repeating.capDocument()).1)
        await before.stop()

        let hub = try await RunningHub.serve(try await HubService.open(data: data, database: database), admin: admin, tokens: tokens)
        defer { Task { await hub.stop() } }
        // A station that lost everything asks from the start: the alert still repeating comes, as it was.
        let polled = try await hub.poll("hong-ha", after: 0)
        let alert = try #require(polled.alerts.first)
        #expect(polled.alerts.count == 1 && alert.seq == stored.seq && alert.key == stored.key)
        #expect(alert.repeatSeconds == 3600 && alert.hoursFrom == 420 && alert.hoursTo == 1200)
        #expect(try await hub.postAlert(repeating.capDocument()).0 == 200, "still one alert after the restart")
        let next = try #require(try await hub.postAlert(draft(["hong-ha"]).capDocument()).1)
        #expect(next.seq > stored.seq, "seqs go on growing")
    }

    @Test func audioByUriIsTheHubsOwnBlobWithItsDigestChecked() async throws {
        let hub = try await RunningHub.startForAlerts()
        defer { Task { await hub.stop() } }
        let audio = Data((0..<3000).map { UInt8($0 % 200) })
        let sha = sha256Hex(audio)
        try await hub.adminClient.putBlob(audio, sha256: sha)
        func byURI(_ uri: String, digest: String) -> Data {
            let xml = String(decoding: draft(["ba-dinh"]).capDocument(), as: UTF8.self)
            return Data(xml.replacingOccurrences(of: "<area>", with: """
                <resource><resourceDesc>Bản tin</resourceDesc><mimeType>audio/mpeg</mimeType><uri>\(uri)</uri>
                <digest>\(digest)</digest></resource><area>
                """).utf8)
        }
        let (status, answer, problem) = try await hub.postAlert(byURI(hub.base + "/api/v1/blobs/\(sha)", digest: CAPDigest.sha1Hex(audio)))
        #expect(status == 201 && answer?.audio == sha, "\(String(describing: problem))")
        let wrong = try await hub.postAlert(byURI(hub.base + "/api/v1/blobs/\(sha)", digest: String(repeating: "1", count: 40)))
        #expect(wrong.0 == 422 && wrong.2?.message.contains("does not match its digest") == true)
        let elsewhere = try await hub.postAlert(byURI("http://example.org/storm.mp3", digest: CAPDigest.sha1Hex(audio)))
        #expect(elsewhere.0 == 422 && elsewhere.2?.message.contains("only its own blobs") == true)
        let missing = try await hub.postAlert(byURI(hub.base + "/api/v1/blobs/" + String(repeating: "a", count: 64), digest: "00"))
        #expect(missing.0 == 422 && missing.2?.error == "missingBlob")
    }

    @Test(arguments: StoreKind.allCases) func theStatusShowsEachStationsProgressAndReceiptToFirstSample(store: StoreKind) async throws {
        let hub = try await RunningHub.startForAlerts(store)
        defer { Task { await hub.stop() } }
        let d = draft(["ba-dinh", "hoan-kiem", "hong-ha"])
        let answer = try #require(try await hub.postAlert(d.capDocument()).1)
        _ = try await hub.poll("ba-dinh")
        _ = try await hub.poll("hoan-kiem")
        // ba-dinh airs it: started 850 ms after the hub's receipt, finished 20 s later, written as the station does.
        let log = try AiringLog(path: TemporaryFolders.make("loa-alert-log").appendingPathComponent("ba-dinh.sqlite").path)
        let start = answer.receivedAt.addingTimeInterval(0.85)
        for (kind, at) in [(EventKind.started, start), (.finished, start.addingTimeInterval(20))] {
            try log.append(AiringEvent(at: Timestamp.format(at, utcOffsetSeconds: 7 * 3600, milliseconds: true), kind: kind,
                                       airing: "ba-dinh-e1", station: "ba-dinh", plan: "alert-fleet", source: .emergency,
                                       plannedSeconds: 20, playedSeconds: kind == .finished ? 20 : nil, detail: d.identifier))
        }
        _ = try await EventPusher(log: log, station: "ba-dinh", client: hub.station("ba-dinh"),
                                  stationKey: StationKey.ephemeral().publicKey).pushPending()
        let status = try await hub.status(answer.key)
        let byStation = Dictionary(uniqueKeysWithValues: status.stations.map { ($0.station, $0) })
        #expect(status.stations.count == 3 && status.identifier == d.identifier && status.state == .active)
        let aired = try #require(byStation["ba-dinh"])
        #expect(aired.state == "finished" && aired.airings == 1)
        // 850 ms, give or take the millisecond the written times are rounded to.
        #expect(abs((aired.receiptToFirstSampleMs ?? 0) - 850) <= 1, "\(String(describing: aired.receiptToFirstSampleMs))")
        #expect(aired.deliveredAt != nil && aired.endedAt != nil)
        #expect(byStation["hoan-kiem"]?.state == "delivered", "handed the alert, not aired yet")
        #expect(byStation["hong-ha"]?.state == "not_reached" && byStation["hong-ha"]?.reason == "never_contacted")
        #expect(status.counts == ["finished": 1, "delivered": 1, "not_reached": 1])
        let (code, body, _) = try await hub.raw(.GET, "/api/v1/alerts", token: hub.admin)
        let all = try StationAlert.decoder.decode([AlertStatus].self, from: body)
        #expect(code == 200 && all.map(\.key) == [answer.key] && all.first?.counts == status.counts)
        // hoan-kiem could not air it: the station writes `IDENTIFIER (REASON)`, and the hub shows both.
        let missedLog = try AiringLog(path: TemporaryFolders.make("loa-alert-log").appendingPathComponent("hk.sqlite").path)
        try missedLog.append(AiringEvent(at: Timestamp.format(start, utcOffsetSeconds: 7 * 3600, milliseconds: true),
                                         kind: .missed, airing: "hoan-kiem-e1", station: "hoan-kiem", plan: "alert-fleet",
                                         source: .emergency, plannedSeconds: 20,
                                         detail: d.identifier + " (audio failed its SHA-256 check)"))
        _ = try await EventPusher(log: missedLog, station: "hoan-kiem", client: hub.station("hoan-kiem"),
                                  stationKey: StationKey.ephemeral().publicKey).pushPending()
        let later = try await hub.status(answer.key).stations.first { $0.station == "hoan-kiem" }
        #expect(later?.state == "missed" && later?.reason == "audio failed its SHA-256 check", "\(String(describing: later))")
        #expect(try await hub.raw(.GET, "/api/v1/alerts", token: hub.stationTokens["ba-dinh"]).0 == 403)
    }
}
