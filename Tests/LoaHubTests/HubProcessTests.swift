import Foundation
import LoaCore
import LoaLog
import LoaPlayout
import LoaSync
import LoaTestSupport
import Testing

/// The whole path with real processes: `loa hub serve`, `loa hub token`, `loa hub publish`, and a station
/// `loa run --hub` (simulated clock) that airs on from its plan cache through a week with the hub killed (-9), then
/// pushes the week once the hub is back; the hub's copy of the log verifies and equals the box's.
@Suite(.serialized) struct HubProcessTests {
    struct HubProcess {
        let process: Process
        let base: String

        static func start(data: URL, in dir: URL, database: String? = nil) throws -> HubProcess {
            let (p, _, err) = try LoaBinary.spawn(["hub", "serve", "--data", data.path, "--listen", "127.0.0.1:0"]
                                                  + (database.map { ["--database", $0] } ?? []), in: dir)
            var text = ""
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline, !text.contains("http://") {
                let chunk = err.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            guard let range = text.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) else {
                p.terminate()
                throw TestSupportError("the hub did not start: \(text)")
            }
            return HubProcess(process: p, base: String(text[range]))
        }

        func kill9() throws {
            let kill = Process()
            kill.executableURL = URL(fileURLWithPath: "/bin/kill")
            kill.arguments = ["-9", "\(process.processIdentifier)"]
            try kill.run(); kill.waitUntilExit()
            process.waitUntilExit()
        }
    }

    @Test func aStationAirsOnThroughAWeekWithoutTheHubAndPushesItAllAfter() async throws {
        let dir = TemporaryFolders.make("loa-hub-e2e")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let data = dir.appendingPathComponent("hub")
        let hub = try HubProcess.start(data: data, in: dir)
        defer { hub.process.terminate() }

        let admin = try LoaBinary.run(["hub", "token", "--data", data.path, "--admin"], in: dir)
        let station = try LoaBinary.run(["hub", "token", "--data", data.path, "--station", "ba-dinh"], in: dir)
        #expect(admin.status == 0 && station.status == 0)
        try admin.out.write(to: dir.appendingPathComponent("admin.token"), atomically: true, encoding: .utf8)
        try station.out.write(to: dir.appendingPathComponent("ba-dinh.token"), atomically: true, encoding: .utf8)

        let publish = ["hub", "publish", samplePlanPath, "--hub", hub.base, "--token-file", "admin.token"]
        let first = try LoaBinary.run(publish, in: dir)
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.contains("Published version"))
        let again = try LoaBinary.run(publish, in: dir)
        #expect(again.status == 0 && again.out.contains("already the current plan"), "\(again.out)")

        func runStation(_ base: String, from: String, to: String) throws -> (status: Int32, out: String, err: String) {
            try LoaBinary.run(["run", "--station", "ba-dinh", "--hub", base, "--token-file", "ba-dinh.token",
                               "--plan-cache", "cache", "--log", "ba-dinh.sqlite", "--clock", "simulated",
                               "--from", from, "--to", to, "-q"], in: dir)
        }
        let week1 = try runStation(hub.base, from: "2026-06-01", to: "2026-06-07")
        #expect(week1.status == 0, "\(week1.err)")
        #expect(week1.err.contains("received new plan"), "\(week1.err)")
        let log = try AiringLog(path: dir.appendingPathComponent("ba-dinh.sqlite").path)
        let afterWeek1 = try log.count()
        #expect(afterWeek1 > 10)
        #expect(try log.checkpoints().last?.seq == Int64(afterWeek1), "the hub's receipt for the whole week is in the log")

        // The hub dies hard; the station airs its next week from the cached plan and keeps its rows.
        try hub.kill9()
        let week2 = try runStation(hub.base, from: "2026-06-08", to: "2026-06-14")
        #expect(week2.status == 0, "\(week2.err)")
        #expect(week2.err.contains("keeping the last good plan"), "\(week2.err)")
        #expect(week2.err.contains("not fully pushed"), "\(week2.err)")
        let afterWeek2 = try log.count()
        #expect(afterWeek2 > afterWeek1)

        // Back up (same data, another port): the next run pushes the whole backlog, in order.
        let restarted = try HubProcess.start(data: data, in: dir)
        defer { restarted.process.terminate() }
        let day15 = try runStation(restarted.base, from: "2026-06-15", to: "2026-06-15")
        #expect(day15.status == 0, "\(day15.err)")
        let total = try log.count()
        let client = HubClient(base: restarted.base, token: admin.out.trimmingCharacters(in: .whitespacesAndNewlines))
        let status = try await client.stations().first { $0.station == "ba-dinh" }
        #expect(status?.lastSeq == Int64(total), "every row reached the hub")
        #expect(status?.divergedAt == nil)
        let copy = dir.appendingPathComponent("hub-copy.sqlite")
        try await client.stationLog("ba-dinh").write(to: copy)
        let verify = try LoaBinary.run(["log", "verify", copy.path], in: dir)
        #expect(verify.status == 0 && verify.out.contains("\(total) rows"), "\(verify.out)\(verify.err)")
        #expect(try AiringLog(path: copy.path, readOnly: true).events() == log.events(), "nothing lost, nothing doubled")
    }

    @Test func killingTheHubMidPushLosesNothingAcknowledgedAndDoublesNothing() async throws {
        let dir = TemporaryFolders.make("loa-hub-kill")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let data = dir.appendingPathComponent("hub")
        var hub = try HubProcess.start(data: data, in: dir)
        defer { hub.process.terminate() }
        let token = try LoaBinary.run(["hub", "token", "--data", data.path, "--station", "ba-dinh"], in: dir).out
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let admin = try LoaBinary.run(["hub", "token", "--data", data.path, "--admin"], in: dir).out
            .trimmingCharacters(in: .whitespacesAndNewlines)
        // 30,000 rows, written in one transaction, pushed 500 a batch: the hub dies while batches are in flight.
        let log = try AiringLog(path: dir.appendingPathComponent("ba-dinh.sqlite").path)
        try log.append(contentsOf: (1...15_000).flatMap { i in
            [AiringEvent(at: "2026-06-01T06:00:00.000+07:00", kind: .started, airing: "a\(i)", station: "ba-dinh",
                         plan: "hanoi-2026", message: "flooding-2026", plannedSeconds: 21.723),
             AiringEvent(at: "2026-06-01T06:00:21.723+07:00", kind: .finished, airing: "a\(i)", station: "ba-dinh",
                         plan: "hanoi-2026", message: "flooding-2026", plannedSeconds: 21.723, playedSeconds: 21.723)]
        })
        let boxKey = StationKey.ephemeral().publicKey
        let pusher = EventPusher(log: log, station: "ba-dinh", client: HubClient(base: hub.base, token: token),
                                 stationKey: boxKey, batchSize: 500)
        let pushing = Task { try await pusher.pushPending() }
        while try pusher.acknowledged() == 0 { try await Task.sleep(nanoseconds: 2_000_000) }
        try hub.kill9()
        await #expect(throws: SyncError.self) { _ = try await pushing.value }
        let acknowledged = try pusher.acknowledged()
        #expect(acknowledged > 0 && acknowledged < 30_000, "the hub died mid-push (acknowledged \(acknowledged))")

        hub = try HubProcess.start(data: data, in: dir)
        let adminClient = HubClient(base: hub.base, token: admin)
        let held = try await adminClient.stations().first { $0.station == "ba-dinh" }?.lastSeq ?? 0
        #expect(held >= acknowledged, "nothing acknowledged was lost (held \(held), acknowledged \(acknowledged))")
        // The report reads the store itself: right after the restart it counts exactly the rows the hub holds.
        let loaded = loadCheckedPlan(path: samplePlanPath)
        _ = try await PlanPublisher.publish(plan: try #require(loaded.validPlan), planFiles: loaded.files, to: adminClient)
        let reported = try #require(try await juneReportLogs(base: hub.base, admin: admin)["ba-dinh"])
        #expect(reported["events"] as? Int == Int(held) && reported["chain_ok"] as? Bool == true, "\(reported)")
        let resumed = try await EventPusher(log: log, station: "ba-dinh", client: HubClient(base: hub.base, token: token),
                                            stationKey: boxKey, batchSize: 5000).pushPending()
        #expect(resumed.through == 30_000)
        let copy = dir.appendingPathComponent("copy.sqlite")
        try await adminClient.stationLog("ba-dinh").write(to: copy)
        #expect(try AiringLog(path: copy.path, readOnly: true).events() == log.events(), "nothing doubled, nothing lost")
    }
}
