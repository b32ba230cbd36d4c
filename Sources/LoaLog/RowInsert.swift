import LoaCore
import GRDB
import GRDBSQLite

/// Inserts rows with the log's columns bound straight from Swift's UTF-8: the hub takes a city's year (~790,000
/// rows) in a few seconds, and boxing every value into GRDB's `StatementArguments` cost more than SQLite's insert.
public enum RowInsert {
    /// Runs `statement`, an INSERT of 17 `?` in the log's column order (`seq, at, kind, airing, station, plan,
    /// message, slot_start, source, audio, audio_sha256, planned_s, played_s, detail, prev_hash, hash, rehearsal`),
    /// once per row, inside the caller's transaction. Seconds are stored rounded to the millisecond, as a log
    /// stores them.
    /// - Throws: GRDB's `DatabaseError` with SQLite's code and message (`SQLITE_FULL` for a full disk).
    public static func insert(_ rows: some Sequence<AiringEvent>, with statement: Statement, in db: Database) throws {
        let stmt = statement.sqliteStatement
        defer { sqlite3_reset(stmt); sqlite3_clear_bindings(stmt) }
        func check(_ rc: Int32) throws {
            guard rc == SQLITE_OK else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
        }
        for e in rows {
            sqlite3_reset(stmt)
            try check(sqlite3_bind_int64(stmt, 1, e.seq))
            try check(bind(stmt, 2, e.at))
            try check(bind(stmt, 3, e.kind.rawValue))
            try check(bind(stmt, 4, e.airing))
            try check(bind(stmt, 5, e.station))
            try check(bind(stmt, 6, e.plan))
            try check(bind(stmt, 7, e.message))
            try check(bind(stmt, 8, e.slotStart))
            try check(bind(stmt, 9, e.source.rawValue))
            try check(bind(stmt, 10, e.audio))
            try check(bind(stmt, 11, e.audioSHA256))
            try check(bind(stmt, 12, e.plannedSeconds.map(Seconds.rounded)))
            try check(bind(stmt, 13, e.playedSeconds.map(Seconds.rounded)))
            try check(bind(stmt, 14, e.detail))
            try check(bind(stmt, 15, e.prevHash))
            try check(bind(stmt, 16, e.hash))
            try check(sqlite3_bind_int64(stmt, 17, e.rehearsal ? 1 : 0))
            let rc = sqlite3_step(stmt)
            guard rc == SQLITE_DONE else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
        }
    }

    /// SQLite copies the text before `bind` returns (SQLITE_TRANSIENT).
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    private static func bind(_ stmt: OpaquePointer, _ index: Int32, _ text: String?) -> Int32 {
        guard var text else { return sqlite3_bind_null(stmt, index) }
        return text.withUTF8 { utf8 in
            // An empty buffer may have no address, which SQLite would take for NULL.
            guard let base = utf8.baseAddress, !utf8.isEmpty else { return sqlite3_bind_text(stmt, index, "", 0, transient) }
            return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
                sqlite3_bind_text(stmt, index, $0, Int32(utf8.count), transient)
            }
        }
    }

    private static func bind(_ stmt: OpaquePointer, _ index: Int32, _ value: Double?) -> Int32 {
        guard let value else { return sqlite3_bind_null(stmt, index) }
        return sqlite3_bind_double(stmt, index, value)
    }
}
