import Foundation
import LoaCore
import LoaHub
import LoaLog
import LoaPlayout
import LoaSync
import LoaTestSupport
import Testing

/// What a station airs and its problems reach the hub (`POST /stations/ID/status`, shown by `GET /stations`), and
/// its rows reach the hub as they are written: a real `loa run --hub` on the real clock, playing through ALSA into a
/// JACK server of the test's own, pushed to a real hub on loopback.
@Suite(.serialized) struct HubLiveStatusTests {
    static func status(_ station: String, onAir: String?, problems: [StationStatus.Problem] = []) -> StationStatus {
        StationStatus(station: station, plan: .init(id: "hanoi-2026", version: "v1"), at: "2026-06-01T06:00:05.000+07:00",
                      now: onAir.map { .init(airing: $0, message: "flooding-2026", title: "Phòng chống ngập úng",
                                             source: "schedule", startedAt: "2026-06-01T06:00:00.000+07:00",
                                             plannedSeconds: 21.7, elapsedSeconds: 5) },
                      next: [], device: .init(name: "default", ok: problems.isEmpty),
                      log: .init(path: "/var/lib/loa/ba-dinh.sqlite", ok: true, lastSeq: 7, unwritten: 0),
                      problems: problems)
    }

    @Test(arguments: StoreKind.allCases)
    func aStationsReportedStatusShowsAtTheHub(_ kind: StoreKind) async throws {
        let hub = try await RunningHub.start(kind)
        defer { Task { await hub.stop() } }
        #expect(try await hub.adminClient.stations().isEmpty)

        try await hub.station("ba-dinh").report(station: "ba-dinh", status: Self.status("ba-dinh", onAir: "ba-dinh-a1"))
        var shown = try #require(try await hub.adminClient.stations().first { $0.station == "ba-dinh" })
        #expect(shown.onAir?.airing == "ba-dinh-a1" && shown.onAir?.title == "Phòng chống ngập úng")
        #expect(shown.problems.isEmpty && shown.statusAt == "2026-06-01T06:00:05.000+07:00")
        #expect(shown.lastContact != nil, "a status report is a contact")

        // The next report replaces the last: nothing on air, the device lost.
        let lost = StationStatus.Problem(kind: "device", vi: "Mất thiết bị âm thanh hw:0,0", en: "Audio device hw:0,0 lost")
        try await hub.station("ba-dinh").report(station: "ba-dinh", status: Self.status("ba-dinh", onAir: nil, problems: [lost]))
        shown = try #require(try await hub.adminClient.stations().first { $0.station == "ba-dinh" })
        #expect(shown.onAir == nil && shown.problems == [lost])
        let (_, raw, _) = try await hub.raw(.GET, "/api/v1/stations", token: hub.admin)
        #expect(String(decoding: raw, as: UTF8.self).contains(#""problems":[{"en":"Audio device hw:0,0 lost""#))

        // Another station's token, another station's status, a body that is not one, one far too large.
        let body = try JSONEncoder().encode(Self.status("ba-dinh", onAir: nil))
        let (other, otherBody, _) = try await hub.raw(.POST, "/api/v1/stations/ba-dinh/status",
                                                      token: hub.stationTokens["hoan-kiem"], body: body)
        #expect(other == 403 && refusal(otherBody)?.error == "forbidden")
        let (mislabelled, _, _) = try await hub.raw(.POST, "/api/v1/stations/hoan-kiem/status",
                                                    token: hub.stationTokens["hoan-kiem"], body: body)
        #expect(mislabelled == 422)
        let (bad, badBody, _) = try await hub.raw(.POST, "/api/v1/stations/ba-dinh/status",
                                                  token: hub.stationTokens["ba-dinh"], body: Data("{\"station\":1".utf8))
        #expect(bad == 422 && refusal(badBody)?.message.contains("invalid JSON") == true)
        let (huge, _, _) = try await hub.raw(.POST, "/api/v1/stations/ba-dinh/status", token: hub.stationTokens["ba-dinh"],
                                             body: Data(repeating: 32, count: 100_000))
        #expect(huge == 413)
        #expect(try await hub.adminClient.stations().first { $0.station == "ba-dinh" }?.problems == [lost],
                "refusals change nothing")
    }

    /// A hub with the sample plan published and a station token on file in `dir`.
    func hubWithPlan(_ dir: URL) async throws -> RunningHub {
        let hub = try await RunningHub.start()
        let loaded = loadCheckedPlan(path: samplePlanPath)
        _ = try await PlanPublisher.publish(plan: try #require(loaded.validPlan), planFiles: loaded.files, to: hub.adminClient)
        try hub.stationTokens["ba-dinh"]!.write(to: dir.appendingPathComponent("ba-dinh.token"), atomically: true,
                                                encoding: .utf8)
        return hub
    }

    /// `loa run --hub` on the real clock; the pushes' 30 s sweep is far longer than the test, so only the wake from
    /// each logged row can bring rows to the hub in time.
    func station(_ hub: RunningHub, dir: URL, device: String) throws -> (Process, String, Pipe) {
        let socket = dir.appendingPathComponent("ba-dinh.sock").path
        let (process, _, journal) = try LoaBinary.spawn(
            ["run", "--station", "ba-dinh", "--hub", hub.base, "--token-file", "ba-dinh.token", "--plan-cache", "cache",
             "--log", "ba-dinh.sqlite", "--device", device, "--socket", socket, "--push-every", "30", "-q"], in: dir)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, !FileManager.default.fileExists(atPath: socket), process.isRunning { usleep(20_000) }
        return (process, socket, journal)
    }

    func tone(_ dir: URL, seconds: Int) throws -> String {
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        sox.arguments = ["-n", "-r", "48000", "-c", "2", "-b", "16", dir.appendingPathComponent("bulletin.wav").path,
                         "synth", "\(seconds)", "sine", "440", "vol", "0.2"]
        try sox.run(); sox.waitUntilExit()
        return "bulletin.wav"
    }

    func until<T>(_ seconds: Double, _ probe: () async throws -> T?) async rethrows -> T? {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if let value = try await probe() { return value }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        return try await probe()
    }

    @Test func aStartedRowReachesTheHubWithinTwoSecondsAndShowsOnAir() async throws {
        let jack = try JackServer()
        defer { jack.stop() }
        let dir = TemporaryFolders.make("loa-hub-live")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let hub = try await hubWithPlan(dir)
        defer { Task { await hub.stop() } }
        let bulletin = try tone(dir, seconds: 20)
        let (daemon, socket, journal) = try station(hub, dir: dir, device: "plug:jack")
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        #expect(daemon.isRunning)

        let sent = try LoaBinary.run(["emergency", "--audio", bulletin, "--station", "ba-dinh", "--socket", socket], in: dir)
        #expect(sent.status == 0, "\(sent.err)")
        let log = try AiringLog(path: dir.appendingPathComponent("ba-dinh.sqlite").path, readOnly: true)
        let started = try #require(try log.events().first { $0.kind == .started && $0.source == .emergency })
        let atHub = await until(5) {
            try? await hub.service.store.events(station: "ba-dinh", afterSeq: 0, limit: 100)
                .contains { $0.airing == started.airing && $0.kind == .started } ? Date() : nil
        }
        let arrived = try #require(atHub, "the started row never reached the hub")
        let delay = arrived.timeIntervalSince(try #require(Timestamp.parse(started.at)))
        #expect(delay < 2, "the started row reached the hub \(delay) s after it was logged")

        // The station's status follows the push: the hub shows the bulletin on air, and no problem.
        let shown = await until(5) {
            try? await hub.adminClient.stations().first { $0.station == "ba-dinh" && $0.onAir != nil }
        }
        #expect(shown?.onAir?.airing == started.airing && shown?.onAir?.source == "emergency", "\(String(describing: shown))")
        #expect(shown?.problems == [])

        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
        let rows = try log.events()
        // The stop's own rows woke the loop; its round ends before the last push, which reaches the end of the log.
        let said = String(decoding: journal.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(said.contains("log pushed through seq \(rows.count)"), "\(said)")
        // And its last status: nothing on air any more (the stop interrupted the bulletin).
        #expect(try await hub.adminClient.stations().first { $0.station == "ba-dinh" }?.onAir == nil)
        #expect(try await hub.service.store.events(station: "ba-dinh", afterSeq: 0, limit: 100) == rows,
                "the last push at stop leaves the hub holding every row")
    }

    @Test func aLostAudioDeviceShowsAsAProblemAtTheHub() async throws {
        let dir = TemporaryFolders.make("loa-hub-nodevice")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let hub = try await hubWithPlan(dir)
        defer { Task { await hub.stop() } }
        let bulletin = try tone(dir, seconds: 2)
        let (daemon, socket, _) = try station(hub, dir: dir, device: "hw:97,0")
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        _ = try LoaBinary.run(["emergency", "--audio", bulletin, "--station", "ba-dinh", "--socket", socket], in: dir)
        let shown = await until(8) {
            try? await hub.adminClient.stations().first { $0.station == "ba-dinh" && !$0.problems.isEmpty }
        }
        let problem = try #require(shown?.problems.first, "no problem reached the hub")
        #expect(problem.kind == "device" && problem.en.contains("hw:97,0"), "\(problem)")
        #expect(!problem.vi.isEmpty)
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
    }
}
