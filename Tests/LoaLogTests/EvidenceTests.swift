import Foundation
import GRDB
import LoaCore
import LoaLog
import LoaTestSupport
import Testing

/// Rehearsal rows and signed checkpoints in a real SQLite log (SPEC §6).
@Suite struct EvidenceTests {
    func event(_ airing: String, _ kind: EventKind = .started, rehearsal: Bool = false) -> AiringEvent {
        AiringEvent(at: "2026-06-01T06:00:00.000+07:00", kind: kind, airing: airing, station: "ba-dinh", plan: "p",
                    plannedSeconds: 8.2, playedSeconds: kind == .finished ? 8.2 : nil, rehearsal: rehearsal)
    }

    /// Edits a log behind its triggers, as someone with the file would.
    func tamper(_ path: String, _ sql: String) throws {
        let db = try DatabaseQueue(path: path)
        try db.writeWithoutTransaction { db in
            for t in ["events_append_only_update", "events_append_only_delete", "events_seq_follows"] {
                try db.execute(sql: "DROP TRIGGER IF EXISTS \(t)")
            }
            try db.execute(sql: sql)
        }
    }

    @Test func aRehearsalRowIsMarkedInsideItsHashAndOrdinaryRowsKeepTheirForm() throws {
        // The documented form-1 example is unchanged for an ordinary row.
        let ordinary = AiringEvent(seq: 1, at: "2026-06-01T06:00:00.000+07:00", kind: .started, airing: "a1",
                                   station: "ba-dinh", plan: "p", plannedSeconds: 8.2)
        #expect(String(decoding: Chain.canonical(ordinary), as: UTF8.self)
            == "1:1;29:2026-06-01T06:00:00.000+07:00;7:started;2:a1;7:ba-dinh;1:p;-;-;8:schedule;-;-;5:8.200;-;-;")
        var rehearsed = ordinary; rehearsed.rehearsal = true
        #expect(String(decoding: Chain.canonical(rehearsed), as: UTF8.self).hasSuffix(";-;-;9:rehearsal;"))
        #expect(Chain.hash(rehearsed) != Chain.hash(ordinary))

        let path = TemporaryFolders.make("loa-rehearsal").appendingPathComponent("log.sqlite").path
        let log = try AiringLog(path: path)
        try log.append(event("a1", rehearsal: true))
        try log.append(event("a1", .finished, rehearsal: true))
        try log.append(event("a2"))
        #expect(try log.verify() == .ok(count: 3))
        #expect(try log.events().map(\.rehearsal) == [true, true, false])
        var rows: [Bool] = []
        _ = try log.verify(scanning: { rows.append($0.rehearsal) })
        #expect(rows == [true, true, false])
        // Turning the rehearsal into "evidence" by clearing its mark breaks the chain at that row.
        try tamper(path, "UPDATE events SET rehearsal = 0 WHERE seq = 2")
        #expect(try AiringLog(path: path, readOnly: true).verify().firstBadSeq == 2)
    }

    @Test func aLogFromBeforeTheRehearsalColumnStillVerifiesAndIsMigratedOnWrite() throws {
        let path = TemporaryFolders.make("loa-v1").appendingPathComponent("old.sqlite").path
        // A version-1 log, made as the log made them: no rehearsal column, no checkpoints table.
        let db = try DatabaseQueue(path: path)
        var e = event("old-1"); e.seq = 1; e.prevHash = Chain.genesis; e.hash = Chain.hash(e)
        try db.write { db in
            try db.execute(sql: """
                CREATE TABLE events (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL, airing TEXT NOT NULL,
                station TEXT NOT NULL, plan TEXT NOT NULL, message TEXT, slot_start TEXT, source TEXT NOT NULL,
                audio TEXT, audio_sha256 TEXT, planned_s REAL, played_s REAL, detail TEXT, prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL);
                PRAGMA application_id = \(0x4C6F_6131); PRAGMA user_version = 1;
                """)
            try db.execute(sql: "INSERT INTO events VALUES (1, ?, 'started', 'old-1', 'ba-dinh', 'p', NULL, NULL, "
                           + "'schedule', NULL, NULL, 8.2, NULL, NULL, ?, ?)", arguments: [e.at, e.prevHash, e.hash])
        }
        try db.close()
        let readOnly = try AiringLog(path: path, readOnly: true)
        #expect(try readOnly.verify() == .ok(count: 1))
        #expect(try readOnly.events().first?.rehearsal == false)
        #expect(try readOnly.checkpoints().isEmpty)
        let log = try AiringLog(path: path)
        try log.append(event("new", rehearsal: true))
        #expect(try log.verify() == .ok(count: 2))
        #expect(try log.signCheckpoint(station: "ba-dinh", key: .ephemeral(), at: e.at)?.seq == 2)
    }

    @Test func checkpointsAreKeptAndNameRowsCutOffOrAChainRewritten() throws {
        let folder = TemporaryFolders.make("loa-checkpoints")
        let path = folder.appendingPathComponent("log.sqlite").path
        let key = try StationKey.loadOrCreate(at: folder.appendingPathComponent("station.key"))
        let log = try AiringLog(path: path)
        for i in 1...3 { try log.append(event("a\(i)")); try log.append(event("a\(i)", .finished)) }
        let first = try #require(try log.signCheckpoint(station: "ba-dinh", key: key, at: "2026-06-01T06:10:00.000+07:00"))
        #expect(first.seq == 6 && first.isSigned(by: key.publicKey))
        for i in 4...5 { try log.append(event("a\(i)")); try log.append(event("a\(i)", .finished)) }
        let rows = try log.events()
        let second = try key.checkpoint(station: "ba-dinh", seq: 10, hash: rows[9].hash, at: "2026-06-01T06:20:00.000+07:00")
        try log.append(checkpoint: second)
        #expect(try log.checkpoints() == [first, second])
        #expect(try log.checkpoints(afterSeq: 6) == [second])
        #expect(try log.checkpoints(afterSeq: 10).isEmpty)
        #expect(try log.check(checkpoints: log.checkpoints(), key: key.publicKey).isEmpty)
        let anchors = try log.checkpoints()

        // Rows cut off the end: the chain still verifies, the anchor names them.
        let cut = folder.appendingPathComponent("cut.sqlite").path
        try log.checkpoint()   // fold the -wal file in, so the copy holds every row
        try FileManager.default.copyItem(atPath: path, toPath: cut)
        try tamper(cut, "DELETE FROM events WHERE seq > 7")
        let cutLog = try AiringLog(path: cut, readOnly: true)
        #expect(try cutLog.verify().isOK)
        #expect(try cutLog.check(checkpoints: anchors) == [.cutOff(second, lastSeq: 7)])
        #expect(CheckpointFinding.cutOff(second, lastSeq: 7).message.en.hasPrefix("rows 8…10 were cut off"))

        // A chain rewritten whole by the documented rule (row 3 deleted, renumbered, rehashed) verifies alone.
        let rewritten = folder.appendingPathComponent("rewritten.sqlite").path
        let forged = try AiringLog(path: rewritten)
        try forged.append(contentsOf: rows.filter { $0.seq != 3 })
        #expect(try forged.verify().isOK)
        #expect(try forged.check(checkpoints: anchors) == [.rewritten(first), .cutOff(second, lastSeq: 9)])

        // A checkpoint altered after signing is refused; so is one signed by another key when the box's is given.
        var altered = first; altered.seq = 5
        let other = try StationKey.ephemeral().checkpoint(station: "ba-dinh", seq: 6, hash: first.hash, at: first.at)
        #expect(try log.check(checkpoints: [altered, other], key: key.publicKey)
            == [.badSignature(altered), .badSignature(other)])
    }

    @Test func anAnchorFileIsAJSONArrayOrJSONLines() throws {
        let key = StationKey.ephemeral()
        let a = try key.checkpoint(station: "s", seq: 1, hash: Chain.genesis, at: "2026-06-01T06:00:00.000+07:00")
        let b = try key.checkpoint(station: "s", seq: 2, hash: Chain.genesis, at: "2026-06-01T06:10:00.000+07:00")
        let array = try JSONEncoder().encode([a, b])
        #expect(try Checkpoint.decodeList(array, file: "x.json") == [a, b])
        let lines = [a, b].map { String(decoding: try! JSONEncoder().encode($0), as: UTF8.self) }.joined(separator: "\n\n")
        #expect(try Checkpoint.decodeList(Data(lines.utf8), file: "x.jsonl") == [a, b])
        #expect(throws: CheckpointListError.self) { try Checkpoint.decodeList(Data((lines + "\n{oops}\n").utf8), file: "x") }
        do { _ = try Checkpoint.decodeList(Data((lines + "\n{oops}\n").utf8), file: "x") } catch {
            #expect("\(error)".contains("x:4"))
        }
    }
}
