import Foundation
import GRDB
import LoaCore
import LoaLog

// The report reads each station's rows straight from the store, its chain verified in the same pass as
// `loa log verify` does over a box's file. Nothing is copied first, so a report never pays for a backlog that just
// arrived, and there is no second copy that a hub killed mid-ingest could leave disagreeing with the store: the
// report sees exactly the committed rows.

extension HubStore {
    /// Any store: its rows fetched a page at a time through `events(station:afterSeq:limit:)`.
    public func reportReader() -> any AiringLogReader { StoreRowReader(store: self) }
}

extension SQLiteHubStore {
    /// SQLite: the rows read from SQLite's buffers on a read-only connection of its own (WAL: ingest goes on).
    public func reportReader() -> any AiringLogReader { SQLiteStoreRowReader(path: path) }
}

/// `scan(path:)` takes a station id and reads that station's rows in `hub.sqlite` with LoaLog's `ChainScan`.
struct SQLiteStoreRowReader: AiringLogReader {
    let path: String

    func scan(path station: String, _ body: (any AiringRowBytes) throws -> Void) throws -> ChainCheck {
        do {
            var config = Configuration()
            config.readonly = true
            config.busyMode = .timeout(10)
            return try DatabaseQueue(path: path, configuration: config).read { db in
                try ChainScan.verify(db, sql: "SELECT \(SQLiteHubStore.eventColumns) FROM events WHERE station = ? ORDER BY seq",
                                     arguments: [station], scanning: { try body($0) })
            }
        } catch {
            throw SQLiteHubStore.wrap(error, path: path)
        }
    }
}

/// `scan(path:)` takes a station id; the rows come from the store 20,000 at a time and are checked as `ChainScan`
/// checks a log's (seq from 1 without gaps, `prev_hash` links, hash recomputed, seconds to the millisecond).
struct StoreRowReader: AiringLogReader {
    let store: any HubStore

    func scan(path station: String, _ body: (any AiringRowBytes) throws -> Void) throws -> ChainCheck {
        var expected: Int64 = 1, prev = Chain.genesis, checked = 0, after: Int64 = 0
        var result: ChainCheck?
        var scratch: [UInt8] = []
        while true {
            let from = after
            let rows = try waitFor { [store] in try await store.events(station: station, afterSeq: from, limit: 20_000) }
            guard let last = rows.last else { break }
            for row in rows {
                if result == nil {
                    if row.seq != expected {
                        result = .broken(seq: expected, fault: .missingRows(expected: expected, found: row.seq),
                                         checkedBefore: checked)
                    } else if let fault = Self.fault(row, prev: prev) {
                        result = .broken(seq: expected, fault: fault, checkedBefore: checked)
                    } else {
                        prev = row.hash
                        expected += 1
                        checked += 1
                    }
                }
                try EventRowBytes.with(row, scratch: &scratch, body)
            }
            after = last.seq
        }
        return result ?? .ok(count: checked)
    }

    static func fault(_ row: AiringEvent, prev: String) -> ChainFault? {
        for (name, value) in [("planned_s", row.plannedSeconds), ("played_s", row.playedSeconds)] {
            if let value, Seconds.rounded(value) != value { return .malformed(name) }
        }
        guard row.prevHash == prev else { return .prevHashMismatch }
        guard Chain.holds(row) else { return .hashMismatch }
        return nil
    }
}

/// An `AiringEvent` seen as `AiringRowBytes`: its texts copied into one reused buffer for the call.
struct EventRowBytes: AiringRowBytes {
    let kind: EventKind?
    let source: AiringSource?
    let plannedSeconds: Double?
    let playedSeconds: Double?
    let rehearsal: Bool
    let at, airing, station, plan, message, slotStart: UnsafeBufferPointer<UInt8>?

    static func with(_ e: AiringEvent, scratch: inout [UInt8], _ body: (any AiringRowBytes) throws -> Void) throws {
        scratch.removeAll(keepingCapacity: true)
        var ranges: [Range<Int>?] = []
        for text in [e.at, e.airing, e.station, e.plan, e.message, e.slotStart] {
            guard let text else { ranges.append(nil); continue }
            let start = scratch.count
            scratch.append(contentsOf: text.utf8)
            ranges.append(start..<scratch.count)
        }
        try scratch.withUnsafeBufferPointer { buffer in
            func part(_ i: Int) -> UnsafeBufferPointer<UInt8>? { ranges[i].map { UnsafeBufferPointer(rebasing: buffer[$0]) } }
            try body(EventRowBytes(kind: e.kind, source: e.source, plannedSeconds: e.plannedSeconds,
                                   playedSeconds: e.playedSeconds, rehearsal: e.rehearsal, at: part(0), airing: part(1),
                                   station: part(2), plan: part(3), message: part(4), slotStart: part(5)))
        }
    }
}

/// Waits on this (non-cooperative) thread for `work`: the report's readers are LoaReport's own threads.
private func waitFor<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    Task { do { box.put(.success(try await work())) } catch { box.put(.failure(error)) } }
    return try box.take().get()
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<T, any Error>?

    func put(_ value: Result<T, any Error>) {
        condition.lock(); result = value; condition.broadcast(); condition.unlock()
    }

    func take() -> Result<T, any Error> {
        condition.lock(); defer { condition.unlock() }
        while result == nil { condition.wait() }
        return result!
    }
}

/// Runs `body` on a thread of its own, so a report that blocks (its pipeline, a store read waited for) never holds
/// one of the few threads Swift's tasks share.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 4 << 20
        thread.start()
    }
}
