import LoaCore
import Foundation
import GRDB
import GRDBSQLite

/// One row of `SELECT seq, at, …, hash` read straight from SQLite's buffers: verifying a year of logs
/// spends its time here, so each column is fetched once per row, the chain is checked on the stored bytes and no
/// strings are made for it.
struct RawRow: ~Copyable {
    let stmt: SQLiteStatement
    /// Columns 0…15 as stored bytes (text as UTF-8), valid until the next step; nil for NULL.
    private let columns: UnsafeMutablePointer<UnsafeBufferPointer<UInt8>?>
    private(set) var seq: Int64?
    private(set) var planned: (ok: Bool, value: Double?) = (true, nil)
    private(set) var played: (ok: Bool, value: Double?) = (true, nil)
    /// Column 16, `rehearsal`: 0 or 1 (`ok` false for anything else).
    private(set) var rehearsal: (ok: Bool, value: Bool) = (true, false)

    init(stmt: SQLiteStatement) {
        self.stmt = stmt
        columns = .allocate(capacity: 16)
        columns.initialize(repeating: nil, count: 16)
    }

    deinit { columns.deallocate() }

    /// Reads the row the statement stands on.
    mutating func load() {
        seq = sqlite3_column_type(stmt, 0) == SQLITE_INTEGER ? sqlite3_column_int64(stmt, 0) : nil
        for i in 1...15 as ClosedRange<Int32> where i != 11 && i != 12 { columns[Int(i)] = fetch(i) }
        planned = seconds(11)
        played = seconds(12)
        if sqlite3_column_type(stmt, 16) == SQLITE_INTEGER {
            let flag = sqlite3_column_int64(stmt, 16)
            rehearsal = (flag == 0 || flag == 1, flag == 1)
        } else {
            rehearsal = (false, false)
        }
    }

    @inline(__always) func bytes(_ i: Int32) -> UnsafeBufferPointer<UInt8>? { columns[Int(i)] }

    func isNull(_ i: Int32) -> Bool { columns[Int(i)] == nil }

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
        case SQLITE_FLOAT:
            let d = sqlite3_column_double(stmt, i)
            return (Seconds.rounded(d) == d, d)
        case SQLITE_INTEGER: return (true, Double(sqlite3_column_int64(stmt, i)))
        default: return (false, nil)
        }
    }

    private static let names = ["seq", "at", "kind", "airing", "station", "plan", "message", "slot_start", "source",
                                "audio", "audio_sha256", "planned_s", "played_s", "detail", "prev_hash", "hash"]
    private static let required: [Int32] = [1, 2, 3, 4, 5, 8, 14, 15]

    /// Why this row does not follow a row whose hash is `prevHash` (64 bytes), or nil when it does; then
    /// `computed` (64 bytes) holds this row's hash as hex. Runs for every row of every log, so it allocates nothing.
    func fault(seq: Int64, prevHash: UnsafePointer<UInt8>, writer: inout CanonicalWriter,
               computed: UnsafeMutablePointer<UInt8>) -> ChainFault? {
        for i in Self.required where isNull(i) { return .malformed("\(Self.names[Int(i)]) is NULL") }
        guard planned.ok else { return .malformed("planned_s") }
        guard played.ok else { return .malformed("played_s") }
        guard rehearsal.ok else { return .malformed("rehearsal") }
        let prev = bytes(14)!, stored = bytes(15)!
        guard prev.count == 64, memcmp(prev.baseAddress!, prevHash, 64) == 0 else { return .prevHashMismatch }
        writer.reset()
        writer.seq(seq)
        for i in 1...10 { writer.bytes(columns[i]) }
        writer.seconds(planned.value)
        writer.seconds(played.value)
        writer.bytes(columns[13])
        if rehearsal.value { writer.text(Chain.rehearsalMark) }
        Chain.hashBytes(prev: prev, canonical: writer.written, into: computed)
        guard stored.count == 64, memcmp(stored.baseAddress!, computed, 64) == 0 else { return .hashMismatch }
        return nil
    }
}

/// One row of the log as SQLite holds it, for readers that count hundreds of thousands of rows without making a
/// string for each (the report). Its byte buffers are SQLite's and valid only inside the
/// `AiringLog.verify(scanning:)` call that hands the view out: copy what must outlive it.
public struct LogRowView: AiringRowBytes {
    let row: UnsafePointer<RawRow>

    private func bytes(_ i: Int32) -> UnsafeBufferPointer<UInt8>? { row.pointee.bytes(i) }

    /// The event's kind, or nil when the row is not a readable event (the same rows `AiringLog.events()` would
    /// reject: a kind or source the log never writes, or a required column NULL).
    public var kind: EventKind? {
        guard row.pointee.seq != nil, let k = bytes(2), let kind = EventKind(bytes: k),
              let source = bytes(8), AiringSource(bytes: source) != nil,
              bytes(1) != nil, bytes(3) != nil, bytes(4) != nil, bytes(5) != nil else { return nil }
        return kind
    }

    public var at: UnsafeBufferPointer<UInt8>? { bytes(1) }
    public var airing: UnsafeBufferPointer<UInt8>? { bytes(3) }
    public var station: UnsafeBufferPointer<UInt8>? { bytes(4) }
    public var plan: UnsafeBufferPointer<UInt8>? { bytes(5) }
    public var message: UnsafeBufferPointer<UInt8>? { bytes(6) }
    public var slotStart: UnsafeBufferPointer<UInt8>? { bytes(7) }
    public var plannedSeconds: Double? { row.pointee.planned.value }
    public var playedSeconds: Double? { row.pointee.played.value }
    /// The `source` column (the report splits airtime by it); nil when the log holds a source Loa never writes.
    public var source: AiringSource? { bytes(8).flatMap(AiringSource.init(bytes:)) }
    /// The `rehearsal` column: written by `loa run --clock simulated`, not evidence of airing.
    public var rehearsal: Bool { row.pointee.rehearsal.value }
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
