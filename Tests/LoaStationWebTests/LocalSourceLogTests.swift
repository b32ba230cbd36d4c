import Foundation
import LoaCore
import LoaLog
import LoaStationWeb
import LoaTestSupport
import Testing

/// `source: local` rows go into new logs and into logs made before local announcements existed.
@Suite struct LocalSourceLogTests {
    @Test func aLogMadeBeforeLocalAnnouncementsTakesLocalRowsAndStillVerifies() throws {
        let dir = TemporaryFolders.make("loa-local-log")
        let path = dir.appendingPathComponent("old.sqlite").path
        // The schema as issue 3 created it: its CHECK knew no 'local'.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", """
            import sqlite3; c = sqlite3.connect('\(path)'); c.executescript('''CREATE TABLE events (seq INTEGER PRIMARY KEY,
            at TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('started','finished','interrupted','preempted','failed','missed')),
            airing TEXT NOT NULL, station TEXT NOT NULL, plan TEXT NOT NULL, message TEXT, slot_start TEXT,
            source TEXT NOT NULL CHECK (source IN ('schedule','emergency','manual')), audio TEXT, audio_sha256 TEXT,
            planned_s REAL, played_s REAL, detail TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
            PRAGMA application_id = 1282367793;'''); c.commit()
            """]
        try p.run(); p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let log = try AiringLog(path: path)
        let e = AiringEvent(at: "2026-12-01T06:00:00.000+07:00", kind: .started, airing: "ba-dinh@x/message:local-a",
                            station: "ba-dinh", plan: "p", message: "local-a", source: .local, audio: "local-audio/a.wav")
        try log.append(e)
        var done = e; done.kind = .finished; done.playedSeconds = 12
        try log.append(done)
        #expect(try log.events().map(\.source) == [.local, .local])
        #expect(try log.verify().isOK)
        // A new log takes them too.
        let fresh = try AiringLog(path: dir.appendingPathComponent("new.sqlite").path)
        try fresh.append(e)
        #expect(try fresh.events().first?.source == .local)
    }
}

/// `loa passwd` run twice replaces the hash; the file stays owner-only.
@Suite struct PasswordFileTests {
    @Test func settingThePasswordAgainReplacesItAndKeepsTheFilePrivate() async throws {
        let dir = TemporaryFolders.make("loa-passwd")
        let file = OperatorAccess.passwordFile(state: dir, station: "ba-dinh")
        try OperatorAccess.setPassword("first-password", file: file, cost: 4)
        try OperatorAccess.setPassword("second-password", file: file, cost: 4)
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let access = OperatorAccess(passwordFile: file, report: { _ in })
        #expect(await access.login(password: "first-password", from: "a") == .wrong)
        if case .signedIn = await access.login(password: "second-password", from: "b") {} else { Issue.record("not signed in") }
    }
}
