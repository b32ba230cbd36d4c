import LoaCore
import GRDB
import GRDBSQLite

/// The chain check of `AiringLog.verify`, over any rows a query selects in the log's column order (`seq, at, kind,
/// airing, station, plan, message, slot_start, source, audio, audio_sha256, planned_s, played_s, detail,
/// prev_hash, hash, rehearsal`), seq ascending from 1: the hub verifies a station's rows in its own store this way,
/// exactly as `loa log verify` verifies the box's file.
public enum ChainScan {
    /// Verifies the rows `sql` selects in `db` and hands each, readable or not, to `body` (see `LogRowView`).
    public static func verify(_ db: Database, sql: String, arguments: StatementArguments,
                              scanning body: (LogRowView) throws -> Void) throws -> ChainCheck {
        try withoutActuallyEscaping(body) { body in
            try scan(db, sql: sql, arguments: arguments) { try body(LogRowView(row: $0)) }
        }
    }

    static func scan(_ db: Database, sql: String, arguments: StatementArguments,
                     _ body: ((UnsafePointer<RawRow>) throws -> Void)?) throws -> ChainCheck {
        let statement = try db.makeStatement(sql: sql)
        try statement.setArguments(arguments)
        let stmt = statement.sqliteStatement
        defer { sqlite3_reset(stmt) }
        // Heap-held so views can point at it; loaded once per step.
        let row = UnsafeMutablePointer<RawRow>.allocate(capacity: 1)
        row.initialize(to: RawRow(stmt: stmt))
        defer { row.deinitialize(count: 1); row.deallocate() }
        var writer = CanonicalWriter()
        // Two 64-byte hex hashes: the previous row's and this row's, swapped after each good row.
        let hashes = UnsafeMutablePointer<UInt8>.allocate(capacity: 128)
        defer { hashes.deallocate() }
        var prevHash = hashes, computed = hashes + 64
        prevHash.initialize(repeating: UInt8(ascii: "0"), count: 64)
        var expected: Int64 = 1
        var checked = 0
        var result: ChainCheck?
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc),
                                    message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            row.pointee.load()
            if result == nil {
                if let seq = row.pointee.seq, seq != expected {
                    result = .broken(seq: expected, fault: .missingRows(expected: expected, found: seq),
                                     checkedBefore: checked)
                } else if let seq = row.pointee.seq {
                    if let fault = row.pointee.fault(seq: seq, prevHash: prevHash, writer: &writer, computed: computed) {
                        result = .broken(seq: expected, fault: fault, checkedBefore: checked)
                    } else {
                        swap(&prevHash, &computed)
                        expected += 1
                        checked += 1
                    }
                } else {
                    result = .broken(seq: expected, fault: .malformed("seq"), checkedBefore: checked)
                }
                if result != nil, body == nil { break }
            }
            try body?(UnsafePointer(row))
        }
        return result ?? .ok(count: checked)
    }
}
