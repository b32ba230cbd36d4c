import AsyncHTTPClient
import Foundation
import GRDB
import LoaCore
import LoaHub
import LoaLog
import LoaPlayout
import LoaSync
import LoaTestSupport
import NIOCore
import Testing

/// The hub's report reads the stored rows themselves, verifying each station's chain as it reads: a report right
/// after a backlog arrives has nothing to catch up on, writes nothing, and a row changed in the store shows as a
/// broken chain rather than in the figures.
@Suite(.serialized) struct HubReportStoreTests {
    /// Every file under `folder`, relative, but the scratch folder the report's plan is rebuilt in (and removed).
    func files(_ folder: URL) -> Set<String> {
        let names = (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String]) ?? []
        return Set(names.filter { $0 != "scratch" })
    }

    @Test(arguments: StoreKind.allCases) func aReportRightAfterAPushReadsTheStoreAndWritesNothing(store: StoreKind) async throws {
        let hub = try await RunningHub.start(store)
        defer { Task { await hub.stop() } }
        let loaded = loadCheckedPlan(path: samplePlanPath)
        _ = try await PlanPublisher.publish(plan: try #require(loaded.validPlan), planFiles: loaded.files, to: hub.adminClient)
        let data = hub.service.blobs.folder.deletingLastPathComponent()
        for (station, airings) in [("ba-dinh", 400), ("hoan-kiem", 3)] {
            let rows = try stationLog(station, airings: airings).events()
            _ = try await hub.station(station).push(station: station, rows: rows)
        }
        let before = files(data)
        let (status, body, _) = try await hub.raw(.GET, "/api/v1/report?format=json&from=2026-06-01&to=2026-06-30",
                                                  token: hub.admin)
        #expect(status == 200, "\(String(decoding: body, as: UTF8.self))")
        #expect(files(data) == before, "the report wrote nothing beside the store")
        let read = try logs(body)
        #expect(Set(read.keys) == ["ba-dinh", "hoan-kiem"])
        for (station, rows) in [("ba-dinh", 800), ("hoan-kiem", 6)] {
            let log = try #require(read[station])
            #expect(log["chain_ok"] as? Bool == true, "\(log)")
            #expect(log["events"] as? Int == rows, "\(log)")
        }

        // Rows changed in the store behind the hub's back (on both stores: the report checks the chain on the
        // stored bytes): the report says where each chain breaks and why.
        try await tamper(hub, store, [
            "UPDATE events SET played_s = 99 WHERE station = 'ba-dinh' AND seq = 4",
            "DELETE FROM events WHERE station = 'hoan-kiem' AND seq = 3",
        ])
        let (_, tampered, _) = try await hub.raw(.GET, "/api/v1/report?format=json&from=2026-06-01&to=2026-06-30",
                                                 token: hub.admin)
        let broken = try #require(try logs(tampered)["ba-dinh"])
        #expect(broken["chain_ok"] as? Bool == false && broken["first_bad_seq"] as? Int == 4, "\(broken)")
        #expect((broken["chain_problem"] as? String)?.contains("edited") == true, "\(broken)")
        let gap = try #require(try logs(tampered)["hoan-kiem"])
        #expect(gap["chain_ok"] as? Bool == false && gap["first_bad_seq"] as? Int == 3, "\(gap)")
        #expect((gap["chain_problem"] as? String)?.contains("deleted") == true, "\(gap)")
    }

    /// Runs `statements` on the hub's store directly, as someone with the database's password could.
    func tamper(_ hub: RunningHub, _ store: StoreKind, _ statements: [String]) async throws {
        switch store {
        case .sqlite:
            let data = hub.service.blobs.folder.deletingLastPathComponent()
            let database = try DatabaseQueue(path: data.appendingPathComponent("hub.sqlite").path)
            try await database.write { db in for sql in statements { try db.execute(sql: sql) } }
        case .postgres:
            let url = try #require((hub.service.store as? PostgresHubStore)?.url)
            let (status, output) = try PostgresTestServer.run(["psql", url, "-q"] + statements.flatMap { ["-c", $0] })
            #expect(status == 0, "\(output)")
        }
    }

    /// A hub restarted over its data folder reports from the store at once; report logs an earlier hub kept
    /// beside the store are removed, so nothing can disagree with it.
    @Test func aRestartedHubReportsFromTheStoreAndDropsOldReportLogs() async throws {
        let hub = try await RunningHub.start(.sqlite)
        let loaded = loadCheckedPlan(path: samplePlanPath)
        _ = try await PlanPublisher.publish(plan: try #require(loaded.validPlan), planFiles: loaded.files, to: hub.adminClient)
        let rows = try stationLog("ba-dinh", airings: 50).events()
        _ = try await hub.station("ba-dinh").push(station: "ba-dinh", rows: Array(rows[0..<40]))
        await hub.stop()
        let data = hub.service.blobs.folder.deletingLastPathComponent()
        let stale = data.appendingPathComponent("report-logs")
        try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
        try Data("not a log".utf8).write(to: stale.appendingPathComponent("ba-dinh.sqlite"))
        let reopened = try HubService.open(data: data.path)
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        let again = try await RunningHub.serve(reopened, admin: hub.admin, tokens: hub.stationTokens)
        defer { Task { await again.stop() } }
        _ = try await again.station("ba-dinh").push(station: "ba-dinh", rows: rows)
        let (status, body, _) = try await again.raw(.GET, "/api/v1/report?format=json&from=2026-06-01&to=2026-06-30",
                                                    token: hub.admin)
        #expect(status == 200)
        let log = try #require(try logs(body)["ba-dinh"])
        #expect(log["chain_ok"] as? Bool == true)
        #expect(log["events"] as? Int == 100, "\(log)")
    }
}

/// The `logs` of a JSON report, by name (the station).
func logs(_ body: Data) throws -> [String: [String: Any]] {
    let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
    let logs = try #require(object["logs"] as? [[String: Any]])
    return Dictionary(uniqueKeysWithValues: logs.compactMap { log in (log["name"] as? String).map { ($0, log) } })
}

/// `GET /api/v1/report?format=json` over June 2026 from the hub at `base`: its `logs`.
func juneReportLogs(base: String, admin: String) async throws -> [String: [String: Any]] {
    var request = HTTPClientRequest(url: base + "/api/v1/report?format=json&from=2026-06-01&to=2026-06-30")
    request.headers.add(name: "Authorization", value: "Bearer \(admin)")
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
    let body = try await response.body.collect(upTo: 1 << 26)
    #expect(response.status == .ok, "\(String(buffer: body))")
    return try logs(Data(body.readableBytesView))
}
