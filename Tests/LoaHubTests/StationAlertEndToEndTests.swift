import Foundation
import LoaAlerts
import LoaCore
import LoaHub
import LoaLog
import LoaTestSupport
import Testing

/// Issue 17 end to end: a real hub (in-process, real HTTP on 127.0.0.1) and two real `loa run --hub` station
/// daemons on JACK-paced ALSA; a CAP alert POSTed to the hub airs at both, is logged `source: emergency` with its
/// identifier, and the events flow back to the hub's per-alert status with receipt → first sample.
@Suite(.serialized) struct StationAlertEndToEndTests {
    @Test func aCAPAlertPostedToTheHubAirsAtBothStationsAndTheirEventsReachTheHub() async throws {
        let jack = try JackServer()
        defer { jack.stop() }
        let hub = try await RunningHub.startForAlerts()
        defer { Task { await hub.stop() } }
        let stations = ["ba-dinh", "hoan-kiem"]
        var daemons: [Process] = []
        var errs: [Pipe] = []
        defer { for p in daemons where p.isRunning { p.terminate(); p.waitUntilExit() } }
        for id in stations {
            let dir = TemporaryFolders.make("loa-alert-e2e-\(id)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try hub.stationTokens[id]!.write(to: dir.appendingPathComponent("token"), atomically: true, encoding: .utf8)
            let (p, _, err) = try LoaBinary.spawn(["run", "--station", id, "--hub", hub.base, "--token-file", "token",
                                                   "--device", "plug:jack", "--push-every", "0.5", "--log", "log.sqlite"],
                                                  in: dir)
            daemons.append(p); errs.append(err)
        }
        // Both hold the hub's alert stream (the hub notes each station's contact).
        let connected = try await waitFor(20) {
            let seen = try await hub.service.store.stations().filter { $0.lastContact != nil }.map(\.station)
            return stations.allSatisfy(seen.contains)
        }
        #expect(connected)
        try await Task.sleep(for: .seconds(1))
        let cap = draft(stations, identifier: "HN-E2E-1", audio: sineWAV(seconds: 1.5)).capDocument()
        let (status, answer, refusal) = try await hub.postAlert(cap)
        #expect(status == 201 || status == 200, "\(refusal.map { "\($0)" } ?? "")")
        let key = try #require(answer?.key)
        var last: AlertStatus?
        let finished = try await waitFor(30) {
            last = try await hub.status(key)
            return last?.stations.filter { stations.contains($0.station) }.allSatisfy { $0.state == "finished" } == true
        }
        #expect(finished, "\(last.map { "\($0.stations)" } ?? "no status")")
        for progress in last?.stations ?? [] where stations.contains(progress.station) {
            #expect(progress.airings == 1)
            let ms = try #require(progress.receiptToFirstSampleMs)
            #expect(ms > 0 && ms < 1500, "\(progress.station): receipt → first sample \(ms) ms")
        }
        for p in daemons { p.terminate(); p.waitUntilExit(); #expect(p.terminationStatus == 0) }
        for (i, err) in errs.enumerated() {
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(text.contains("alert:HN-E2E-1"), "\(stations[i]): \(text)")
        }
    }

    func waitFor(_ seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }
}
