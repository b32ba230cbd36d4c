import Foundation
import LoaCore
import LoaHub
import LoaLog
import LoaPlayout
import LoaSync
import LoaTestSupport
import Testing

/// `GET /api/v1/report`: the same figures `loa report` gives over the logs copied by hand.
@Suite(.serialized) struct HubReportTests {
    /// The report's JSON without what names the log files and the day it was made.
    func figures(_ data: Data) throws -> NSDictionary {
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return object.filter { $0.key != "logs" && $0.key != "made" } as NSDictionary
    }

    @Test(arguments: StoreKind.allCases) func theHubsReportEqualsLoaReportOverTheSameLogs(store: StoreKind) async throws {
        let hub = try await RunningHub.start(store)
        defer { Task { await hub.stop() } }
        let loaded = loadCheckedPlan(path: samplePlanPath)
        _ = try await PlanPublisher.publish(plan: try #require(loaded.validPlan), planFiles: loaded.files, to: hub.adminClient)
        let dir = TemporaryFolders.make("loa-hub-report")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var logs: [String] = []
        // Two weeks pushed one at a time, with a report between: the second report reads the stored rows of both
        // weeks, the second week's arrived after the first report.
        for (from, to) in [("2026-06-01", "2026-06-07"), ("2026-06-08", "2026-06-14")] {
            for station in ["ba-dinh", "hoan-kiem"] {
                let path = dir.appendingPathComponent("\(station).sqlite").path
                let run = try LoaBinary.run(["run", samplePlanPath, "--station", station, "--clock", "simulated",
                                             "--from", from, "--to", to, "--log", path, "-q"], in: dir)
                #expect(run.status == 0, "\(run.err)")
                let log = try AiringLog(path: path)
                let key = try StationKey.loadOrCreate(at: dir.appendingPathComponent("station.key")).publicKey
                _ = try await EventPusher(log: log, station: station, client: hub.station(station), stationKey: key).pushPending()
                if !logs.contains(path) { logs.append(path) }
            }
            let (first, _, _) = try await hub.raw(.GET, "/api/v1/report?format=json&until=\(to)", token: hub.admin)
            #expect(first == 200)
        }
        let (status, body, _) = try await hub.raw(.GET, "/api/v1/report?format=json&from=2026-06-01&to=2026-06-14",
                                                  token: hub.admin)
        #expect(status == 200, "\(String(decoding: body, as: UTF8.self))")
        let byHand = dir.appendingPathComponent("by-hand.json")
        let local = try LoaBinary.run(["report", samplePlanPath, "--log"] + logs + ["--format", "json", "--from", "2026-06-01",
                                       "--to", "2026-06-14", "--out", byHand.path], in: dir)
        #expect(local.status == 0, "\(local.err)")
        let hubFigures = try figures(body), handFigures = try figures(try Data(contentsOf: byHand))
        #expect(hubFigures == handFigures)
        #expect((hubFigures["totals"] as? [String: Any]) != nil, "the report has its totals")
        let (htmlStatus, html, headers) = try await hub.raw(.GET, "/api/v1/report?format=html&until=2026-06-14", token: hub.admin)
        #expect(htmlStatus == 200 && headers.first(name: "Content-Type")?.hasPrefix("text/html") == true)
        #expect(String(decoding: html, as: UTF8.self).contains("<html"))
        let (xlsxStatus, xlsx, _) = try await hub.raw(.GET, "/api/v1/report?format=xlsx&until=2026-06-14", token: hub.admin)
        #expect(xlsxStatus == 200 && xlsx.prefix(2) == Data("PK".utf8), "an xlsx workbook (a zip)")
        let (refused, _, _) = try await hub.raw(.GET, "/api/v1/report?format=json", token: hub.stationTokens["ba-dinh"])
        #expect(refused == 403)
        let (bad, badBody, _) = try await hub.raw(.GET, "/api/v1/report?format=json&from=June", token: hub.admin)
        #expect(bad == 422 && refusal(badBody)?.message.contains("from must be a date") == true)
    }
}
