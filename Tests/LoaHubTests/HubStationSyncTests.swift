import Foundation
import LoaCore
import LoaHub
import LoaLog
import LoaPlayout
import LoaSync
import LoaTestSupport
import Testing

/// The station's side in-process: a bad plan from the hub or a hub away keeps the last good plan on air; a hub
/// whose disk is full refuses with 507 and the station keeps its rows and pushes them once it can.
@Suite(.serialized) struct HubStationSyncTests {
    func sync(_ hub: RunningHub, log: AiringLog) -> StationSync {
        let client = hub.station("ba-dinh")
        return StationSync(cache: PlanCache(folder: TemporaryFolders.make("loa-plan-cache")), client: client,
                           pusher: EventPusher(log: log, station: "ba-dinh", client: client,
                                              stationKey: StationKey.ephemeral().publicKey)) { file in
            let result = loadCheckedPlan(path: file.path)
            return result.hasErrors ? result.errors.map { $0.formatted() }.joined(separator: "; ") : nil
        }
    }

    @Test func aBadPlanFromTheHubKeepsTheLastGoodOneOnAir() async throws {
        let hub = try await RunningHub.start()
        defer { Task { await hub.stop() } }
        let loaded = loadCheckedPlan(path: samplePlanPath)
        let good = try await PlanPublisher.publish(plan: try #require(loaded.validPlan), planFiles: loaded.files,
                                                   to: hub.adminClient)
        let station = sync(hub, log: try stationLog("ba-dinh", airings: 1))
        #expect(await station.checkPlanOnce() == .switched(version: good.version))
        #expect(await station.checkPlanOnce() == .unchanged(version: good.version))

        // The admin API takes any manifest whose blobs are held; a plan with errors can reach the station.
        let bad = Data("plan: {id: broken}\n".utf8)
        try await hub.adminClient.putBlob(bad, sha256: sha256Hex(bad))
        let published = try await hub.adminClient.publish(PlanManifest(plan: "plan.yaml", files: [
            ManifestFile(path: "plan.yaml", sha256: sha256Hex(bad), size: Int64(bad.count))]))
        let outcome = await station.checkPlanOnce()
        guard case .keptLast(let kept, let reason) = outcome else { Issue.record("expected keptLast, got \(outcome)"); return }
        #expect(kept == good.version)
        #expect(reason.en.contains(published.version) && reason.en.contains("has errors"))
        #expect(station.currentPlanFile?.path.contains(good.version) == true, "the daemon still loads the good plan")
        #expect(try await hub.adminClient.stations().first { $0.station == "ba-dinh" }?.planVersion == good.version,
                "the hub's status shows the plan the station airs, not the bad one")
        // Asked again: the bad version is not fetched again, and still not used.
        guard case .keptLast(let again, _) = await station.checkPlanOnce() else { Issue.record("expected keptLast"); return }
        #expect(again == good.version)

        // The hub away: the same.
        await hub.stop()
        guard case .keptLast(let away, let why) = await station.checkPlanOnce() else { Issue.record("expected keptLast"); return }
        #expect(away == good.version && why.en.contains("cannot reach the hub"))
    }

    @Test func aFullDiskAtTheHubIs507AndTheStationPushesOnceItCan() async throws {
        let data = TemporaryFolders.make("loa-hub-full").appendingPathComponent("data")
        let opened = try HubService.open(data: data.path)
        let admin = try await opened.issueToken(.admin)
        let token = try await opened.issueToken(.station("ba-dinh"))
        // A store whose file may not grow past its present pages: SQLite's own "database or disk is full".
        let full = try SQLiteHubStore(path: data.appendingPathComponent("hub.sqlite").path, maxPageCount: 1)
        let log = try stationLog("ba-dinh", airings: 50)
        let fullHub = HubService(store: full, blobs: opened.blobs, key: opened.key)
        let (status, body) = try await pushRaw(fullHub, token: token, rows: try log.events())
        #expect(status == 507, "\(String(decoding: body, as: UTF8.self))")
        #expect(refusal(body)?.error == "insufficientStorage")
        #expect(try await opened.store.events(station: "ba-dinh", afterSeq: 0, limit: 10).isEmpty)
        #expect(try log.count() == 100, "the station keeps its rows")

        let hub = try await RunningHub.serve(opened, admin: admin, tokens: ["ba-dinh": token])
        defer { Task { await hub.stop() } }
        let pushed = try await EventPusher(log: log, station: "ba-dinh", client: hub.station("ba-dinh"),
                                                stationKey: StationKey.ephemeral().publicKey, batchSize: 30).pushPending()
        #expect(pushed.pushed == 100 && pushed.through == 100)
        #expect(try await opened.store.events(station: "ba-dinh", afterSeq: 0, limit: 200) == log.events())
    }

    func pushRaw(_ service: HubService, token: String, rows: [AiringEvent]) async throws -> (Int, Data) {
        let hub = try await RunningHub.serve(service, admin: "", tokens: ["ba-dinh": token])
        defer { Task { await hub.stop() } }
        let body = try rows.map { try JSONEncoder().encode($0) + [10] }.reduce(Data(), +)
        let (status, data, _) = try await hub.raw(.POST, "/api/v1/stations/ba-dinh/events", token: token, body: body)
        return (status, data)
    }
}
