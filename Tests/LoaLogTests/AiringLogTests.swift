import LoaCore
import Foundation
import GRDB
import LoaTestSupport
import Testing
@testable import LoaLog

/// A fresh folder per test; the log file lives in it with its -wal and -shm companions.
func tempLogPath(_ name: String = "air.sqlite") throws -> String {
    let dir = TemporaryFolders.make("loalog")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(name).path
}

func sampleEvent(_ kind: EventKind, airing: String, message: String? = "flooding-2026", played: Double? = nil,
                 at: String = "2026-06-01T06:00:08.200+07:00", station: String = "ba-dinh") -> AiringEvent {
    AiringEvent(at: at, kind: kind, airing: airing, station: station, plan: "hanoi-2026",
                message: message, slotStart: "2026-06-01T06:00:00+07:00", source: .schedule,
                audio: "audio/flooding.flac", audioSHA256: String(repeating: "ab", count: 32),
                plannedSeconds: 95.0, playedSeconds: played, detail: kind == .finished ? nil : "lý do; \"x\"")
}

/// Writes `n` airings (started + finished) and returns the log.
func filledLog(_ path: String, airings n: Int) throws -> AiringLog {
    let log = try AiringLog(path: path)
    for i in 1...n {
        try log.append(sampleEvent(.started, airing: "a\(i)"))
        try log.append(sampleEvent(.finished, airing: "a\(i)", played: 95.0004))
    }
    return log
}

/// Tampering as someone with the file and the sqlite3 shell would: drop the triggers, then edit.
func tamper(_ path: String, _ sql: String) throws {
    let db = try DatabaseQueue(path: path)
    try db.writeWithoutTransaction { db in
        try db.execute(sql: "DROP TRIGGER events_append_only_update; DROP TRIGGER events_append_only_delete;")
        try db.execute(sql: sql)
    }
}

@Suite struct AiringLogTests {
    @Test func appendAssignsSeqAndChainsHashes() throws {
        let path = try tempLogPath()
        let log = try AiringLog(path: path)
        let first = try log.append(sampleEvent(.started, airing: "a1"))
        let second = try log.append(sampleEvent(.finished, airing: "a1", played: 94.99949))
        #expect(first.seq == 1 && second.seq == 2)
        #expect(first.prevHash == Chain.genesis)
        #expect(second.prevHash == first.hash)
        #expect(first.hash.count == 64 && first.hash != second.hash)
        #expect(second.playedSeconds == 94.999)
        let read = try log.events()
        #expect(read == [first, second])
        #expect(try log.verify() == .ok(count: 2))
    }

    @Test func canonicalFormIsTheDocumentedOne() throws {
        let e = AiringEvent(seq: 1, at: "2026-06-01T06:00:00.000+07:00", kind: .started, airing: "a1",
                            station: "ba-dinh", plan: "p", source: .schedule, plannedSeconds: 8.2)
        let text = String(decoding: Chain.canonical(e), as: UTF8.self)
        #expect(text == "1:1;29:2026-06-01T06:00:00.000+07:00;7:started;2:a1;7:ba-dinh;1:p;-;-;8:schedule;-;-;5:8.200;-;-;")
        // Byte counts, not characters: "Phường" is 6 characters, 9 bytes.
        var v = e; v.detail = "Phường"
        #expect(String(decoding: Chain.canonical(v), as: UTF8.self).hasSuffix("-;9:Phường;"))
        // An empty text and a NULL differ.
        var empty = e; empty.message = ""
        #expect(Chain.canonical(empty) != Chain.canonical(e))
        #expect(Seconds.threeDecimals(-1.5) == "-1.500" && Seconds.threeDecimals(0.0004) == "0.000")
        #expect(Seconds.threeDecimals(3600.25) == "3600.250")
    }

    @Test func canonicalNumbersAreTheDocumentedDecimals() {
        for v in [0, 0.0004, 0.0005, 1, 8.2, 95.0004, 94.9995, -1.5, -0.25, 3600.25, 123_456_789.125, 1e12] as [Double] {
            var e = AiringEvent(seq: 9_876_543_210, at: "", kind: .finished, airing: "", station: "", plan: "")
            e.playedSeconds = v
            let text = String(decoding: Chain.canonical(e), as: UTF8.self)
            let formatted = Seconds.threeDecimals(v)
            #expect(text.hasSuffix(";-;\(formatted.utf8.count):\(formatted);-;"), "\(v) → \(text)")
            #expect(text.hasPrefix("10:9876543210;0:;8:finished;"))
        }
    }

    @Test func filterBySationMessageDayKind() throws {
        let log = try AiringLog(path: try tempLogPath())
        try log.append(sampleEvent(.started, airing: "a1"))
        try log.append(sampleEvent(.finished, airing: "a1", played: 95))
        try log.append(sampleEvent(.missed, airing: "a2", message: "heat", at: "2026-06-02T17:00:00.000+07:00"))
        try log.append(sampleEvent(.started, airing: "a3", at: "2026-06-02T06:00:00.000+07:00", station: "hoan-kiem"))
        #expect(try log.events(.init(station: "hoan-kiem")).map(\.airing) == ["a3"])
        #expect(try log.events(.init(message: "heat")).map(\.seq) == [3])
        #expect(try log.events(.init(day: "2026-06-02")).map(\.seq) == [3, 4])
        #expect(try log.events(.init(kinds: [.finished, .missed])).map(\.seq) == [2, 3])
        #expect(try log.events(.init(kinds: [])).isEmpty)
        #expect(try log.events(.init(afterSeq: 2, limit: 1)).map(\.seq) == [3])
        #expect(try log.count() == 4)
    }

    @Test func triggersRejectUpdateAndDelete() throws {
        let path = try tempLogPath()
        _ = try filledLog(path, airings: 2)
        let db = try DatabaseQueue(path: path)
        #expect(throws: DatabaseError.self) { try db.write { try $0.execute(sql: "UPDATE events SET station = 'x'") } }
        #expect(throws: DatabaseError.self) { try db.write { try $0.execute(sql: "DELETE FROM events WHERE seq = 2") } }
        #expect(throws: DatabaseError.self) {
            try db.write { try $0.execute(sql: "INSERT INTO events SELECT 9, at, kind, airing, station, plan, message, slot_start, source, audio, audio_sha256, planned_s, played_s, detail, prev_hash, hash FROM events WHERE seq = 1") }
        }
        #expect(try AiringLog(path: path).verify() == .ok(count: 4))
    }

    @Test func editedRowIsNamed() throws {
        let path = try tempLogPath()
        _ = try filledLog(path, airings: 5)
        try tamper(path, "UPDATE events SET played_s = 30 WHERE seq = 6")
        let check = try AiringLog(path: path).verify()
        #expect(check == .broken(seq: 6, fault: .hashMismatch, checkedBefore: 5))
        #expect(check.message.en.contains("seq 6"))
    }

    @Test func subMillisecondEditIsCaught() throws {
        let path = try tempLogPath()
        _ = try filledLog(path, airings: 2)
        try tamper(path, "UPDATE events SET played_s = played_s + 0.0001 WHERE seq = 4")
        #expect(try AiringLog(path: path).verify().firstBadSeq == 4)
    }

    @Test func editRecomputingTheRowHashIsCaughtAtTheNextRow() throws {
        let path = try tempLogPath()
        let log = try filledLog(path, airings: 3)
        var row = try log.events(.init(afterSeq: 2, limit: 1))[0]
        row.station = "elsewhere"
        let newHash = Chain.hash(row)
        try tamper(path, "UPDATE events SET station = 'elsewhere', hash = '\(newHash)' WHERE seq = 3")
        #expect(try AiringLog(path: path).verify() == .broken(seq: 4, fault: .prevHashMismatch, checkedBefore: 3))
    }

    @Test func deletedRowIsNamed() throws {
        let path = try tempLogPath()
        _ = try filledLog(path, airings: 4)
        try tamper(path, "DELETE FROM events WHERE seq = 3")
        let check = try AiringLog(path: path).verify()
        #expect(check == .broken(seq: 3, fault: .missingRows(expected: 3, found: 4), checkedBefore: 2))
    }

    @Test func deletedAndRenumberedRowsAreCaught() throws {
        let path = try tempLogPath()
        _ = try filledLog(path, airings: 3)
        try tamper(path, "DELETE FROM events WHERE seq = 2; UPDATE events SET seq = seq - 1 WHERE seq > 2")
        #expect(try AiringLog(path: path).verify().firstBadSeq == 2)
    }

    @Test func reorderedRowsAreCaught() throws {
        let path = try tempLogPath()
        _ = try filledLog(path, airings: 3)
        // Swap rows 3 and 4 whole, renumbering so seq still counts 1, 2, 3, …
        try tamper(path, """
            UPDATE events SET seq = -3 WHERE seq = 3; UPDATE events SET seq = 3 WHERE seq = 4;
            UPDATE events SET seq = 4 WHERE seq = -3;
            """)
        let check = try AiringLog(path: path).verify()
        #expect(check.firstBadSeq == 3)
        #expect(!check.isOK)
    }

    @Test func recoveryClosesOpenAiringsOnce() throws {
        let path = try tempLogPath()
        let log = try AiringLog(path: path)
        try log.append(sampleEvent(.started, airing: "a1"))
        try log.append(sampleEvent(.finished, airing: "a1", played: 95))
        try log.append(sampleEvent(.started, airing: "a2"))
        try log.append(sampleEvent(.missed, airing: "a3"))
        try log.append(sampleEvent(.started, airing: "a4", message: nil))
        #expect(try log.openAirings().map(\.airing) == ["a2", "a4"])
        let closed = try log.closeOpenAirings(at: "2026-06-01T07:00:00.000+07:00", detail: "daemon restarted after a crash")
        #expect(closed.map(\.airing) == ["a2", "a4"])
        #expect(closed.allSatisfy { $0.kind == .interrupted && $0.detail == "daemon restarted after a crash" })
        #expect(closed.map(\.seq) == [6, 7])
        #expect(closed[1].message == nil && closed[0].message == "flooding-2026" && closed[0].playedSeconds == nil)
        #expect(try log.closeOpenAirings(at: "2026-06-01T07:00:01.000+07:00", detail: "again").isEmpty)
        #expect(try log.verify() == .ok(count: 7))
    }

    @Test func reopeningAfterTheWriterDiedContinuesTheChain() throws {
        let path = try tempLogPath()
        do {
            let first = try AiringLog(path: path)
            try first.append(sampleEvent(.started, airing: "a1"))
            // A second writer on the same file, as after a restart while the old process still held it.
            let second = try AiringLog(path: path)
            #expect(try second.openAirings().count == 1)
            try second.closeOpenAirings(at: "2026-06-01T06:05:00.000+07:00", detail: "crash")
            try first.append(sampleEvent(.started, airing: "a2"))
        }
        let reopened = try AiringLog(path: path)
        try reopened.append(sampleEvent(.finished, airing: "a2", played: 95))
        #expect(try reopened.events().map(\.seq) == [1, 2, 3, 4])
        #expect(try reopened.verify() == .ok(count: 4))
        let journal = try DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
    }

    @Test func concurrentAppendersKeepOneChain() async throws {
        let path = try tempLogPath()
        let a = try AiringLog(path: path), b = try AiringLog(path: path)
        await withTaskGroup(of: Void.self) { group in
            for (i, log) in [a, b, a, b].enumerated() {
                group.addTask { for j in 0..<10 { _ = try? log.append(sampleEvent(.missed, airing: "t\(i)-\(j)")) } }
            }
        }
        #expect(try a.count() == 40)
        #expect(try b.verify() == .ok(count: 40))
    }

    @Test func badFilesGiveClearErrors() throws {
        let path = try tempLogPath()
        // Not a database at all.
        try Data("this is not sqlite, just text\n".utf8).write(to: URL(fileURLWithPath: path))
        let notDB = #expect(throws: LogError.self) { try AiringLog(path: path) }
        #expect(notDB?.description.contains(path) == true)
        #expect(notDB?.reason.en.contains("not an SQLite database") == true)
        // A torn file: the first half of a real log.
        let good = try tempLogPath()
        _ = try filledLog(good, airings: 300)
        try DatabaseQueue(path: good).writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        let torn = try tempLogPath()
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: torn))
        #expect(throws: LogError.self) { _ = try AiringLog(path: torn, readOnly: true).verify() }
        // Another SQLite database is refused, not written into.
        let other = try tempLogPath()
        try DatabaseQueue(path: other).write { try $0.execute(sql: "CREATE TABLE t(x)") }
        let foreign = #expect(throws: LogError.self) { try AiringLog(path: other) }
        #expect(foreign?.reason.en.contains("not a Loa airing log") == true)
        // A missing file opened for reading.
        #expect(throws: LogError.self) { try AiringLog(path: path + ".missing", readOnly: true) }
    }

    @Test func timestampIsRFC3339WithMillisAndOffset() {
        let date = Date(timeIntervalSince1970: 1_780_268_400.0125) // 2026-06-01T06:00:00.0125+07:00 (23:00Z)
        #expect(Timestamp.format(date, timeZone: TimeZone(identifier: "Asia/Ho_Chi_Minh")!)
                == "2026-06-01T06:00:00.012+07:00")
        #expect(Timestamp.format(date, timeZone: TimeZone(identifier: "UTC")!) == "2026-05-31T23:00:00.012+00:00")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -0.5), timeZone: TimeZone(secondsFromGMT: -12600)!)
                == "1969-12-31T20:29:59.500-03:30")
    }
}
