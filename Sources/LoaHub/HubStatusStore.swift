import Foundation
import GRDB
import LoaCore
import PostgresNIO

/// The status each station last reported (SPEC §8 `GET /stations`: on air, problems), kept whole as its JSON: the
/// hub shows it and never computes with it, so one row per station replaced at each report is enough.
enum ReportedStatus {
    static func encode(_ status: StationStatus) throws -> String {
        String(decoding: try JSONEncoder().encode(status), as: UTF8.self)
    }

    /// A row the hub cannot read (written by a later version, say) is left out rather than failing the whole list.
    static func decode(_ json: String) -> StationStatus? {
        try? JSONDecoder().decode(StationStatus.self, from: Data(json.utf8))
    }
}

extension SQLiteHubStore {
    static func migrateStatus(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS station_status (id TEXT PRIMARY KEY, status TEXT NOT NULL, received_at TEXT NOT NULL)
            """)
    }

    public func recordStatus(station: String, _ status: StationStatus, at: String) async throws {
        let json = try ReportedStatus.encode(status)
        try await write { db in
            try db.execute(sql: """
                INSERT INTO station_status (id, status, received_at) VALUES (?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET status = excluded.status, received_at = excluded.received_at
                """, arguments: [station, json, at])
            try db.execute(sql: """
                INSERT INTO stations (id, last_contact) VALUES (?, ?)
                ON CONFLICT (id) DO UPDATE SET last_contact = excluded.last_contact
                """, arguments: [station, at])
        }
    }

    public func reportedStatuses() async throws -> [String: StationStatus] {
        let rows = try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, status FROM station_status").map { ($0[0] as String, $0[1] as String) }
        }
        return rows.reduce(into: [:]) { out, row in out[row.0] = ReportedStatus.decode(row.1) }
    }
}

extension PostgresHubStore {
    static let statusTable =
        "CREATE TABLE IF NOT EXISTS station_status (id TEXT PRIMARY KEY, status TEXT NOT NULL, received_at TEXT NOT NULL)"

    public func recordStatus(station: String, _ status: StationStatus, at: String) async throws {
        let json = try ReportedStatus.encode(status)
        try await run {
            try await self.client.withTransaction(logger: self.logger) { db in
                try await db.query("""
                    INSERT INTO station_status (id, status, received_at) VALUES (\(station), \(json), \(at))
                    ON CONFLICT (id) DO UPDATE SET status = excluded.status, received_at = excluded.received_at
                    """, logger: self.logger)
                try await db.query("""
                    INSERT INTO stations (id, last_contact) VALUES (\(station), \(at))
                    ON CONFLICT (id) DO UPDATE SET last_contact = excluded.last_contact
                    """, logger: self.logger)
            }
        }
    }

    public func reportedStatuses() async throws -> [String: StationStatus] {
        try await run {
            var out: [String: StationStatus] = [:]
            let rows = try await self.client.query("SELECT id, status FROM station_status", logger: self.logger)
            for try await (id, json) in rows.decode((String, String).self) { out[id] = ReportedStatus.decode(json) }
            return out
        }
    }
}
