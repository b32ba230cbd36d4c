import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LoaStationWeb
import LoaTestSupport
import Testing

/// The built `loa` as a station box runs it: `loa passwd`, then `loa run --http` with `local.yaml` in its state
/// folder, answering a browser on 127.0.0.1 and `loa check --local` reading the same file.
@Suite(.serialized) struct ProcessTests {
    @Test func passwdThenRunWithHttpServesThePageAndTheAPIBehindTheSignIn() async throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let dir = TemporaryFolders.make("loa-web-process")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("audio"), withIntermediateDirectories: true)
        for name in ["fire-safety.ogg"] {
            try FileManager.default.copyItem(at: repo.appendingPathComponent("audio/\(name)"),
                                             to: dir.appendingPathComponent("audio/\(name)"))
        }
        try Data("""
        plan: {id: web-process, title: "Thử", period: {from: 2026-01-01, to: 2027-12-31}}
        stations:
          - {id: xa-thu, name: "Xã Thử", slots: [{name: morning, days: [mon-sun], start: "06:00", length: 15m}]}
        messages:
          - {id: fire-safety, title: "Phòng cháy chữa cháy", audio: audio/fire-safety.ogg, airings: {count: 1, per: day}}
        """.utf8).write(to: dir.appendingPathComponent("plan.yaml"))
        // local.yaml moves the slot; loa check --local sees it, and a bad one is an error naming the file.
        try Data("station: xa-thu\nslots:\n  - {name: morning, days: [mon, tue], start: \"06:30\", length: \"900s\"}\nmessages: []\n"
            .utf8).write(to: dir.appendingPathComponent("local.yaml"))
        let (check, checkOut, _) = try LoaBinary.spawn(["check", "plan.yaml", "--local", "local.yaml"], in: dir)
        check.waitUntilExit()
        #expect(check.terminationStatus == 0, "\(String(decoding: checkOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))")
        try Data("station: xa-thu\nslots:\n  - {name: morning, days: [mon], start: \"23:50\", length: \"20m\"}\n".utf8)
            .write(to: dir.appendingPathComponent("bad.yaml"))
        let (bad, _, badErr) = try LoaBinary.spawn(["check", "plan.yaml", "--local", "bad.yaml"], in: dir)
        bad.waitUntilExit()
        let badText = String(decoding: badErr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(bad.terminationStatus == 1, "\(badText)")
        #expect(badText.contains("bad.yaml: slot morning (23:50, 20m) runs past midnight"), "\(badText)")

        let binary = try #require(LoaBinary.url)
        let passwd = Process()
        passwd.executableURL = binary
        passwd.arguments = ["passwd", "--station", "xa-thu", "--state", dir.path]
        let input = Pipe()
        passwd.standardInput = input
        passwd.standardOutput = Pipe()
        try passwd.run()
        input.fileHandleForWriting.write(Data("mat-khau-xa-thu\n".utf8))
        try input.fileHandleForWriting.close()
        passwd.waitUntilExit()
        #expect(passwd.terminationStatus == 0)
        let port = Int.random(in: 20_000...40_000)
        let (run, _, runErr) = try LoaBinary.spawn(["run", "plan.yaml", "--station", "xa-thu", "--device", "null",
                                                    "--log", dir.appendingPathComponent("log.sqlite").path,
                                                    "--http", "127.0.0.1:\(port)",
                                                    "--socket", dir.appendingPathComponent("xa-thu.sock").path], in: dir)
        defer { if run.isRunning { run.terminate() } }
        let b = Browser("http://127.0.0.1:\(port)")
        var page: Browser.Reply?
        for _ in 0..<100 {
            if let r = try? await b.send("GET", "/") { page = r; break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(page?.status == 200 && page?.text.contains("Loa · Xã Thử") == true)
        #expect(try await b.send("GET", "/api/v1/status").status == 401)
        #expect(try await b.login("mat-khau-xa-thu").status == 200)
        let status = try await b.send("GET", "/api/v1/status")
        #expect(status.json["station"] as? String == "xa-thu")
        let slots = try await b.send("GET", "/api/v1/slots")
        #expect(((slots.json["slots"] as? [[String: Any]])?.first?["start"] as? String) == "06:30")
        run.terminate()
        run.waitUntilExit()
        #expect(run.terminationStatus == 0, "\(String(decoding: runErr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))")
    }

    @Test func theServerOutlivesRunningOutOfDescriptors() async throws {
        // The daemon may hold 64 descriptors; a client opens 100 connections, holds them, lets go, then asks again.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit") else { return }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let dir = TemporaryFolders.make("loa-web-fds")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("audio"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: repo.appendingPathComponent("audio/fire-safety.ogg"),
                                         to: dir.appendingPathComponent("audio/fire-safety.ogg"))
        try Data("""
        plan: {id: fds, title: "Thử", period: {from: 2026-01-01, to: 2027-12-31}}
        stations:
          - {id: xa-thu, name: "Xã Thử", slots: [{name: morning, days: [mon-sun], start: "06:00", length: 15m}]}
        messages:
          - {id: fire-safety, title: "Phòng cháy", audio: audio/fire-safety.ogg, airings: {count: 1, per: day}}
        """.utf8).write(to: dir.appendingPathComponent("plan.yaml"))
        let port = Int.random(in: 40_001...60_000)
        let (run, _, _) = try LoaBinary.spawn(["run", "plan.yaml", "--station", "xa-thu", "--device", "null",
                                               "--http", "127.0.0.1:\(port)", "--socket",
                                               dir.appendingPathComponent("xa.sock").path], in: dir,
                                              through: ["/usr/bin/prlimit", "--nofile=64:64"])
        defer { if run.isRunning { run.terminate() } }
        let script = """
        import socket, time, http.client, sys
        port = int(sys.argv[1])
        for _ in range(100):
            try: socket.create_connection(("127.0.0.1", port), timeout=1).close(); break
            except OSError: time.sleep(0.1)
        held = [socket.create_connection(("127.0.0.1", port), timeout=2) for _ in range(100)]
        time.sleep(1.5)
        [s.close() for s in held]
        for attempt in range(50):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2); c.request("GET", "/")
                print(c.getresponse().status); break
            except OSError: time.sleep(0.2)
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, String(port)]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let answer = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(answer.trimmingCharacters(in: .whitespacesAndNewlines) == "200")
        #expect(run.isRunning)
        run.terminate()
        run.waitUntilExit()
    }
}
