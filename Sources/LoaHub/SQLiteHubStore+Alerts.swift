import Foundation
import GRDB
import LoaAlerts
import LoaCore

/// The alerts' tables in SQLite: `alerts` (one row an alert, its `StationAlert` JSON in `body`) and `alert_targets`
/// (one row a targeted station, with when it was handed the alert).
extension SQLiteHubStore {
    static let alertTables = """
        CREATE TABLE IF NOT EXISTS alerts (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE,
            identifier TEXT NOT NULL, sent TEXT NOT NULL, received_at TEXT NOT NULL, state TEXT NOT NULL, body TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS alert_targets (station TEXT NOT NULL, seq INTEGER NOT NULL, delivered_at TEXT,
            PRIMARY KEY (station, seq)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS alert_targets_by_seq ON alert_targets (seq);
        CREATE INDEX IF NOT EXISTS events_emergency ON events (detail) WHERE source = 'emergency';
        """

    public func addAlert(_ alert: StationAlert, sent: String, targets: [String], stopped: AlertState) async throws
        -> (stored: StoredAlert, created: Bool, previous: Int64) {
        let body = try AlertRows.encode(alert)
        return try await write { db in
            if let held = try Self.alert(db, key: alert.key) { return (held, false, 0) }
            let previous = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM alerts") ?? 0
            try db.execute(sql: """
                INSERT INTO alerts (key, identifier, sent, received_at, state, body) VALUES (?, ?, ?, ?, 'active', ?)
                """, arguments: [alert.key, alert.identifier, sent, AlertRows.time(alert.receivedAt), body])
            let seq = db.lastInsertedRowID
            let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO alert_targets (station, seq) VALUES (?, ?)")
            for station in targets { try insert.execute(arguments: [station, seq]) }
            let mark = try db.cachedStatement(sql: "UPDATE alerts SET state = ? WHERE key = ? AND state = 'active'")
            for key in alert.stops { try mark.execute(arguments: [stopped.rawValue, key]) }
            return (try Self.alert(db, key: alert.key)!, true, previous)
        }
    }

    public func alert(key: String) async throws -> StoredAlert? {
        try await read { db in try Self.alert(db, key: key) }
    }

    public func alerts(afterSeq: Int64, limit: Int) async throws -> [StoredAlert] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT seq, state, sent, body FROM alerts WHERE seq > ? ORDER BY seq LIMIT ?",
                             arguments: [afterSeq, limit]).map { try Self.withTargets(db, try AlertRows.decode($0)) }
        }
    }

    public func alerts(station: String, afterSeq: Int64) async throws -> [StoredAlert] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.seq, a.state, a.sent, a.body FROM alert_targets t JOIN alerts a USING (seq)
                WHERE t.station = ? AND t.seq > ? ORDER BY t.seq
                """, arguments: [station, afterSeq]).map { try AlertRows.decode($0) }
        }
    }

    public func markDelivered(_ deliveries: [AlertDelivery]) async throws {
        try await write { db in
            let mark = try db.cachedStatement(sql: """
                UPDATE alert_targets SET delivered_at = ? WHERE station = ? AND seq = ? AND delivered_at IS NULL
                """)
            for d in deliveries { try mark.execute(arguments: [d.at, d.station, d.seq]) }
        }
    }

    public func emergencyEvents(identifier: String) async throws -> [AiringEvent] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.eventColumns) FROM events WHERE source = 'emergency' AND \(HubService.detailNamesIdentifier) ORDER BY station, seq
                """, arguments: [identifier]).map(Self.event)
        }
    }

    private static func alert(_ db: Database, key: String) throws -> StoredAlert? {
        guard let row = try Row.fetchOne(db, sql: "SELECT seq, state, sent, body FROM alerts WHERE key = ?", arguments: [key])
        else { return nil }
        return try withTargets(db, try AlertRows.decode(row))
    }

    private static func withTargets(_ db: Database, _ stored: StoredAlert) throws -> StoredAlert {
        var out = stored
        for row in try Row.fetchAll(db, sql: "SELECT station, delivered_at FROM alert_targets WHERE seq = ? ORDER BY station",
                                    arguments: [stored.seq]) {
            let station: String = row[0]
            out.targets.append(station)
            if let at: String = row[1] { out.deliveredAt[station] = at }
        }
        return out
    }
}

/// How both stores write and read an alert's row.
enum AlertRows {
    static func encode(_ alert: StationAlert) throws -> String {
        String(decoding: try StationAlert.encoder.encode(alert), as: UTF8.self)
    }

    static func time(_ date: Date) -> String { Timestamp.format(date, utcOffsetSeconds: 0, milliseconds: true) }

    static func decode(seq: Int64, state: String, sent: String, body: String) throws -> StoredAlert {
        var alert = try StationAlert.decoder.decode(StationAlert.self, from: Data(body.utf8))
        alert.seq = seq
        return StoredAlert(alert: alert, state: AlertState(rawValue: state) ?? .active, sent: sent, targets: [])
    }

    static func decode(_ row: Row) throws -> StoredAlert {
        try decode(seq: row[0], state: row[1], sent: row[2], body: row[3])
    }
}
