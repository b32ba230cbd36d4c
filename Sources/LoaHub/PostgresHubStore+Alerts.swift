import Foundation
import LoaAlerts
import LoaCore
import PostgresNIO

/// The alerts' tables in PostgreSQL, as in SQLite. Inserts lock `alerts` so seqs commit in their order: a station
/// that has read through seq N never misses an N-1 committed later by another hub process.
extension PostgresHubStore {
    static let alertTables = [
        """
        CREATE TABLE IF NOT EXISTS alerts (seq BIGSERIAL PRIMARY KEY, key TEXT NOT NULL UNIQUE, identifier TEXT NOT NULL,
            sent TEXT NOT NULL, received_at TEXT NOT NULL, state TEXT NOT NULL, body TEXT NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS alert_targets (station TEXT NOT NULL, seq BIGINT NOT NULL, delivered_at TEXT,
            PRIMARY KEY (station, seq))
        """,
        "CREATE INDEX IF NOT EXISTS alert_targets_by_seq ON alert_targets (seq)",
        "CREATE INDEX IF NOT EXISTS events_emergency ON events (detail) WHERE source = 'emergency'",
    ]

    public func addAlert(_ alert: StationAlert, sent: String, targets: [String], stopped: AlertState) async throws
        -> (stored: StoredAlert, created: Bool, previous: Int64) {
        let body = try AlertRows.encode(alert)
        let previous: Int64? = try await run {
            try await client.withTransaction(logger: logger) { db in
                try await db.query("LOCK TABLE alerts IN EXCLUSIVE MODE", logger: logger)
                var previous: Int64 = 0
                for try await max in try await db.query("SELECT COALESCE(MAX(seq), 0)::bigint FROM alerts", logger: logger)
                    .decode(Int64.self) { previous = max }
                let rows = try await db.query("""
                    INSERT INTO alerts (key, identifier, sent, received_at, state, body)
                    VALUES (\(alert.key), \(alert.identifier), \(sent), \(AlertRows.time(alert.receivedAt)), 'active', \(body))
                    ON CONFLICT (key) DO NOTHING RETURNING seq
                    """, logger: logger)
                var seq: Int64?
                for try await s in rows.decode(Int64.self) { seq = s }
                guard let seq else { return nil }
                // One statement for every target: an alert to all 3,321 stations is one round trip.
                try await db.query("""
                    INSERT INTO alert_targets (station, seq) SELECT unnest(\(targets)::text[]), \(seq) ON CONFLICT DO NOTHING
                    """, logger: logger)
                try await db.query("""
                    UPDATE alerts SET state = \(stopped.rawValue) WHERE key = ANY(\(alert.stops)::text[]) AND state = 'active'
                    """, logger: logger)
                // Delivered at commit, so the other hub processes never read the alert before it is there.
                try await db.query("SELECT pg_notify(\(PostgresAlertFollower.channel), \(String(seq)))", logger: logger)
                return previous
            }
        }
        guard let stored = try await self.alert(key: alert.key) else {
            throw HubError(.storeFailed, subject: url, .init(vi: "bản tin vừa lưu không đọc lại được", en: "the alert just stored cannot be read back"))
        }
        return (stored, previous != nil, previous ?? 0)
    }

    public func alert(key: String) async throws -> StoredAlert? {
        try await run {
            let rows = try await client.query("SELECT seq, state, sent, body FROM alerts WHERE key = \(key)", logger: logger)
            for try await (seq, state, sent, body) in rows.decode((Int64, String, String, String).self) {
                return try await withTargets(try AlertRows.decode(seq: seq, state: state, sent: sent, body: body))
            }
            return nil
        }
    }

    /// The highest seq stored (0 when none).
    func latestAlertSeq() async throws -> Int64 {
        try await run {
            for try await max in try await client.query("SELECT COALESCE(MAX(seq), 0)::bigint FROM alerts", logger: logger)
                .decode(Int64.self) { return max }
            return 0
        }
    }

    public func alerts(afterSeq: Int64, limit: Int) async throws -> [StoredAlert] {
        try await run {
            let rows = try await client.query("""
                SELECT seq, state, sent, body FROM alerts WHERE seq > \(afterSeq) ORDER BY seq LIMIT \(limit)
                """, logger: logger)
            var out: [StoredAlert] = []
            for try await (seq, state, sent, body) in rows.decode((Int64, String, String, String).self) {
                out.append(try AlertRows.decode(seq: seq, state: state, sent: sent, body: body))
            }
            var full: [StoredAlert] = []
            for stored in out { full.append(try await withTargets(stored)) }
            return full
        }
    }

    public func alerts(station: String, afterSeq: Int64) async throws -> [StoredAlert] {
        try await run {
            let rows = try await client.query("""
                SELECT a.seq, a.state, a.sent, a.body FROM alert_targets t JOIN alerts a USING (seq)
                WHERE t.station = \(station) AND t.seq > \(afterSeq) ORDER BY t.seq
                """, logger: logger)
            var out: [StoredAlert] = []
            for try await (seq, state, sent, body) in rows.decode((Int64, String, String, String).self) {
                out.append(try AlertRows.decode(seq: seq, state: state, sent: sent, body: body))
            }
            return out
        }
    }

    public func markDelivered(_ deliveries: [AlertDelivery]) async throws {
        guard !deliveries.isEmpty else { return }
        try await run {
            try await client.query("""
                UPDATE alert_targets t SET delivered_at = p.at
                FROM unnest(\(deliveries.map(\.station))::text[], \(deliveries.map(\.seq))::bigint[],
                            \(deliveries.map(\.at))::text[]) AS p(station, seq, at)
                WHERE t.station = p.station AND t.seq = p.seq AND t.delivered_at IS NULL
                """, logger: logger)
        }
    }

    public func emergencyEvents(identifier: String) async throws -> [AiringEvent] {
        try await run {
            let rows = try await client.query("""
                SELECT seq, at, kind, airing, station, plan, message, slot_start, source, audio, audio_sha256, planned_s,
                       played_s, detail, prev_hash, hash, rehearsal
                FROM events WHERE source = 'emergency'
                  AND (detail = \(identifier) OR left(detail, length(\(identifier)) + 2) = \(identifier) || ' (')
                ORDER BY station, seq
                """, logger: logger)
            var out: [AiringEvent] = []
            for try await row in rows { out.append(try Self.event(row)) }
            return out
        }
    }

    private func withTargets(_ stored: StoredAlert) async throws -> StoredAlert {
        var out = stored
        let rows = try await client.query("""
            SELECT station, delivered_at FROM alert_targets WHERE seq = \(stored.seq) ORDER BY station
            """, logger: logger)
        for try await (station, at) in rows.decode((String, String?).self) {
            out.targets.append(station)
            if let at { out.deliveredAt[station] = at }
        }
        return out
    }
}
