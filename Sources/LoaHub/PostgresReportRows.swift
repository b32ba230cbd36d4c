import Foundation
import LoaCore
import LoaLog
import NIOCore
import PostgresNIO

// The city report over PostgreSQL reads a year's rows (≈ 800,000) in seconds only if no row becomes an
// `AiringEvent`: each cell's bytes, as PostgreSQL sends them in binary, are copied into one buffer a page, and the
// report's thread checks the chain on those bytes (`ChainCursor`, as `loa log verify` checks a box's file) and
// counts them (`RowCells`) without making a string.

extension PostgresHubStore {
    public func reportReader() -> any AiringLogReader { PostgresRowReader(store: self) }

    /// Up to `limit` of `station`'s rows after `afterSeq`, in seq order, as bytes.
    func rowPage(station: String, afterSeq: Int64, limit: Int) async throws -> RowPage {
        try await run {
            let rows = try await self.client.query("""
                SELECT \(unescaped: SQLiteHubStore.eventColumns)
                FROM events WHERE station = \(station) AND seq > \(afterSeq) ORDER BY seq LIMIT \(limit)
                """, logger: self.logger)
            var page = RowPage()
            page.bytes.reserveCapacity(limit * 512)
            page.spans.reserveCapacity(limit * RowCells.columnCount)
            for try await row in rows { page.append(row) }
            return page
        }
    }
}

/// Rows as PostgreSQL sent them: every cell's bytes one after another in `bytes`, and per row `columnCount`
/// (start, count) pairs in `spans`, count -1 for NULL.
struct RowPage: Sendable {
    var bytes: [UInt8] = []
    var spans: [Int] = []
    var rows: Int { spans.count / (2 * RowCells.columnCount) }

    mutating func append(_ row: PostgresRow) {
        var cells = 0
        for cell in row where cells < RowCells.columnCount {
            cells += 1
            guard let value = cell.bytes else { spans.append(0); spans.append(-1); continue }
            spans.append(bytes.count)
            spans.append(value.readableBytes)
            value.withUnsafeReadableBytes { bytes.append(contentsOf: $0) }
        }
        // A row with fewer columns than asked for (it cannot happen with the query above) reads as NULLs.
        for _ in cells..<RowCells.columnCount { spans.append(0); spans.append(-1) }
    }

    /// Hands each row to `body` as cells pointing into this page.
    func forEach(into cells: inout RowCells, _ body: (RowCells) throws -> Void) rethrows {
        try bytes.withUnsafeBufferPointer { all in
            for r in 0..<rows {
                let base = r * 2 * RowCells.columnCount
                func cell(_ i: Int) -> UnsafeBufferPointer<UInt8>? {
                    let count = spans[base + 2 * i + 1]
                    guard count >= 0 else { return nil }
                    return UnsafeBufferPointer(rebasing: all[spans[base + 2 * i] ..< spans[base + 2 * i] + count])
                }
                for i in 1...15 where i != 11 && i != 12 { cells.columns[i] = cell(i) }
                cells.seq = cell(0).flatMap { Self.bigEndian($0).map { Int64(bitPattern: $0) } }
                cells.planned = Self.seconds(cell(11))
                cells.played = Self.seconds(cell(12))
                cells.rehearsalFlag = cell(16).map { $0.count == 1 && $0[0] <= 1 ? (true, $0[0] == 1) : (false, false) }
                    ?? (false, false)
                try body(cells)
            }
        }
    }

    /// The seq of the last row, where the next page starts.
    var lastSeq: Int64? {
        guard rows > 0 else { return nil }
        let base = (rows - 1) * 2 * RowCells.columnCount
        guard spans[base + 1] == 8 else { return nil }
        return bigEndian(at: spans[base]).map { Int64(bitPattern: $0) }
    }

    private func bigEndian(at start: Int) -> UInt64? {
        bytes.withUnsafeBufferPointer { Self.bigEndian(UnsafeBufferPointer(rebasing: $0[start ..< start + 8])) }
    }

    /// An 8-byte binary cell (BIGINT, DOUBLE PRECISION), or nil for any other size.
    private static func bigEndian(_ cell: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard cell.count == 8, let start = cell.baseAddress else { return nil }
        return UInt64(bigEndian: UnsafeRawPointer(start).loadUnaligned(as: UInt64.self))
    }

    /// planned_s / played_s: NULL, or a DOUBLE PRECISION of whole milliseconds; anything else is malformed.
    private static func seconds(_ cell: UnsafeBufferPointer<UInt8>?) -> (ok: Bool, value: Double?) {
        guard let cell else { return (true, nil) }
        guard let bits = bigEndian(cell) else { return (false, nil) }
        return RowCells.seconds(Double(bitPattern: bits))
    }
}

/// `scan(path:)` takes a station id; its rows come 20,000 a page (a station's year is ≈ 6,300) and are checked
/// and counted on the bytes. The report's two reader threads read two stations at once over two of the client's
/// connections.
struct PostgresRowReader: AiringLogReader {
    let store: PostgresHubStore
    let pageSize = 20_000

    func scan(path station: String, _ body: (any AiringRowBytes) throws -> Void) throws -> ChainCheck {
        var cursor = ChainCursor()
        let slots = UnsafeMutablePointer<UnsafeBufferPointer<UInt8>?>.allocate(capacity: RowCells.columnCount)
        slots.initialize(repeating: nil, count: RowCells.columnCount)
        defer { slots.deallocate() }
        var cells = RowCells(columns: slots)
        var after: Int64 = 0
        while true {
            let from = after
            let page = try waitFor { [store] in try await store.rowPage(station: station, afterSeq: from, limit: pageSize) }
            try page.forEach(into: &cells) { row in
                cursor.check(row)
                try body(row)
            }
            guard page.rows == pageSize, let last = page.lastSeq, last > after else { break }
            after = last
        }
        return cursor.outcome
    }
}
