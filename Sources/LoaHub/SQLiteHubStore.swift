import Foundation
import GRDB
import LoaCore
import LoaL10n
import LoaLog

/// The hub's state in one SQLite file (`hub.sqlite` under the data folder), WAL and `synchronous=FULL`: a batch is
/// acknowledged only once it is on disk, so a killed hub loses nothing it acknowledged.
public final class SQLiteHubStore: HubStore {
    public let path: String
    let queue: DatabaseQueue

    static let eventColumns = "seq, at, kind, airing, station, plan, message, slot_start, source, audio, audio_sha256, "
        + "planned_s, played_s, detail, prev_hash, hash, rehearsal"

    /// - Parameter maxPageCount: caps the file's size in pages (SQLite's `max_page_count`): a hub on a shared disk
    ///   can keep room for the rest; beyond it SQLite answers "full", the hub answers 507.
    public init(path: String, maxPageCount: Int? = nil) throws {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
            if let maxPageCount { _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(maxPageCount)") }
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            try queue.write { db in try Self.migrate(db); try Self.migrateStatus(db) }
        } catch {
            throw Self.wrap(error, path: path)
        }
    }

    private static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS tokens (hash TEXT PRIMARY KEY, role TEXT NOT NULL, station TEXT);
            CREATE TABLE IF NOT EXISTS plans (version TEXT PRIMARY KEY, manifest TEXT NOT NULL, published_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS current_plan (one INTEGER PRIMARY KEY CHECK (one = 1), version TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS stations (id TEXT PRIMARY KEY, last_contact TEXT, last_seq INTEGER NOT NULL DEFAULT 0,
                last_hash TEXT NOT NULL DEFAULT '', diverged_at INTEGER, public_key TEXT, plan_version TEXT);
            CREATE TABLE IF NOT EXISTS events (station TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL,
                kind TEXT NOT NULL, airing TEXT NOT NULL, plan TEXT NOT NULL, message TEXT,
                slot_start TEXT, source TEXT NOT NULL, audio TEXT, audio_sha256 TEXT, planned_s REAL, played_s REAL,
                detail TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL, rehearsal INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (station, seq)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS checkpoints (station TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL,
                at TEXT NOT NULL, public_key TEXT NOT NULL, signature TEXT NOT NULL, PRIMARY KEY (station, seq, at));
            """)
        try db.execute(sql: alertTables)
    }

    public func addToken(hash: String, grant: TokenGrant) async throws {
        try await write { db in
            let (role, station) = grant.columns
            try db.execute(sql: "INSERT INTO tokens (hash, role, station) VALUES (?, ?, ?)", arguments: [hash, role, station])
        }
    }

    public func grant(forTokenHash hash: String) async throws -> TokenGrant? {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT role, station FROM tokens WHERE hash = ?", arguments: [hash])
            else { return nil }
            return TokenGrant(role: row[0], station: row[1])
        }
    }

    public func publish(_ manifest: PlanManifest, at: String) async throws -> Bool {
        let json = String(decoding: try JSONEncoder().encode(manifest), as: UTF8.self)
        return try await write { db in
            let current = try String.fetchOne(db, sql: "SELECT version FROM current_plan WHERE one = 1")
            if current == manifest.version { return false }
            try db.execute(sql: "INSERT OR IGNORE INTO plans (version, manifest, published_at) VALUES (?, ?, ?)",
                           arguments: [manifest.version, json, at])
            try db.execute(sql: "INSERT OR REPLACE INTO current_plan (one, version) VALUES (1, ?)",
                           arguments: [manifest.version])
            return true
        }
    }

    public func currentPlan() async throws -> PlanManifest? {
        let json = try await read { db in
            try String.fetchOne(db, sql: "SELECT manifest FROM plans JOIN current_plan USING (version)")
        }
        return try json.map { try JSONDecoder().decode(PlanManifest.self, from: Data($0.utf8)) }
    }

    public func touch(station: String, at: String, planVersion: String?) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO stations (id, last_contact, plan_version) VALUES (?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET last_contact = excluded.last_contact,
                    plan_version = COALESCE(excluded.plan_version, stations.plan_version)
                """, arguments: [station, at, planVersion])
        }
    }

    public func stations() async throws -> [HubStationStatus] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, last_contact, last_seq, last_hash, diverged_at, public_key, plan_version FROM stations ORDER BY id
                """).map { HubStationStatus(station: $0[0], lastContact: $0[1], lastSeq: $0[2], lastHash: $0[3],
                                            divergedAt: $0[4], publicKey: $0[5], planVersion: $0[6]) }
        }
    }

    public func ingest(station: String, rows: [AiringEvent], at: String) async throws -> IngestOutcome {
        let subject = "POST /api/v1/stations/\(station)/events"
        return try await write { db in
            let tail = try Row.fetchOne(db, sql: "SELECT last_seq, last_hash FROM stations WHERE id = ?", arguments: [station])
            let lastSeq: Int64 = tail?[0] ?? 0, lastHash: String = tail?[1] ?? ""
            let lookup = try db.cachedStatement(sql: "SELECT hash FROM events WHERE station = ? AND seq = ?")
            let verdict = try IngestCheck.judge(station: station, rows: rows, lastSeq: lastSeq, lastHash: lastHash,
                                                subject: subject) { seq in
                try String.fetchOne(lookup, arguments: [station, seq])
            }
            switch verdict {
            case .diverged(let seq):
                // The hub keeps what it had; the first divergence stays the one shown.
                try db.execute(sql: """
                    INSERT INTO stations (id, last_contact, diverged_at) VALUES (?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET last_contact = excluded.last_contact,
                        diverged_at = COALESCE(stations.diverged_at, excluded.diverged_at)
                    """, arguments: [station, at, seq])
                return .diverged(at: seq)
            case .accept(let new, let through, let hash):
                let insert = try db.cachedStatement(
                    sql: "INSERT INTO events (\(Self.eventColumns)) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
                try RowInsert.insert(new, with: insert, in: db)
                try db.execute(sql: """
                    INSERT INTO stations (id, last_contact, last_seq, last_hash) VALUES (?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET last_contact = excluded.last_contact, last_seq = excluded.last_seq,
                        last_hash = excluded.last_hash
                    """, arguments: [station, at, through, hash])
                return .stored(through: through, hash: hash, added: new.count)
            }
        }
    }

    public func addCheckpoints(station: String, _ checkpoints: [Checkpoint], at: String) async throws -> IngestOutcome {
        let subject = "POST /api/v1/stations/\(station)/checkpoints"
        return try await write { db in
            let registered = try String.fetchOne(db, sql: "SELECT public_key FROM stations WHERE id = ?", arguments: [station])
            let lookup = try db.cachedStatement(sql: "SELECT hash FROM events WHERE station = ? AND seq = ?")
            let (key, divergedAt) = try IngestCheck.checkpoints(station: station, checkpoints, registeredKey: registered,
                                                                subject: subject) { seq in
                try String.fetchOne(lookup, arguments: [station, seq])
            }
            try db.execute(sql: """
                INSERT INTO stations (id, last_contact, public_key, diverged_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET last_contact = excluded.last_contact,
                    public_key = COALESCE(stations.public_key, excluded.public_key),
                    diverged_at = COALESCE(stations.diverged_at, excluded.diverged_at)
                """, arguments: [station, at, key, divergedAt])
            if let divergedAt { return .diverged(at: divergedAt) }
            let insert = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO checkpoints (station, seq, hash, at, public_key, signature) VALUES (?, ?, ?, ?, ?, ?)
                """)
            var added = 0
            for c in checkpoints {
                try insert.execute(arguments: [station, c.seq, c.hash, c.at, c.publicKey, c.signature])
                added += db.changesCount
            }
            let tail = try Row.fetchOne(db, sql: "SELECT last_seq, last_hash FROM stations WHERE id = ?", arguments: [station])
            return .stored(through: tail?[0] ?? 0, hash: tail?[1] ?? "", added: added)
        }
    }

    public func events(station: String, afterSeq: Int64, limit: Int) async throws -> [AiringEvent] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.eventColumns) FROM events WHERE station = ? AND seq > ? ORDER BY seq LIMIT ?",
                                    arguments: [station, afterSeq, limit]).map(Self.event)
        }
    }

    /// A row read with `eventColumns`.
    static func event(_ row: Row) -> AiringEvent {
        AiringEvent(seq: row[0], at: row[1], kind: EventKind(rawValue: row[2]) ?? .failed, airing: row[3],
                    station: row[4], plan: row[5], message: row[6], slotStart: row[7],
                    source: AiringSource(rawValue: row[8]) ?? .schedule, audio: row[9], audioSHA256: row[10],
                    plannedSeconds: row[11], playedSeconds: row[12], detail: row[13], prevHash: row[14],
                    hash: row[15], rehearsal: (row[16] as Int64?) == 1)
    }

    // MARK: Internals

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do { return try await queue.write(body) } catch { throw Self.wrap(error, path: path) }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do { return try await queue.read(body) } catch { throw Self.wrap(error, path: path) }
    }

    /// SQLite's disk-full becomes the hub's 507; other faults keep SQLite's words.
    static func wrap(_ error: any Error, path: String) -> any Error {
        if error is HubError { return error }
        if let db = error as? DatabaseError {
            let detail = db.message ?? "SQLite error \(db.resultCode.rawValue)"
            if db.resultCode.primaryResultCode == .SQLITE_FULL {
                return HubError(.insufficientStorage, subject: path, Localized(
                    vi: "đĩa của hub đã đầy (\(detail))", en: "the hub's disk is full (\(detail))"))
            }
            return HubError(.storeFailed, subject: path, Localized(vi: "lỗi SQLite: \(detail)", en: "SQLite error: \(detail)"))
        }
        return error
    }
}
