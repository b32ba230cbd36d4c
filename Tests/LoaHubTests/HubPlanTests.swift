import ArgumentParser
import Foundation
import LoaCommands
import LoaCore
import LoaLog
import LoaHub
import LoaPlayout
import LoaSync
import LoaTestSupport
import Testing

/// Publishing a plan and a station fetching it: only missing blobs go up, the same plan again is a no-op, an
/// unchanged plan costs one 304, every file arrives checked.
@Suite(.serialized) struct HubPlanTests {
    @Test(arguments: StoreKind.allCases) func publishUploadsOnlyWhatIsMissingAndTheStationFetchesItWhole(store: StoreKind) async throws {
        let hub = try await RunningHub.start(store)
        defer { Task { await hub.stop() } }
        let loaded = loadCheckedPlan(path: samplePlanPath)
        let plan = try #require(loaded.validPlan)
        #expect(loaded.files.count >= 2, "the sample plan and the stations file it includes")

        let first = try await PlanPublisher.publish(plan: plan, planFiles: loaded.files, to: hub.adminClient)
        #expect(first.changed)
        #expect(first.uploaded == first.files)
        let again = try await PlanPublisher.publish(plan: plan, planFiles: loaded.files, to: hub.adminClient)
        #expect(!again.changed && again.uploaded == 0 && again.version == first.version)

        // The station side: a whole first fetch, then one 304.
        let cache = PlanCache(folder: TemporaryFolders.make("loa-plan-cache"))
        let fetched = try await cache.sync(with: hub.station("ba-dinh"))
        #expect(fetched.isNew && fetched.downloaded == first.files && fetched.manifest.version == first.version)
        for file in fetched.manifest.files {
            let copy = cache.folder.appendingPathComponent("plans/\(first.version)/\(file.path)")
            #expect(sha256Hex(try Data(contentsOf: copy)) == file.sha256, "\(file.path) arrived intact")
        }
        let reloaded = loadCheckedPlan(path: fetched.planFile.path)
        #expect(!reloaded.hasErrors, "the fetched folder loads as the published one does: \(reloaded.errors)")
        #expect(reloaded.validPlan?.messages.count == plan.messages.count)
        let unchanged = try await hub.station("ba-dinh").manifest(ifNoneMatch: first.version)
        #expect(unchanged == .unchanged)
        let second = try await cache.sync(with: hub.station("ba-dinh"))
        #expect(!second.isNew && second.downloaded == 0)
        // The station's contact is recorded.
        let stations = try await hub.adminClient.stations()
        #expect(stations.first { $0.station == "ba-dinh" }?.lastContact != nil)
    }

    @Test(arguments: StoreKind.allCases) func aManifestNamingAMissingBlobIsRefused(store: StoreKind) async throws {
        let hub = try await RunningHub.start(store)
        defer { Task { await hub.stop() } }
        let manifest = PlanManifest(plan: "plan.yaml", files: [
            ManifestFile(path: "plan.yaml", sha256: String(repeating: "c", count: 64), size: 10)])
        let (status, body, _) = try await hub.raw(.POST, "/api/v1/plans", token: hub.admin,
                                                  body: try JSONEncoder().encode(manifest))
        #expect(status == 422)
        #expect(refusal(body)?.error == "missingBlob")
        #expect(refusal(body)?.message.contains("plan.yaml") == true)
        let (planStatus, _, _) = try await hub.raw(.GET, "/api/v1/plan", token: hub.stationTokens["ba-dinh"])
        #expect(planStatus == 404, "nothing became current")
        let evil = PlanManifest(plan: "../x", files: [ManifestFile(path: "../x", sha256: String(repeating: "c", count: 64), size: 1)])
        let (evilStatus, _, _) = try await hub.raw(.POST, "/api/v1/plans", token: hub.admin, body: try JSONEncoder().encode(evil))
        #expect(evilStatus == 422)
    }

    @Test func aPlanWithErrorsIsNotPublished() async throws {
        let hub = try await RunningHub.start()
        defer { Task { await hub.stop() } }
        let folder = TemporaryFolders.make("loa-bad-plan")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let bad = folder.appendingPathComponent("bad.yaml")
        try "plan: {id: x}\nmessages: [{id: m, audio: missing.flac}]\n".write(to: bad, atomically: true, encoding: .utf8)
        let tokenFile = folder.appendingPathComponent("admin.token")
        try (hub.admin + "\n").write(to: tokenFile, atomically: true, encoding: .utf8)
        let command = try HubPublishCommand.parse([bad.path, "--hub", hub.base, "--token-file", tokenFile.path])
        await #expect(throws: ExitCode(1)) { try await command.run() }
        let (status, _, _) = try await hub.raw(.GET, "/api/v1/plan", token: hub.admin)
        #expect(status == 404)
    }

    @Test func aBrokenDownloadIsRefusedAndAPartialOneResumes() async throws {
        let hub = try await RunningHub.start()
        defer { Task { await hub.stop() } }
        let bytes = Data((0..<5000).map { UInt8($0 % 253) })
        let sha = sha256Hex(bytes)
        try await hub.adminClient.putBlob(bytes, sha256: sha)
        _ = try await hub.adminClient.publish(PlanManifest(plan: "p.yaml", files: [ManifestFile(path: "p.yaml", sha256: sha, size: 5000)]))
        let cache = PlanCache(folder: TemporaryFolders.make("loa-plan-cache"))
        let blobs = cache.folder.appendingPathComponent("blobs")
        try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
        // A damaged partial download: the whole file does not match its hash, nothing becomes current.
        try Data(repeating: 0, count: 1000).write(to: blobs.appendingPathComponent("\(sha).part"))
        await #expect(throws: SyncError.self) { try await cache.sync(with: hub.station("ba-dinh")) }
        #expect(cache.fetched() == nil && cache.current() == nil)
        // A good partial download: the rest is fetched with Range and the whole checks out.
        try bytes.prefix(3000).write(to: blobs.appendingPathComponent("\(sha).part"))
        let fetched = try await cache.sync(with: hub.station("ba-dinh"))
        #expect(fetched.downloaded == 1)
        #expect(try Data(contentsOf: fetched.planFile) == bytes)
    }
}
