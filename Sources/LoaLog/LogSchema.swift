import Foundation
import GRDB
import LoaL10n

// The log file's schema and its versions. Version 1: `events`. Version 2 adds the `rehearsal` column (rows of
// `loa run --clock simulated`, see `Chain` for how it enters the hash) and the `checkpoints` table (signed
// statements about the chain, SPEC §6). A version 1 log opened for writing is migrated in place; its rows stay as
// they are and still verify, since a non-rehearsal row's canonical form did not change.
extension AiringLog {
    static let schemaVersion = 2

    static func createOrMigrateSchema(_ db: Database, path: String) throws {
        let appID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        let tables = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master") ?? 0
        if appID == 0 && tables == 0 {
            try db.execute(sql: """
                CREATE TABLE events (
                    seq INTEGER PRIMARY KEY,
                    at TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('started','finished','interrupted','preempted','failed','missed')),
                    airing TEXT NOT NULL,
                    station TEXT NOT NULL,
                    plan TEXT NOT NULL,
                    message TEXT,
                    slot_start TEXT,
                    source TEXT NOT NULL CHECK (source IN \(sourceList)),
                    audio TEXT,
                    audio_sha256 TEXT,
                    planned_s REAL,
                    played_s REAL,
                    detail TEXT,
                    prev_hash TEXT NOT NULL,
                    hash TEXT NOT NULL,
                    rehearsal INTEGER NOT NULL DEFAULT 0 CHECK (rehearsal IN (0, 1))
                );
                CREATE INDEX events_airing ON events(airing);
                CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
                    BEGIN SELECT RAISE(ABORT, 'the airing log is append-only'); END;
                CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
                    BEGIN SELECT RAISE(ABORT, 'the airing log is append-only'); END;
                CREATE TRIGGER events_seq_follows BEFORE INSERT ON events
                    WHEN NEW.seq IS NOT (SELECT IFNULL(MAX(seq), 0) + 1 FROM events)
                    BEGIN SELECT RAISE(ABORT, 'seq must follow the last row'); END;
                PRAGMA application_id = \(applicationID);
                """)
            try createCheckpoints(db)
            try db.execute(sql: "PRAGMA user_version = \(schemaVersion)")
            return
        }
        try checkSchema(db, path: path)
        try widenSources(db)
        if try !db.columns(in: "events").contains(where: { $0.name == "rehearsal" }) {
            // Version 1: every row it holds was written before rehearsals were marked, so 0 is the truth for them.
            try db.execute(sql: """
                ALTER TABLE events ADD COLUMN rehearsal INTEGER NOT NULL DEFAULT 0 CHECK (rehearsal IN (0, 1))
                """)
        }
        if try !db.tableExists("checkpoints") { try createCheckpoints(db) }
        if try (Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0) < schemaVersion {
            try db.execute(sql: "PRAGMA user_version = \(schemaVersion)")
        }
    }

    /// Every source a row may have. Logs made before local announcements and relays refuse them: their CHECK is
    /// widened in place, SQLite's documented way to loosen a constraint (no row is read or rewritten; the hash chain
    /// is untouched).
    static let sourceList = "('schedule','emergency','manual','local','relay')"

    private static func widenSources(_ db: Database) throws {
        guard let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'events'"),
              !sql.contains(sourceList) else { return }
        let older = ["('schedule','emergency','manual','local')", "('schedule','emergency','manual')"]
        guard let old = older.first(where: { sql.contains($0) }) else { return }
        let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
        try db.execute(sql: "PRAGMA writable_schema = ON")
        try db.execute(sql: "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE name = 'events'",
                       arguments: [old, sourceList])
        try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
        try db.execute(sql: "PRAGMA writable_schema = OFF")
    }

    private static func createCheckpoints(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE checkpoints (
                id INTEGER PRIMARY KEY,
                station TEXT NOT NULL,
                seq INTEGER NOT NULL,
                hash TEXT NOT NULL,
                at TEXT NOT NULL,
                public_key TEXT NOT NULL,
                signature TEXT NOT NULL
            );
            CREATE INDEX checkpoints_seq ON checkpoints(seq);
            CREATE TRIGGER checkpoints_append_only_update BEFORE UPDATE ON checkpoints
                BEGIN SELECT RAISE(ABORT, 'the airing log is append-only'); END;
            CREATE TRIGGER checkpoints_append_only_delete BEFORE DELETE ON checkpoints
                BEGIN SELECT RAISE(ABORT, 'the airing log is append-only'); END;
            """)
    }

    static func checkSchema(_ db: Database, path: String) throws {
        let appID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        guard appID == applicationID, try db.tableExists("events") else {
            throw LogError(path: path, Localized(vi: "tệp này không phải nhật ký phát sóng của Loa",
                                                 en: "this file is not a Loa airing log"))
        }
    }
}
