import LoaCore
import Foundation
import GRDB
import GRDBSQLite

/// One row of `SELECT seq, at, …, hash` read straight from SQLite's buffers: verifying a year of logs
/// spends its time here, so each column is fetched once per row, the chain is checked on the stored bytes and no
/// strings are made for it.
struct RawRow: ~Copyable {
    let stmt: SQLiteStatement
    /// The row as bytes; its column slots are owned here and point into SQLite's buffers until the next step.
    private(set) var cells: RowCells

    init(stmt: SQLiteStatement) {
        self.stmt = stmt
        cells = RowCells(columns: .allocate(capacity: RowCells.columnCount))
        cells.columns.initialize(repeating: nil, count: RowCells.columnCount)
    }

    deinit { cells.columns.deallocate() }

    /// Reads the row the statement stands on.
    mutating func load() {
        cells.seq = sqlite3_column_type(stmt, 0) == SQLITE_INTEGER ? sqlite3_column_int64(stmt, 0) : nil
        for i in 1...15 as ClosedRange<Int32> where i != 11 && i != 12 { cells.columns[Int(i)] = fetch(i) }
        cells.planned = seconds(11)
        cells.played = seconds(12)
        if sqlite3_column_type(stmt, 16) == SQLITE_INTEGER {
            let flag = sqlite3_column_int64(stmt, 16)
            cells.rehearsalFlag = (flag == 0 || flag == 1, flag == 1)
        } else {
            cells.rehearsalFlag = (false, false)
        }
    }

    /// SQLite gives a null pointer only for NULL (and for an empty blob asked as text: the type tells them apart).
    private func fetch(_ i: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard let p = sqlite3_column_text(stmt, i) else {
            return sqlite3_column_type(stmt, i) == SQLITE_NULL ? nil : UnsafeBufferPointer(start: nil, count: 0)
        }
        return UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(stmt, i)))
    }

    /// planned_s / played_s: NULL, a real with no sub-millisecond digits, or an integer; anything else is malformed.
    private func seconds(_ i: Int32) -> (ok: Bool, value: Double?) {
        switch sqlite3_column_type(stmt, i) {
        case SQLITE_NULL: return (true, nil)
        case SQLITE_FLOAT: return RowCells.seconds(sqlite3_column_double(stmt, i))
        case SQLITE_INTEGER: return (true, Double(sqlite3_column_int64(stmt, i)))
        default: return (false, nil)
        }
    }
}

private let kindBytes: [[UInt8]] = EventKind.allCases.map { Array($0.rawValue.utf8) }
private let sourceBytes: [[UInt8]] = AiringSource.allCases.map { Array($0.rawValue.utf8) }

extension EventKind {
    init?(bytes: UnsafeBufferPointer<UInt8>) {
        guard let i = kindBytes.firstIndex(where: { k in k.withUnsafeBufferPointer { sameBytes($0, bytes) } }) else {
            return nil
        }
        self = EventKind.allCases[i]
    }
}

extension AiringSource {
    init?(bytes: UnsafeBufferPointer<UInt8>) {
        guard let i = sourceBytes.firstIndex(where: { s in s.withUnsafeBufferPointer { sameBytes($0, bytes) } }) else {
            return nil
        }
        self = AiringSource.allCases[i]
    }
}

/// The SQLite logs as the report reads them: opened read-only, every row verified as it is handed over.
public struct SQLiteLogReader: AiringLogReader {
    public init() {}
    public func scan(path: String, _ body: (any AiringRowBytes) throws -> Void) throws -> ChainCheck {
        try AiringLog(path: path, readOnly: true).verify(scanning: { try body($0) })
    }
}
