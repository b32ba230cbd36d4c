import Foundation
import LoaCore
import LoaLog
import LoaPlan
import LoaStationWeb
import Testing

/// The page in a real browser: headless Debian Chromium driven by selenium (scripts/setup installs both; nothing is
/// downloaded at run time) against a real daemon on 127.0.0.1.
@Suite(.serialized) struct BrowserTests {
    @Test func anOperatorSignsInSeesTheItemOnAirSendsAnEmergencyAddsAnAnnouncementAndMovesASlot() throws {
        let s = try WebStation(lead: 0.5, pace: 1, planned: true)
        defer { s.stop() }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Browser/operator_page.py")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script.path, s.base, WebStation.password, s.daemon.today().adding(days: 1).description]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(output)\n\(errors)")
        #expect(output.components(separatedBy: "\n").filter { $0.hasPrefix("ok:") }.count == 7, "\(output)")
        // What the browser saw is what the log holds: the emergency cut the programme item in.
        let events = try s.log.events()
        #expect(events.contains { $0.source == .emergency && $0.kind == .started })
        #expect(events.contains { $0.message == "msg-a" && $0.kind == .preempted })
        #expect(try s.log.verify().isOK)
        let local = try LocalAdditions.read(s.localFile, station: "ba-dinh")
        #expect(local.messages.map(\.title) == ["Họp tổ dân phố số 5"])
        #expect(local.slots?.first?.start == "06:30")
    }
}
