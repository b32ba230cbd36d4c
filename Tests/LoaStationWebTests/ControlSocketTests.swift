import Foundation
import LoaCore
import LoaTestSupport
import LoaPlayout
import LoaStationWeb
import LoaSystem
import Testing

/// The control API over the daemon's Unix socket, as `loa emergency` speaks it: no password (the folder's
/// permissions decide), the client checks the daemon's credentials, bulletins are sent as bytes.
@Suite(.serialized) struct ControlSocketTests {
    @Test func statusShowsTheItemOnAirAndAnEmergencyCutsInAndIsLogged() throws {
        let s = try WebStation()
        defer { s.stop() }
        #expect(s.waitFor { s.daemon.feed.onAir.last?.message == "msg-a" })
        let status = try ControlClient.send("GET", "/api/v1/status", station: "ba-dinh", explicit: s.socket)
        #expect(status.status == 200)
        let decoded = try JSONDecoder().decode(StationStatus.self, from: status.body)
        #expect(decoded.station == "ba-dinh" && decoded.plan.id == "web-test")
        #expect(decoded.now?.message == "msg-a" && decoded.now?.title == "Phòng chống ngập úng")
        #expect(decoded.now?.plannedSeconds == 30)
        #expect(decoded.next.first?.message == "msg-b")
        #expect(decoded.device.ok && decoded.log.ok && decoded.problems.isEmpty)

        // The bulletin travels as bytes; the daemon keeps its own copy named by content.
        let wav = s.dir.appendingPathComponent("storm.wav")
        try sineWAV().write(to: wav)
        let reply = try ControlClient.sendEmergency(audio: wav, title: "Bão số 3", station: "ba-dinh", explicit: s.socket)
        #expect(reply.ok)
        let cut = try #require(reply.cutMilliseconds)
        #expect(cut < 250)
        // A second one while it airs is refused (409) and says why; `replace` takes over.
        let second = #expect(throws: ControlError.self) {
            try ControlClient.sendEmergency(audio: wav, title: "again", station: "ba-dinh", explicit: s.socket)
        }
        #expect(second?.localized.en.contains("409") == true)
        #expect(second?.localized.en.contains("replace") == true)
        // DELETE stops it: interrupted, "stopped by operator"; the programme goes on.
        let stop = try ControlClient.send("DELETE", "/api/v1/emergency", station: "ba-dinh", explicit: s.socket)
        #expect(stop.status == 200)
        #expect(try s.waitFor { try s.log.events().contains { $0.message == "msg-b" && $0.kind == .started } })
        let events = try s.log.events()
        let emergency = events.filter { $0.source == .emergency }
        #expect(emergency.map(\.kind) == [.started, .interrupted])
        #expect(emergency.first?.detail == "Bão số 3")
        #expect(emergency.last?.detail == "stopped by operator")
        #expect(emergency.first?.audio?.hasPrefix(s.dir.appendingPathComponent("emergency").path) == true)
        #expect(events.contains { $0.message == "msg-a" && $0.kind == .preempted })
        #expect(try s.log.verify().isOK)
        // Nothing on air to stop: 404 in words.
        let none = try ControlClient.send("DELETE", "/api/v1/emergency", station: "ba-dinh", explicit: s.socket)
        #expect(none.status == 404)
    }

    @Test func aSecondDaemonOnTheSameSocketIsRefusedAndANoDaemonErrorIsClear() throws {
        let s = try WebStation(lead: 60)
        #expect(throws: ControlError.self) {
            _ = try StationWebServer(daemon: s.daemon, options: .init(socketPath: s.socket, http: nil,
                                                                      spool: s.dir, access: nil))
        }
        s.stop()
        let error = #expect(throws: ControlError.self) {
            try ControlClient.send("GET", "/api/v1/status", station: "nowhere", explicit: s.socket)
        }
        #expect(error?.localized.en.contains("no daemon is running for station nowhere") == true)
    }

    @Test func theClientRefusesASocketWhoseListenerIsNotTheFoldersOwner() throws {
        // A listener run as `nobody` in a folder root owns: the client must not send it anything.
        guard ProcessIdentity.userID == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
              FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else { return }
        let dir = URL(fileURLWithPath: "/tmp/loa-peer-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o777])
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ba-dinh.sock").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        p.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c",
                       "import socket,time;s=socket.socket(socket.AF_UNIX);s.bind('\(path)');s.listen(1);time.sleep(60)"]
        try p.run()
        // SIGKILL: a test before may have left SIGTERM ignored in this process (a daemon's signal handling), and a
        // child inherits that, so terminate() would wait out the sleep.
        defer { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() }
        // A loaded machine may take seconds to start python under setpriv: wait for the bind, not a fixed time.
        for _ in 0..<3000 where !FileManager.default.fileExists(atPath: path) { usleep(10_000) }
        try #require(FileManager.default.fileExists(atPath: path))
        let error = #expect(throws: ControlError.self) {
            try ControlClient.send("GET", "/api/v1/status", station: "ba-dinh", explicit: path, timeout: 2)
        }
        #expect(error?.localized.en.contains("belongs to user 65534") == true)
    }

    @Test func aLostDeviceIsAProblemInPlainWordsInBothLanguages() throws {
        let s = try WebStation(lead: 0.1, deviceGone: true)
        defer { s.stop() }
        #expect(s.waitFor { s.daemon.engine.deviceFault != nil })
        let answer = try ControlClient.send("GET", "/api/v1/status", station: "ba-dinh", explicit: s.socket)
        let status = try JSONDecoder().decode(StationStatus.self, from: answer.body)
        #expect(!status.device.ok)
        let problem = try #require(status.problems.first { $0.kind == "device" })
        #expect(problem.vi.hasPrefix("Mất thiết bị âm thanh") && problem.vi.contains("No such device"))
        #expect(problem.en.hasPrefix("Audio device") && problem.en.contains("lost"))
    }
}
