import Foundation
import LoaAlerts
import LoaCore
import LoaHub
import LoaTestSupport
import Testing

/// Several hub processes on one PostgreSQL database behind a load balancer (issue 15): an alert taken by one reaches
/// the streams another holds in seconds, through LISTEN/NOTIFY, not at the 15 s heartbeat; a lost listening
/// connection only delays.
@Suite(.serialized) struct HubProcessesAlertTests {
    /// Two hubs as two `loa hub serve --database URL` would be: the same data folder (blobs, key) and database, each
    /// with its own memory of alerts and streams. The heartbeat is the default 15 s, so a fan-out in a second or two
    /// can only be the notification.
    static func twoHubs() async throws -> (a: RunningHub, b: RunningHub, database: String) {
        let database = try await PostgresTestServer.shared.database()
        let data = TemporaryFolders.make("loa-hub").appendingPathComponent("data").path
        let a = try await HubService.open(data: data, database: database)
        let b = try await HubService.open(data: data, database: database)
        var tokens: [String: String] = [:]
        for station in alertStations.map(\.id) { tokens[station] = try await a.issueToken(.station(station)) }
        let admin = try await a.issueToken(.admin)
        let hubA = try await RunningHub.serve(a, admin: admin, tokens: tokens)
        let hubB = try await RunningHub.serve(b, admin: admin, tokens: tokens)
        try await hubA.publishRoster()
        return (hubA, hubB, database)
    }

    /// Reads `stream` until an alert arrives; the alert and how long it took from `since`.
    static func nextAlert(_ stream: inout AlertStream, since: Date) async throws -> (StationAlert, TimeInterval) {
        let alert = try #require(try await stream.nextAlert())
        return (alert, Date().timeIntervalSince(since))
    }

    @Test func anAlertTakenByOneHubReachesAStreamHeldByAnotherInSecondsAndSoDoesItsCancel() async throws {
        let (a, b, _) = try await Self.twoHubs()
        defer { Task { await a.stop(); await b.stop() } }
        var stream = try await AlertStream.open(b, "hong-ha")
        #expect(stream.status == 200)

        var posted = Date()
        let alert = try #require(try await a.postAlert(draft(["group:riverside"], repeatSeconds: 600).capDocument()).1)
        let (got, took) = try await Self.nextAlert(&stream, since: posted)
        #expect(got.key == alert.key && got.seq == alert.seq, "hub B hands on what hub A took")
        #expect(took < 2, "through PostgreSQL's notification, not B's 15 s heartbeat: \(took) s")

        posted = Date()
        let cancel = try #require(try await a.postAlert(draft([], cancels: [alert.key]).capDocument()).1)
        let (stop, stopTook) = try await Self.nextAlert(&stream, since: posted)
        #expect(stop.action == .cancel && stop.stops == [alert.key] && stop.seq == cancel.seq)
        #expect(stopTook < 2, "the Cancel too: \(stopTook) s")
        // B's per-alert status reads the same database: the Cancel is there, and B marked its delivery.
        #expect(try await b.status(alert.key).state == .cancelled)
    }

    @Test func anAlertStoredWhileTheListeningConnectionIsDownIsDeliveredOnReconnect() async throws {
        let (a, b, database) = try await Self.twoHubs()
        defer { Task { await a.stop(); await b.stop() } }
        var stream = try await AlertStream.open(b, "ba-dinh")
        // Both hubs listen: wait until they do, then cut both listening connections.
        #expect(try await Self.waitForListeners(database, count: 2), "each hub process holds one listening connection")
        let killed = try Self.psql(database, """
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE application_name = 'loa-hub-alerts' AND datname = current_database()
            """)
        #expect(killed == "2", "both listening connections were terminated: \(killed)")

        // Stored at once, while B has no LISTEN: its notification is lost, the catch-up on reconnect finds it.
        let posted = Date()
        let alert = try #require(try await a.postAlert(draft(["ba-dinh"], text: "Lũ quét").capDocument()).1)
        let (got, took) = try await Self.nextAlert(&stream, since: posted)
        #expect(got.key == alert.key && got.text == "Lũ quét")
        #expect(took < 4, "reconnected with backoff and caught up, well before the 15 s heartbeat: \(took) s")
        #expect(try await Self.waitForListeners(database, count: 2), "both hubs listen again")

        // And the next one after the reconnect arrives as quickly as ever.
        let next = Date()
        let second = try #require(try await a.postAlert(draft(["ba-dinh"]).capDocument()).1)
        let (again, againTook) = try await Self.nextAlert(&stream, since: next)
        #expect(again.key == second.key && againTook < 2, "\(againTook) s")
    }

    static func waitForListeners(_ database: String, count: Int) async throws -> Bool {
        for _ in 0..<100 {
            let n = try psql(database, """
                SELECT count(*) FROM pg_stat_activity WHERE application_name = 'loa-hub-alerts'
                AND datname = current_database() AND query ILIKE 'LISTEN%'
                """)
            if n == "\(count)" { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// One value from `psql`, trimmed.
    static func psql(_ database: String, _ sql: String) throws -> String {
        let (status, output) = try PostgresTestServer.run(["psql", database, "-At", "-c", sql])
        guard status == 0 else { throw TestSupportError("psql: \(output)") }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// The same with two real `loa hub serve --database URL` processes on one data folder, an alert sent with
/// `loa hub emergency` to one and the stream held on the other; both stop promptly on SIGTERM.
@Suite(.serialized) struct HubServeProcessesAlertTests {
    @Test func anEmergencySentToOneServeProcessReachesAStreamOnTheOther() async throws {
        let database = try await PostgresTestServer.shared.database()
        let dir = TemporaryFolders.make("loa-hub-pair")
        let data = dir.appendingPathComponent("hub")
        let a = try HubProcessTests.HubProcess.start(data: data, in: dir, database: database)
        defer { a.process.terminate() }
        let b = try HubProcessTests.HubProcess.start(data: data, in: dir, database: database)
        defer { b.process.terminate() }
        func token(_ kind: [String]) throws -> String {
            let made = try LoaBinary.run(["hub", "token", "--data", data.path, "--database", database] + kind, in: dir)
            #expect(made.status == 0, "\(made.err)")
            return made.out.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        try token(["--admin"]).write(to: dir.appendingPathComponent("admin.token"), atomically: true, encoding: .utf8)
        let station = try token(["--station", "hong-ha"])
        try RosterPlan.yaml(stations: alertStations).write(to: dir.appendingPathComponent("roster.yaml"), atomically: true,
                                                           encoding: .utf8)
        let publish = try LoaBinary.run(["hub", "publish", "roster.yaml", "--hub", a.base, "--token-file", "admin.token"], in: dir)
        #expect(publish.status == 0, "\(publish.err)")

        var stream = try await AlertStream.open(base: b.base, token: station, "hong-ha")
        #expect(stream.status == 200)
        let sent = Date()
        let cli = try LoaBinary.run(["hub", "emergency", "--text", "Nước sông Hồng lên cao", "--targets", "group:riverside",
                                     "--hub", a.base, "--token-file", "admin.token"], in: dir)
        #expect(cli.status == 0, "\(cli.err)")
        let alert = try #require(try await stream.nextAlert())
        let took = Date().timeIntervalSince(sent)
        #expect(alert.text == "Nước sông Hồng lên cao" && alert.seq == 1)
        #expect(took < 3, "from running `loa hub emergency` on A to B's stream, process start included: \(took) s")

        // Both stop on SIGTERM, the listening connection and the open stream notwithstanding.
        let stopping = Date()
        a.process.terminate(); b.process.terminate()
        while Date().timeIntervalSince(stopping) < 10, a.process.isRunning || b.process.isRunning {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(!a.process.isRunning && !b.process.isRunning, "both exited within 10 s of SIGTERM")
    }
}
