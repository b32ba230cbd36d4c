import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GRDB
import GRDBSQLite
import LoaL10n

/// Which file a path names: a log deleted (or moved away) under its writer no longer matches.
struct FileIdentity: Hashable {
    let device: UInt64
    let inode: UInt64

    init?(_ path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        device = UInt64(st.st_dev); inode = UInt64(st.st_ino)
    }
}

/// A flag read and set from any thread.
final class SharedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = false
    var value: Bool {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); defer { lock.unlock() }; stored = newValue }
    }
}

/// The open database of a log and the file it was opened as, swapped in one place under one lock.
final class QueueStore: @unchecked Sendable {
    private let lock = NSLock()
    private var current: DatabaseQueue
    let configuration: Configuration
    /// The file the writer opened (nil for readers).
    var identity: FileIdentity? {
        get { lock.lock(); defer { lock.unlock() }; return openedAs }
        set { lock.lock(); defer { lock.unlock() }; openedAs = newValue }
    }
    private var openedAs: FileIdentity?

    init(_ queue: DatabaseQueue, configuration: Configuration) { current = queue; self.configuration = configuration }

    var queue: DatabaseQueue { lock.lock(); defer { lock.unlock() }; return current }

    /// Set while a vanished file is written back (seconds for a large log).
    private let restoring = SharedFlag()

    /// Runs `body` with the current database while nothing else writes or swaps it. While the file is being written
    /// back a write fails at once instead of waiting: the daemon's writes come from the audio thread, which must not
    /// stall, and it keeps a refused event and writes it with the next one.
    func exclusive<T>(_ body: (DatabaseQueue) throws -> T) throws -> T {
        if restoring.value { throw RestoringError() }
        lock.lock(); defer { lock.unlock() }
        return try body(current)
    }

    struct RestoringError: Error, CustomStringConvertible {
        var description: String { tr("nhật ký đang được ghi lại vào chỗ cũ", "the log is being written back at its path") }
    }

    /// Like `exclusive`, and `body` may hand back a database to use from now on, the file it is (and what it found).
    func swapping<T>(_ body: (DatabaseQueue, FileIdentity?) throws -> (DatabaseQueue, FileIdentity?, T)?) throws -> T? {
        restoring.value = true
        defer { restoring.value = false }
        lock.lock(); defer { lock.unlock() }
        guard let (next, identity, found) = try body(current, openedAs) else { return nil }
        current = next
        openedAs = identity
        return found
    }
}

/// A log file that vanished under its running writer (deleted or moved away) and was written back at its path from
/// the writer's open copy: every row it held, and this record of the break in the `log_breaks` table.
public struct LogBreak: Sendable, Hashable {
    /// When the writer noticed (RFC 3339, the caller's clock).
    public var at: String
    /// The last row the vanished file held (0 when it had none) and its hash.
    public var lastSeq: Int64
    public var lastHash: String
    public var detail: String
}

extension AiringLog {
    /// When the file at `path` is no longer the one this writer opened (deleted, or moved away), writes the whole log
    /// as this writer still reads it (its open handles keep the deleted file readable) back to `path`, records the
    /// break there (`log_breaks`) and goes on writing into it: nothing the log held is lost. Nil while the file is
    /// in place. Throws, changing nothing, when it cannot: then rows go on into the open, unlinked file.
    public func restoreIfVanished(at: String, detail: String) throws -> LogBreak? {
        guard !readOnly else { return nil }
        return try guarded {
            try store.swapping { old, opened -> (DatabaseQueue, FileIdentity?, LogBreak)? in
                guard let opened, FileIdentity(path) != opened else { return nil }
                let last = try old.read { db in
                    try Row.fetchOne(db, sql: "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
                }
                let found = LogBreak(at: at, lastSeq: last?[0] ?? 0, lastHash: last?[1] ?? Chain.genesis, detail: detail)
                let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
                let temporary = folder + "/.\(URL(fileURLWithPath: path).lastPathComponent).restoring-\(UUID().uuidString)"
                defer { unlink(temporary) }
                try old.writeWithoutTransaction { db in
                    try db.execute(sql: "VACUUM INTO ?", arguments: [temporary])
                }
                // Never over a file someone put there since: link refuses an existing name.
                guard link(temporary, path) == 0 else {
                    let why = String(cString: strerror(errno))
                    throw LogError(path: path, Localized(vi: "không ghi lại được nhật ký vào chỗ cũ: \(why)",
                                                         en: "cannot write the log back at its path: \(why)"))
                }
                chmod(path, 0o640)
                let fresh = try DatabaseQueue(path: path, configuration: store.configuration)
                try fresh.write { db in
                    try db.execute(sql: """
                        CREATE TABLE IF NOT EXISTS log_breaks (
                            id INTEGER PRIMARY KEY, at TEXT NOT NULL, last_seq INTEGER NOT NULL,
                            last_hash TEXT NOT NULL, detail TEXT NOT NULL);
                        CREATE TRIGGER IF NOT EXISTS log_breaks_append_only_update BEFORE UPDATE ON log_breaks
                            BEGIN SELECT RAISE(ABORT, 'the airing log is append-only'); END;
                        CREATE TRIGGER IF NOT EXISTS log_breaks_append_only_delete BEFORE DELETE ON log_breaks
                            BEGIN SELECT RAISE(ABORT, 'the airing log is append-only'); END;
                        """)
                    try db.execute(sql: "INSERT INTO log_breaks (at, last_seq, last_hash, detail) VALUES (?,?,?,?)",
                                   arguments: [found.at, found.lastSeq, found.lastHash, found.detail])
                }
                // The old connection, closing, must not delete the -wal and -shm by name: those names are the new
                // file's now.
                old.writeWithoutTransaction { db in
                    var keep: Int32 = 1
                    _ = sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_PERSIST_WAL, &keep)
                }
                return (fresh, FileIdentity(path), found)
            }
        }
    }

    /// The breaks this log went through (oldest first): none for a log that was never deleted under its writer.
    public func breaks() throws -> [LogBreak] {
        try guarded {
            try queue.read { db in
                guard try db.tableExists("log_breaks") else { return [] }
                return try Row.fetchAll(db, sql: "SELECT at, last_seq, last_hash, detail FROM log_breaks ORDER BY id")
                    .map { LogBreak(at: $0[0], lastSeq: $0[1], lastHash: $0[2], detail: $0[3]) }
            }
        }
    }
}
