import LoaCore
import GRDB
import GRDBSQLite

/// The chain check of `AiringLog.verify`, over any rows a query selects in the log's column order (`seq, at, kind,
/// airing, station, plan, message, slot_start, source, audio, audio_sha256, planned_s, played_s, detail,
/// prev_hash, hash, rehearsal`), seq ascending from 1: the hub verifies a station's rows in its own store this way,
/// exactly as `loa log verify` verifies the box's file.
public enum ChainScan {
    /// Verifies the rows `sql` selects in `db` and hands each, readable or not, to `body` (see `RowCells`).
    public static func verify(_ db: Database, sql: String, arguments: StatementArguments,
                              scanning body: (RowCells) throws -> Void) throws -> ChainCheck {
        try withoutActuallyEscaping(body) { body in try scan(db, sql: sql, arguments: arguments, body) }
    }

    static func scan(_ db: Database, sql: String, arguments: StatementArguments,
                     _ body: ((RowCells) throws -> Void)?) throws -> ChainCheck {
        let statement = try db.makeStatement(sql: sql)
        try statement.setArguments(arguments)
        let stmt = statement.sqliteStatement
        defer { sqlite3_reset(stmt) }
        var row = RawRow(stmt: stmt)
        var cursor = ChainCursor()
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc),
                                    message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            row.load()
            cursor.check(row.cells)
            if cursor.fault != nil, body == nil { break }
            try body?(row.cells)
        }
        return cursor.outcome
    }
}
