import Foundation
import LoaCore
import LoaLog
import LoaHub
import LoaPlayout
import LoaSync
import LoaTestSupport
import Testing

/// The officials' page in a real browser (headless Chromium driven by selenium): logs in, sees a station go from
/// silent to online when it pushes, downloads the report, sends an emergency from the form and cancels it.
@Suite(.serialized) struct HubPageTests {
    @Test func anOfficialSeesAStationComeOnlineAndDownloadsTheReport() async throws {
        let hub = try await RunningHub.start()
        defer { Task { await hub.stop() } }
        let loaded = loadCheckedPlan(path: samplePlanPath)
        _ = try await PlanPublisher.publish(plan: try #require(loaded.validPlan), planFiles: loaded.files, to: hub.adminClient)
        let downloads = TemporaryFolders.make("loa-hub-downloads")
        try FileManager.default.createDirectory(at: downloads, withIntermediateDirectories: true)
        let script = repoRoot.appendingPathComponent("Tests/Browser/hub_page.py").path
        let browser = Process()
        browser.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        browser.arguments = ["python3", script, hub.base + "/", hub.admin, downloads.path]
        let out = Pipe(), err = Pipe()
        browser.standardOutput = out; browser.standardError = err
        try browser.run()
        var said = ""
        while !said.contains("SILENT") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            said += String(decoding: chunk, as: UTF8.self)
        }
        #expect(said.contains("SILENT"), "the page showed ba-dinh silent first")
        let log = try stationLog("ba-dinh", airings: 2)
        _ = try await EventPusher(log: log, station: "ba-dinh", client: hub.station("ba-dinh"),
                                  stationKey: StationKey.ephemeral().publicKey).pushPending()
        said += String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problems = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        browser.waitUntilExit()
        #expect(browser.terminationStatus == 0, "\(said)\n\(problems)")
        #expect(said.contains("ONLINE") && said.contains("DOWNLOADED"), "\(said)\n\(problems)")
        // The form's emergency reached the hub as a CAP alert to the riverside group, and its cancel after it.
        #expect(said.contains("ALERTED") && said.contains("CANCELLED"), "\(said)\n\(problems)")
        let alerts = try await hub.service.alertStatuses()
        #expect(alerts.map(\.action) == ["air", "cancel"], "\(alerts.map(\.key))")
        #expect(alerts.first?.text == "Nước sông Hồng lên cao, bà con di dời" && alerts.first?.state == .cancelled)
        #expect(alerts.first?.repeatSeconds == 3600 && alerts.first?.expires != nil)
        #expect(alerts.first?.stations.map(\.station) == ["dong-anh", "hoan-kiem", "hong-ha", "phuc-tho", "tay-ho"])
    }
}
