import Foundation
import LoaAlerts
import LoaCore
import LoaHub
import LoaLog
import LoaSync
import LoaTestSupport
import Testing

/// A repeating alert's instants a station missed while it was off come back to the hub as `missed` rows (the
/// station's `AlertScheduler`), and the per-alert status counts them beside the airing that followed.
@Suite(.serialized) struct HubAlertMissedTests {
    @Test(arguments: StoreKind.allCases) func theStatusCountsTheInstantsAStationMissedWhileItWasOff(store: StoreKind) async throws {
        let hub = try await RunningHub.startForAlerts(store)
        defer { Task { await hub.stop() } }
        let d = draft(["ba-dinh"], repeatSeconds: 600)
        let answer = try #require(try await hub.postAlert(d.capDocument()).1)
        _ = try await hub.poll("ba-dinh")
        let log = try AiringLog(path: TemporaryFolders.make("loa-alert-log").appendingPathComponent("ba-dinh.sqlite").path)
        let back = answer.receivedAt.addingTimeInterval(1800)
        func stamp(_ d: Date) -> String { Timestamp.format(d, utcOffsetSeconds: 7 * 3600, milliseconds: true) }
        // Back after half an hour: two instants logged missed (as the station words them), the latest aired.
        for k in 0..<2 {
            let instant = answer.receivedAt.addingTimeInterval(Double(k) * 600)
            try log.append(AiringEvent(at: stamp(back), kind: .missed, airing: "ba-dinh@\(stamp(instant))/alert:\(d.identifier)",
                                       station: "ba-dinh", plan: "alert-fleet", source: .emergency,
                                       detail: "\(d.identifier) (the station was off at \(stamp(instant)))"))
        }
        for (kind, at) in [(EventKind.started, back), (.finished, back.addingTimeInterval(20))] {
            try log.append(AiringEvent(at: stamp(at), kind: kind, airing: "ba-dinh@\(stamp(answer.receivedAt.addingTimeInterval(1200)))/alert:\(d.identifier)",
                                       station: "ba-dinh", plan: "alert-fleet", source: .emergency, plannedSeconds: 20,
                                       playedSeconds: kind == .finished ? 20 : nil, detail: d.identifier))
        }
        _ = try await EventPusher(log: log, station: "ba-dinh", client: hub.station("ba-dinh"),
                                  stationKey: StationKey.ephemeral().publicKey).pushPending()
        let progress = try #require(try await hub.status(answer.key).stations.first { $0.station == "ba-dinh" })
        #expect(progress.state == "finished" && progress.airings == 1 && progress.missed == 2, "\(progress)")
        let (_, body, _) = try await hub.raw(.GET, "/api/v1/alerts/" + (answer.key.addingPercentEncoding(
            withAllowedCharacters: .alphanumerics) ?? ""), token: hub.admin)
        #expect(String(decoding: body, as: UTF8.self).contains("\"missed\":2"), "the JSON names the count")
    }
}
