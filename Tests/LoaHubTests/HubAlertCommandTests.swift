import Foundation
import LoaAlerts
import LoaCore
import LoaHub
import LoaSync
import LoaTestSupport
import Testing

/// `loa hub token --alerts`, `loa hub emergency` and `loa hub alert` with the real binary against a real
/// `loa hub serve`.
@Suite(.serialized) struct HubAlertCommandTests {
    @Test func theCityPostsEmergenciesAndCAPFilesFromTheCommandLine() async throws {
        let dir = TemporaryFolders.make("loa-hub-alert-cli")
        let data = dir.appendingPathComponent("hub")
        let hub = try HubProcessTests.HubProcess.start(data: data, in: dir)
        defer { hub.process.terminate() }
        for (file, kind) in [("admin.token", "--admin"), ("alerts.token", "--alerts")] {
            let made = try LoaBinary.run(["hub", "token", "--data", data.path, kind], in: dir)
            #expect(made.status == 0, "\(made.err)")
            try made.out.write(to: dir.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        try RosterPlan.yaml(stations: alertStations).write(to: dir.appendingPathComponent("roster.yaml"), atomically: true, encoding: .utf8)
        let publish = try LoaBinary.run(["hub", "publish", "roster.yaml", "--hub", hub.base, "--token-file", "admin.token"], in: dir)
        #expect(publish.status == 0, "\(publish.err)")

        // Vietnamese by default: a text emergency to the riverside group, hourly between 07:00 and 20:00 for a day.
        let until = Timestamp.format(Date().addingTimeInterval(86_400), utcOffsetSeconds: 7 * 3600)
        let vi = try LoaBinary.run(["hub", "emergency", "--text", "Nước sông Hồng lên cao", "--targets", "group:riverside",
                                    "--repeat", "PT1H", "--hours", "07:00-20:00", "--until", until,
                                    "--hub", hub.base, "--token-file", "alerts.token"], in: dir,
                                   environment: ["LANG": "vi_VN.UTF-8"])
        #expect(vi.status == 0, "\(vi.err)")
        #expect(vi.out.contains("Hub đã nhận bản tin: khoá loa-hub,loa-") && vi.out.contains("seq 1, 2 đài: hoan-kiem, hong-ha"),
                "\(vi.out)")
        let key = try #require(vi.out.split(separator: " ").first { $0.hasPrefix("loa-hub,") }.map { String($0.dropLast()) })

        // A CAP file as a warning centre writes it; the same file again is one alert.
        var d = EmergencyDraft(targets: ["ba-dinh"], content: .text("Cháy chợ Đồng Xuân", voice: "vi"),
                               expires: Date().addingTimeInterval(3600), sender: "canhbao@hanoi.gov.vn", sent: Date())
        d.headline = "Cháy"
        try d.capDocument().write(to: dir.appendingPathComponent("fire.xml"))
        let post = ["hub", "alert", "fire.xml", "--hub", hub.base, "--token-file", "alerts.token"]
        let first = try LoaBinary.run(post, in: dir)
        #expect(first.status == 0 && first.out.contains("The hub took the alert: key \(d.key), seq 2, 1 station(s): ba-dinh"),
                "\(first.out)\(first.err)")
        let again = try LoaBinary.run(post, in: dir)
        #expect(again.status == 0 && again.out.contains("already holds this alert (nothing sent again)"), "\(again.out)")

        // A bad document is refused with the hub's words; exit 1.
        try Data("<alert>".utf8).write(to: dir.appendingPathComponent("bad.xml"))
        let bad = try LoaBinary.run(["hub", "alert", "bad.xml", "--hub", hub.base, "--token-file", "alerts.token"], in: dir)
        #expect(bad.status == 1 && bad.err.contains("the hub refused (422)") && bad.err.contains("malformed XML"), "\(bad.err)")

        // Cancel the first by its key; wrong usage exits 2.
        let cancel = try LoaBinary.run(["hub", "emergency", "--cancel", key, "--hub", hub.base, "--token-file", "admin.token"], in: dir)
        #expect(cancel.status == 0 && cancel.out.contains("The hub took the cancel of \(key)")
                && cancel.out.contains("2 station(s): hoan-kiem, hong-ha"), "\(cancel.out)\(cancel.err)")
        let usage = try LoaBinary.run(["hub", "emergency", "--targets", "all", "--hub", hub.base, "--token-file", "admin.token"], in: dir)
        #expect(usage.status == 2 && usage.err.contains("--audio or --text"), "\(usage.err)")

        // An alerts token posts alerts and nothing else.
        let alertsToken = try HubClient.token(fromFile: dir.appendingPathComponent("alerts.token").path)
        await #expect(throws: SyncError.self) { _ = try await HubClient(base: hub.base, token: alertsToken).stations() }
    }

    @Test func theHubStopsPromptlyOnSIGTERMWithStreamsAndLongPollsOpen() async throws {
        let dir = TemporaryFolders.make("loa-hub-alert-stop")
        let data = dir.appendingPathComponent("hub")
        let token = try LoaBinary.run(["hub", "token", "--data", data.path, "--station", "ba-dinh"], in: dir)
        let hub = try HubProcessTests.HubProcess.start(data: data, in: dir)
        defer { hub.process.terminate() }
        let client = RunningHub(service: try HubService.open(data: TemporaryFolders.make("unused").path), base: hub.base,
                                task: Task {}, admin: "", stationTokens: ["ba-dinh": token.out.trimmingCharacters(in: .whitespacesAndNewlines)])
        var stream = try await AlertStream.open(client, "ba-dinh")
        #expect(try await stream.next(comments: true)?.isComment == true, "the stream is open")
        let poll = Task { try await client.raw(.GET, "/api/v1/stations/ba-dinh/alerts?wait=30", token: client.stationTokens["ba-dinh"]) }
        try await Task.sleep(for: .milliseconds(300))
        let asked = Date()
        hub.process.terminate()  // SIGTERM
        hub.process.waitUntilExit()
        #expect(Date().timeIntervalSince(asked) < 5, "stopped in \(Date().timeIntervalSince(asked)) s, not held by the open requests")
        #expect(hub.process.terminationStatus == 0)
        #expect(try await stream.next() == nil, "the stream ended")
        _ = await poll.result
    }
}
