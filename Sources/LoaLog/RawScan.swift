import Foundation
import GRDB
import GRDBSQLite

/// One row of `SELECT seq, at, …, hash` read straight from SQLite's buffers: verifying a year of logs
/// spends its time here, so the chain is checked on the stored bytes and strings are made only for the events.
struct RawRow {
    let stmt: SQLiteStatement

    func isNull(_ i: Int32) -> Bool { sqlite3_column_type(stmt, i) == SQLITE_NULL }

    /// The column's stored bytes (text as UTF-8), valid until the next step; nil for NULL.
    func bytes(_ i: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard !isNull(i) else { return nil }
        let p = sqlite3_column_text(stmt, i)
        let n = Int(sqlite3_column_bytes(stmt, i))
        return UnsafeBufferPointer(start: p, count: n)
    }

    func text(_ i: Int32) -> String? { bytes(i).map { String(decoding: $0, as: UTF8.self) } }

    /// planned_s / played_s: NULL, a real with no sub-millisecond digits, or an integer; anything else is malformed.
    func seconds(_ i: Int32) -> (ok: Bool, value: Double?) {
        switch sqlite3_column_type(stmt, i) {
        case SQLITE_NULL: return (true, nil)
        case SQLITE_FLOAT:
            let d = sqlite3_column_double(stmt, i)
            return (Chain.roundSeconds(d) == d, d)
        case SQLITE_INTEGER: return (true, Double(sqlite3_column_int64(stmt, i)))
        default: return (false, nil)
        }
    }

    var seq: Int64? { sqlite3_column_type(stmt, 0) == SQLITE_INTEGER ? sqlite3_column_int64(stmt, 0) : nil }

    private static let names = ["seq", "at", "kind", "airing", "station", "plan", "message", "slot_start", "source",
                                "audio", "audio_sha256", "planned_s", "played_s", "detail", "prev_hash", "hash"]
    private static let required: [Int32] = [1, 2, 3, 4, 5, 8, 14, 15]

    /// Why this row does not follow a row whose hash is `prevHash`, or nil when it does; then `computed` holds this
    /// row's hash as 64 hex bytes. Runs for every row of every log, so it allocates nothing: the lists above are
    /// built once and `writer` and `computed` are buffers the caller reuses.
    func fault(prevHash: [UInt8], writer: inout CanonicalWriter, computed: inout [UInt8]) -> ChainFault? {
        guard let seq else { return .malformed("seq") }
        for i in Self.required where isNull(i) { return .malformed("\(Self.names[Int(i)]) is NULL") }
        let planned = seconds(11), played = seconds(12)
        guard planned.ok else { return .malformed("planned_s") }
        guard played.ok else { return .malformed("played_s") }
        guard let prev = bytes(14), same(prev, prevHash) else { return .prevHashMismatch }
        writer.reset()
        writer.seq(seq)
        for i in 1...10 as ClosedRange<Int32> { writer.bytes(bytes(i)) }
        writer.seconds(planned.value)
        writer.seconds(played.value)
        writer.bytes(bytes(13))
        Chain.hashBytes(prev: prev, canonical: writer.out, into: &computed)
        guard let stored = bytes(15), same(stored, computed) else { return .hashMismatch }
        return nil
    }

    /// memcmp: the generic `elementsEqual` was a tenth of verify's time.
    private func same(_ a: UnsafeBufferPointer<UInt8>, _ b: [UInt8]) -> Bool {
        a.count == b.count && b.withUnsafeBufferPointer { b in
            a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0
        }
    }

    /// The row as an event, or nil when its kind, source or a required column is not what the log writes.
    /// With `.counting`, the columns a report never looks at (audio, audio_sha256, detail, prev_hash, hash) are left
    /// nil or empty: making those strings was a fifth of reading a year of logs.
    func event(_ fields: EventFields = .all) -> AiringEvent? {
        guard let seq, let kindText = text(2), let kind = EventKind(rawValue: kindText),
              let sourceText = text(8), let source = AiringSource(rawValue: sourceText),
              let at = text(1), let airing = text(3), let station = text(4), let plan = text(5) else { return nil }
        let all = fields == .all
        return AiringEvent(seq: seq, at: at, kind: kind, airing: airing, station: station, plan: plan,
                           message: text(6), slotStart: text(7), source: source, audio: all ? text(9) : nil,
                           audioSHA256: all ? text(10) : nil, plannedSeconds: seconds(11).value,
                           playedSeconds: seconds(12).value, detail: all ? text(13) : nil,
                           prevHash: all ? text(14) ?? "" : "", hash: all ? text(15) ?? "" : "")
    }
}

/// Which columns `AiringLog.verify(decoding:forEach:)` turns into the events it hands out.
public enum EventFields: Sendable, Hashable {
    /// Every column.
    case all
    /// What counting airings needs: `audio`, `audioSHA256` and `detail` are nil, `prevHash` and `hash` empty
    /// (the chain is still verified on every column).
    case counting
}
