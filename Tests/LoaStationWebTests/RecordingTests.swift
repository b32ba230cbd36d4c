import Foundation
import LoaAudio
import LoaCore
import LoaLog
import LoaStationWeb
import LoaTestSupport
import Testing

/// HTTPS on the operator's page (`--tls-cert`/`--tls-key`) and recording an emergency in the page itself: a
/// self-signed certificate made with `openssl`, curl trusting it, and headless Chromium's fake microphone.
@Suite(.serialized) struct RecordingTests {
    /// A self-signed certificate for 127.0.0.1 and its key, made by `openssl` in `dir`.
    static func selfSigned(in dir: URL) throws -> TLSFiles {
        let files = TLSFiles(certificate: dir.appendingPathComponent("cert.pem").path,
                             key: dir.appendingPathComponent("key.pem").path)
        let made = try run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", files.key,
                                                "-out", files.certificate, "-days", "1", "-subj", "/CN=127.0.0.1",
                                                "-addext", "subjectAltName=IP:127.0.0.1"])
        #expect(made.status == 0, "\(made.err)")
        return files
    }

    static func run(_ tool: String, _ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test func theStatusIsServedOverHTTPSToAClientTrustingTheCertificate() throws {
        let dir = TemporaryFolders.make("loa-tls")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let tls = try Self.selfSigned(in: dir)
        let s = try WebStation(tls: tls)
        defer { s.stop() }
        #expect(s.base.hasPrefix("https://127.0.0.1:"))
        let jar = dir.appendingPathComponent("cookies").path
        let login = try Self.run("/usr/bin/curl", ["-sS", "--cacert", tls.certificate, "-c", jar, "-H",
                                                    "Content-Type: application/json", "-d",
                                                    "{\"password\":\"\(WebStation.password)\"}", s.base + "/api/v1/login"])
        #expect(login.status == 0 && login.out.contains("csrf"), "\(login.err)")
        let status = try Self.run("/usr/bin/curl", ["-sS", "--cacert", tls.certificate, "-b", jar, s.base + "/api/v1/status"])
        #expect(status.status == 0, "\(status.err)")
        let decoded = try JSONDecoder().decode(StationStatus.self, from: Data(status.out.utf8))
        #expect(decoded.station == "ba-dinh")
        // Without the certificate the client refuses the box; plain HTTP gets no page from the TLS port.
        let untrusted = try Self.run("/usr/bin/curl", ["-sS", s.base + "/api/v1/status"])
        #expect(untrusted.status == 60, "curl exit \(untrusted.status): \(untrusted.err)")
        let plain = try Self.run("/usr/bin/curl", ["-sS", "-m", "5", s.base.replacingOccurrences(of: "https:", with: "http:") + "/"])
        #expect(plain.status != 0 && !plain.out.contains("<html"))
    }

    @Test func aMissingOrBadCertificateStopsTheServerNamingTheFile() throws {
        let dir = TemporaryFolders.make("loa-tls-bad")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let good = try Self.selfSigned(in: dir)
        let notPEM = dir.appendingPathComponent("not.pem")
        try Data("not a certificate\n".utf8).write(to: notPEM)
        for (files, named) in [(TLSFiles(certificate: notPEM.path, key: good.key), notPEM.path),
                               (TLSFiles(certificate: good.certificate, key: dir.appendingPathComponent("none.pem").path),
                                dir.appendingPathComponent("none.pem").path)] {
            do {
                _ = try WebStation(tls: files)
                Issue.record("a station started with \(files)")
            } catch {
                #expect("\(error)".contains(named), "\(error)")
                #expect("\(error)".contains("TLS"), "\(error)")
            }
        }
    }

    @Test func anOperatorRecordsAnEmergencyInThePageAndItAirs() throws {
        let dir = TemporaryFolders.make("loa-record")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let s = try WebStation(lead: 0.5, pace: 1, tls: try Self.selfSigned(in: dir))
        defer { s.stop() }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Browser/record_emergency.py")
        let browser = try Self.run("/usr/bin/env", ["python3", script.path, s.base, WebStation.password, "3"])
        #expect(browser.status == 0, "\(browser.out)\n\(browser.err)")
        #expect(browser.out.components(separatedBy: "\n").filter { $0.hasPrefix("ok:") }.count == 4, "\(browser.out)")

        // The log says an emergency aired, from the box's own copy of what the page recorded.
        let finished = s.waitFor(10) {
            let events: [AiringEvent] = (try? s.log.events()) ?? []
            return events.contains { $0.source == .emergency && $0.kind == .finished }
        }
        #expect(finished)
        let events = try s.log.events()
        let aired = try #require(events.first { $0.source == .emergency && $0.kind == .finished })
        #expect((aired.playedSeconds ?? 0) > 0)
        #expect(try s.log.verify().isOK)
        // The upload is the page's WAV: about the seconds recorded, and not silence (the fake microphone's tone).
        let copy = URL(fileURLWithPath: try #require(aired.audio))
        let info = try AudioProbe.info(of: copy)
        #expect(info.format.uppercased().contains("WAV") && info.channels == 1, "\(info)")
        #expect(info.duration > 2 && info.duration < 6, "\(info)")
        let file = try SoundFile(readingFrom: copy)
        var samples: [Float] = []
        _ = try file.read(into: &samples, frameCount: Int(info.frames))
        #expect((samples.map(abs).max() ?? 0) > 0.01, "the recording is silent")
    }
}

/// `loa run`'s TLS options, as the face wires them.
@Suite struct TLSOptionTests {
    @Test func theOptionsGoTogetherNeedHTTPAndABadFileStopsLoaRunNamingIt() throws {
        let dir = TemporaryFolders.make("loa-tls-run")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let plan = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("playlists/hanoi-2026.yaml").path
        let base = ["run", plan, "--station", "ba-dinh", "--device", "null", "--log", "ba-dinh.sqlite",
                    "--socket", dir.appendingPathComponent("ba-dinh.sock").path]
        let alone = try LoaBinary.run(base + ["--http", "127.0.0.1:0", "--tls-cert", "cert.pem"], in: dir)
        #expect(alone.status == 2 && alone.err.contains("--tls-cert and --tls-key go together, and need --http"),
                "\(alone.err)")
        let noHTTP = try LoaBinary.run(base + ["--tls-cert", "cert.pem", "--tls-key", "key.pem"], in: dir)
        #expect(noHTTP.status == 2, "\(noHTTP.err)")

        let files = try RecordingTests.selfSigned(in: dir)
        try Data("not a certificate\n".utf8).write(to: dir.appendingPathComponent("not.pem"))
        let (p, _, err) = try LoaBinary.spawn(base + ["--http", "127.0.0.1:0", "--tls-cert", "not.pem", "--tls-key", files.key],
                                              in: dir)
        let deadline = Date().addingTimeInterval(20)
        while p.isRunning, Date() < deadline { usleep(50_000) }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        let said = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 1, "\(said)")
        #expect(said.contains("not.pem: cannot read a TLS certificate (PEM)"), "\(said)")
    }
}
