import LoaCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GRDB
import GRDBSQLite
import LoaL10n

/// Which events `AiringLog.events(_:)` returns. Every set field must match.
public struct LogFilter: Sendable, Hashable {
    public var station: String?
    public var message: String?
    /// `YYYY-MM-DD`: the date written in the event's `at` (the station's local date).
    public var day: String?
    public var kinds: Set<EventKind>?
    public var airing: String?
    /// Only rows with a seq greater than this.
    public var afterSeq: Int64?
    /// Only rows whose `at` is this one or later (compared as written: the log's own RFC 3339 form, one zone).
    public var since: String?
    public var limit: Int?

    public init(station: String? = nil, message: String? = nil, day: String? = nil, kinds: Set<EventKind>? = nil,
                airing: String? = nil, afterSeq: Int64? = nil, since: String? = nil, limit: Int? = nil) {
        self.station = station; self.message = message; self.day = day; self.kinds = kinds; self.airing = airing
        self.afterSeq = afterSeq; self.since = since; self.limit = limit
    }
}

/// The append-only airing log of one station box (SPEC §3): one SQLite file, WAL, `synchronous=FULL`, a SHA-256
/// hash chain over its rows (see `Chain` for the canonical form). Safe to share between threads; several
/// processes may open the same file (SQLite locks; writers wait up to 10 s).
public final class AiringLog: Sendable {
    public let path: String
    /// The open database; swapped only when the file vanished under a writer and was written back (`LogBreaks`).
    let store: QueueStore
    var queue: DatabaseQueue { store.queue }
    let readOnly: Bool
    /// The private copy read instead of `path`, when `path`'s folder cannot be written.
    private let readCopy: ReadCopy?
    /// The select list of a row: a log from before the `rehearsal` column (opened read-only) reads it as 0.
    let selectColumns: String

    /// 'Loa1': marks the file as an airing log so a stray database is refused, not written into.
    static let applicationID: Int32 = 0x4C6F_6131
    static let columns = "seq, at, kind, airing, station, plan, message, slot_start, source, audio, audio_sha256, "
        + "planned_s, played_s, detail, prev_hash, hash, rehearsal"
    static let columnsBeforeRehearsal = "seq, at, kind, airing, station, plan, message, slot_start, source, audio, "
        + "audio_sha256, planned_s, played_s, detail, prev_hash, hash, 0 AS rehearsal"

    /// Opens the log at `path`, creating it (and its schema) when missing. With `readOnly`, the file must exist and
    /// nothing is written.
    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        self.readOnly = readOnly
        if readOnly, !FileManager.default.fileExists(atPath: path) {
            throw LogError(path: path, Localized(vi: "không có tệp nhật ký này", en: "no such log file"))
        }
        // Reading a WAL database needs its -shm beside it: on read-only media (an official's USB stick) or in a
        // folder the reader may not write, read a private copy instead (with the -wal, so its rows are folded in).
        readCopy = readOnly ? try ReadCopy.ifNeeded(for: path) : nil
        let openPath = readCopy?.path ?? path
        var config = Configuration()
        config.readonly = readOnly
        config.busyMode = .timeout(10)
        config.label = "loa-log"
        config.prepareDatabase { db in
            if !readOnly {
                // Each commit is fsynced before it returns: an event survives a power cut once append returns.
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
        }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: openPath, configuration: config)
        } catch {
            throw LogError.wrap(error, path: path)
        }
        let store = QueueStore(queue, configuration: config)
        self.store = store
        let hasRehearsal = try Self.guarded(path: path) { () throws -> Bool in
            if readOnly {
                return try queue.read { db in
                    try Self.checkSchema(db, path: path)
                    return try db.columns(in: "events").contains { $0.name == "rehearsal" }
                }
            } else {
                try queue.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) {
                        try Self.createOrMigrateSchema(db, path: path)
                        return .commit
                    }
                }
                // Evidence is not for every user of the box: owner and group (`loa`) only.
                var st = stat()
                if stat(path, &st) == 0, st.st_mode & 0o007 != 0 { chmod(path, st.st_mode & 0o770) }
                store.identity = FileIdentity(path)
                return true
            }
        }
        selectColumns = hasRehearsal ? Self.columns : Self.columnsBeforeRehearsal
    }

    // MARK: Writing

    /// Appends `e` (its `seq`, `prevHash` and `hash` are ignored and assigned here; seconds are rounded to
    /// milliseconds). Returns the row as stored, once it is committed and synced to disk.
    @discardableResult
    public func append(_ e: AiringEvent) throws -> AiringEvent {
        try writing { queue in
            try queue.writeWithoutTransaction { db in
                var stored = e
                try db.inTransaction(.immediate) {
                    stored = try Self.insert(e, db)
                    return .commit
                }
                return stored
            }
        }
    }

    /// Appends many events in one transaction (merging logs, building test and bench logs): all or none, durable
    /// when it returns. Returns the rows as stored.
    @discardableResult
    public func append(contentsOf events: [AiringEvent]) throws -> [AiringEvent] {
        try writing { queue in
            try queue.writeWithoutTransaction { db in
                var stored: [AiringEvent] = []
                try db.inTransaction(.immediate) {
                    stored = []
                    stored.reserveCapacity(events.count)
                    for e in events { stored.append(try Self.insert(e, db)) }
                    return .commit
                }
                return stored
            }
        }
    }

    /// Crash recovery: every `started` without an ending event gets an `interrupted` event at `at` with `detail`,
    /// all in one transaction. Returns the events appended, in seq order.
    @discardableResult
    public func closeOpenAirings(at: String, detail: String) throws -> [AiringEvent] {
        try writing { queue in
            try queue.writeWithoutTransaction { db in
                var closed: [AiringEvent] = []
                try db.inTransaction(.immediate) {
                    closed = []
                    for open in try Self.openAirings(db, path: path, columns: selectColumns) {
                        var e = open
                        e.at = at; e.kind = .interrupted; e.playedSeconds = nil; e.detail = detail
                        closed.append(try Self.insert(e, db))
                    }
                    return .commit
                }
                return closed
            }
        }
    }

    // MARK: Reading

    public func events(_ filter: LogFilter = .init()) throws -> [AiringEvent] {
        var all: [AiringEvent] = []
        try forEachEvent(filter) { all.append($0) }
        return all
    }

    /// Streams the matching events in seq order without holding them all in memory.
    public func forEachEvent(_ filter: LogFilter = .init(), _ body: (AiringEvent) throws -> Void) throws {
        let (sql, arguments) = Self.query(filter, columns: selectColumns)
        try guarded {
            try queue.read { db in
                let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
                while let row = try cursor.next() { try body(try Self.event(row, path: path)) }
            }
        }
    }

    /// `started` events that have no ending event yet, in seq order.
    public func openAirings() throws -> [AiringEvent] {
        try guarded { try queue.read { db in try Self.openAirings(db, path: path, columns: selectColumns) } }
    }

    /// Moves every committed row from the write-ahead file into the log file itself and empties the former, so the
    /// `.sqlite` file alone holds the whole log: what an operator copies to hand upward. Appends need not wait
    /// for it (they are durable in the WAL); the daemon calls it when it stops.
    public func checkpoint() throws {
        try writing { queue in _ = try queue.writeWithoutTransaction { db in try db.checkpoint(.truncate) } }
    }

    public func count() throws -> Int {
        try guarded { try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0 } }
    }

    /// Recomputes the chain from the first row and names the first row that does not match. Reads the raw columns,
    /// so it also works on a file whose triggers were dropped and whose rows were rewritten by hand.
    public func verify() throws -> ChainCheck { try scan(nil) }

    /// One pass that verifies the chain and hands every row, readable or not, to `body` as SQLite holds it
    /// (see `RowCells`): what a report over a year of logs uses.
    public func verify(scanning body: (RowCells) throws -> Void) throws -> ChainCheck {
        try withoutActuallyEscaping(body) { body in try scan(body) }
    }

    private func scan(_ body: ((RowCells) throws -> Void)?) throws -> ChainCheck {
        try guarded {
            try queue.read { db in
                try ChainScan.scan(db, sql: "SELECT \(selectColumns) FROM events ORDER BY seq", arguments: [], body)
            }
        }
    }

    // MARK: Internals

    func guarded<T>(_ body: () throws -> T) throws -> T { try Self.guarded(path: path, body) }

    /// Writes go through here: one at a time with a file written back under them (`restoreIfVanished`), so no row
    /// lands in a file that is no longer the log.
    func writing<T>(_ body: (DatabaseQueue) throws -> T) throws -> T {
        try store.exclusive { queue in try guarded { try body(queue) } }
    }

    static func guarded<T>(path: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw LogError.wrap(error, path: path) }
    }

    private static func insert(_ e: AiringEvent, _ db: Database) throws -> AiringEvent {
        var row = e
        // Cached statements: preparing the SQL again for every row costs more than the insert itself.
        let last = try db.cachedStatement(sql: "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
        if let r = try Row.fetchOne(last) {
            row.seq = (r[0] as Int64) + 1
            row.prevHash = r[1] as String
        } else {
            row.seq = 1
            row.prevHash = Chain.genesis
        }
        row.plannedSeconds = e.plannedSeconds.map(Seconds.rounded)
        row.playedSeconds = e.playedSeconds.map(Seconds.rounded)
        row.hash = Chain.hash(row)
        let insert = try db.cachedStatement(
            sql: "INSERT INTO events (\(columns)) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
        try insert.execute(arguments: [row.seq, row.at, row.kind.rawValue, row.airing, row.station, row.plan,
                                       row.message, row.slotStart, row.source.rawValue, row.audio, row.audioSHA256,
                                       row.plannedSeconds, row.playedSeconds, row.detail, row.prevHash, row.hash,
                                       row.rehearsal ? 1 : 0])
        return row
    }

    private static func openAirings(_ db: Database, path: String, columns: String) throws -> [AiringEvent] {
        let sql = """
            SELECT \(columns) FROM events e WHERE kind = 'started'
            AND NOT EXISTS (SELECT 1 FROM events f WHERE f.airing = e.airing AND f.kind <> 'started')
            ORDER BY seq
            """
        return try Row.fetchAll(db, sql: sql).map { try event($0, path: path) }
    }

    private static func query(_ f: LogFilter, columns: String) -> (String, StatementArguments) {
        var clauses: [String] = []
        var args: [(any DatabaseValueConvertible)?] = []
        if let v = f.station { clauses.append("station = ?"); args.append(v) }
        if let v = f.message { clauses.append("message = ?"); args.append(v) }
        if let v = f.day { clauses.append("substr(at, 1, 10) = ?"); args.append(v) }
        if let v = f.airing { clauses.append("airing = ?"); args.append(v) }
        if let v = f.afterSeq { clauses.append("seq > ?"); args.append(v) }
        if let v = f.since { clauses.append("at >= ?"); args.append(v) }
        if let kinds = f.kinds {
            let names = kinds.map(\.rawValue).sorted()
            clauses.append("kind IN (\(names.map { _ in "?" }.joined(separator: ",")))")
            args.append(contentsOf: names.map { $0 as (any DatabaseValueConvertible)? })
            if names.isEmpty { clauses[clauses.count - 1] = "0" }
        }
        var sql = "SELECT \(columns) FROM events"
        if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
        sql += " ORDER BY seq"
        if let limit = f.limit { sql += " LIMIT \(max(0, limit))" }
        return (sql, StatementArguments(args))
    }

    static func event(_ row: Row, path: String) throws -> AiringEvent {
        let seq: Int64 = row[0] ?? 0
        guard let kindText = row[2] as String?, let kind = EventKind(rawValue: kindText),
              let sourceText = row[8] as String?, let source = AiringSource(rawValue: sourceText),
              let at = row[1] as String?, let airing = row[3] as String?, let station = row[4] as String?,
              let plan = row[5] as String? else {
            throw LogError(path: path, Localized(vi: "dòng seq \(seq) có giá trị không hợp lệ",
                                                 en: "row seq \(seq) holds invalid values"))
        }
        return AiringEvent(seq: seq, at: at, kind: kind, airing: airing, station: station, plan: plan,
                           message: row[6], slotStart: row[7], source: source, audio: row[9], audioSHA256: row[10],
                           plannedSeconds: row[11], playedSeconds: row[12], detail: row[13],
                           prevHash: row[14] ?? "", hash: row[15] ?? "", rehearsal: (row[16] as Int64?) == 1)
    }
}
