import Foundation
import GRDB
import LoaCore
import LoaLog

// The report reads each station's rows straight from the store, its chain verified in the same pass as
// `loa log verify` does over a box's file. Nothing is copied first, so a report never pays for a backlog that just
// arrived, and there is no second copy that a hub killed mid-ingest could leave disagreeing with the store: the
// report sees exactly the committed rows.

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

/// Waits on this (non-cooperative) thread for `work`: the report's readers are LoaReport's own threads.
func waitFor<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
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
