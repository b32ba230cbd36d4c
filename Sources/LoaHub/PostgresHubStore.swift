import Foundation
import LoaCore
import LoaL10n
import Logging
import PostgresNIO

/// The hub's state in PostgreSQL (`loa hub serve --database postgresql://USER[:PASS]@HOST[:PORT]/DB`), with the same
/// answers as `SQLiteHubStore`. A batch is checked and stored in one transaction that first locks the station's row
/// (`SELECT … FOR UPDATE`), so several hub processes behind one load balancer never interleave a station's chain.
public final class PostgresHubStore: HubStore {
    public let url: String
    let client: PostgresClient
    /// The one connection per process that LISTENs for other processes' alerts (`PostgresAlertFollower`).
    let listeningConfiguration: PostgresConnection.Configuration
    private let running: Task<Void, Never>
    let logger = Logger(label: "loa-hub-postgres")

    public init(url: String) async throws {
        self.url = url
        guard let parts = URLComponents(string: url), ["postgresql", "postgres"].contains(parts.scheme ?? ""),
              let user = parts.user, !user.isEmpty else {
            throw HubError(.badRequest, subject: url, Localized(
                vi: "địa chỉ cơ sở dữ liệu phải có dạng postgresql://NGƯỜI-DÙNG@MÁY:CỔNG/TÊN",
                en: "the database address must be postgresql://USER@HOST:PORT/NAME"))
        }
        let database = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        let config = PostgresClient.Configuration(host: parts.host ?? "127.0.0.1", port: parts.port ?? 5432,
                                                  username: user, password: parts.password,
                                                  database: database.isEmpty ? nil : database, tls: .disable)
        let client = PostgresClient(configuration: config)
        self.client = client
        var listening = PostgresConnection.Configuration(host: config.host ?? "127.0.0.1", port: config.port ?? 5432,
                                                         username: user, password: parts.password,
                                                         database: config.database, tls: .disable)
        listening.options.additionalStartupParameters = [("application_name", PostgresAlertFollower.applicationName)]
        listeningConfiguration = listening
        running = Task { await client.run() }
        do { try await migrate() } catch {
            running.cancel()
            throw Self.wrap(error, url: url)
        }
    }

    deinit { running.cancel() }

    private func migrate() async throws {
        for statement in [
            "CREATE TABLE IF NOT EXISTS tokens (hash TEXT PRIMARY KEY, role TEXT NOT NULL, station TEXT)",
            "CREATE TABLE IF NOT EXISTS plans (version TEXT PRIMARY KEY, manifest TEXT NOT NULL, published_at TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS current_plan (one INTEGER PRIMARY KEY CHECK (one = 1), version TEXT NOT NULL)",
            """
            CREATE TABLE IF NOT EXISTS stations (id TEXT PRIMARY KEY, last_contact TEXT, last_seq BIGINT NOT NULL DEFAULT 0,
                last_hash TEXT NOT NULL DEFAULT '', diverged_at BIGINT, public_key TEXT, plan_version TEXT)
            """,
            """
            CREATE TABLE IF NOT EXISTS events (seq BIGINT NOT NULL, at TEXT NOT NULL, kind TEXT NOT NULL, airing TEXT NOT NULL,
                station TEXT NOT NULL, plan TEXT NOT NULL, message TEXT, slot_start TEXT, source TEXT NOT NULL, audio TEXT,
                audio_sha256 TEXT, planned_s DOUBLE PRECISION, played_s DOUBLE PRECISION, detail TEXT,
                prev_hash TEXT NOT NULL, hash TEXT NOT NULL, rehearsal BOOLEAN NOT NULL DEFAULT FALSE,
                PRIMARY KEY (station, seq))
            """,
            Self.statusTable,
            """
            CREATE TABLE IF NOT EXISTS checkpoints (station TEXT NOT NULL, seq BIGINT NOT NULL, hash TEXT NOT NULL,
                at TEXT NOT NULL, public_key TEXT NOT NULL, signature TEXT NOT NULL, PRIMARY KEY (station, seq, at))
            """,
        ] + Self.alertTables {
            try await client.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
    }

    public func addToken(hash: String, grant: TokenGrant) async throws {
        let (role, station) = grant.columns
        try await run { try await self.client.query("INSERT INTO tokens (hash, role, station) VALUES (\(hash), \(role), \(station))", logger: self.logger) }
    }

    public func grant(forTokenHash hash: String) async throws -> TokenGrant? {
        try await run {
            let rows = try await self.client.query("SELECT role, station FROM tokens WHERE hash = \(hash)", logger: self.logger)
            for try await (role, station) in rows.decode((String, String?).self) {
                return TokenGrant(role: role, station: station)
            }
            return nil
        }
    }

    public func publish(_ manifest: PlanManifest, at: String) async throws -> Bool {
        let json = String(decoding: try JSONEncoder().encode(manifest), as: UTF8.self)
        return try await run {
            try await self.client.withTransaction(logger: self.logger) { db in
                try await db.query("LOCK TABLE current_plan IN EXCLUSIVE MODE", logger: self.logger)
                let rows = try await db.query("SELECT version FROM current_plan WHERE one = 1", logger: self.logger)
                for try await current in rows.decode(String.self) where current == manifest.version { return false }
                try await db.query("""
                    INSERT INTO plans (version, manifest, published_at) VALUES (\(manifest.version), \(json), \(at))
                    ON CONFLICT (version) DO NOTHING
                    """, logger: self.logger)
                try await db.query("""
                    INSERT INTO current_plan (one, version) VALUES (1, \(manifest.version))
                    ON CONFLICT (one) DO UPDATE SET version = excluded.version
                    """, logger: self.logger)
                return true
            }
        }
    }

    public func currentPlan() async throws -> PlanManifest? {
        let json: String? = try await run {
            let rows = try await self.client.query(
                "SELECT manifest FROM plans JOIN current_plan USING (version)", logger: self.logger)
            for try await text in rows.decode(String.self) { return text }
            return nil
        }
        return try json.map { try JSONDecoder().decode(PlanManifest.self, from: Data($0.utf8)) }
    }

    public func touch(station: String, at: String, planVersion: String?) async throws {
        try await run {
            try await self.client.query("""
                INSERT INTO stations (id, last_contact, plan_version) VALUES (\(station), \(at), \(planVersion))
                ON CONFLICT (id) DO UPDATE SET last_contact = excluded.last_contact,
                    plan_version = COALESCE(excluded.plan_version, stations.plan_version)
                """, logger: self.logger)
        }
    }

    public func stations() async throws -> [HubStationStatus] {
        try await run {
            var out: [HubStationStatus] = []
            let rows = try await self.client.query(
                "SELECT id, last_contact, last_seq, last_hash, diverged_at, public_key, plan_version FROM stations ORDER BY id",
                logger: self.logger)
            for try await (id, contact, seq, hash, diverged, key, plan) in rows.decode(
                (String, String?, Int64, String, Int64?, String?, String?).self) {
                out.append(HubStationStatus(station: id, lastContact: contact, lastSeq: seq, lastHash: hash,
                                            divergedAt: diverged, publicKey: key, planVersion: plan))
            }
            return out
        }
    }

    public func events(station: String, afterSeq: Int64, limit: Int) async throws -> [AiringEvent] {
        try await run {
            let rows = try await self.client.query("""
                SELECT seq, at, kind, airing, station, plan, message, slot_start, source, audio, audio_sha256, planned_s,
                       played_s, detail, prev_hash, hash, rehearsal
                FROM events WHERE station = \(station) AND seq > \(afterSeq) ORDER BY seq LIMIT \(limit)
                """, logger: self.logger)
            var out: [AiringEvent] = []
            for try await row in rows { out.append(try Self.event(row)) }
            return out
        }
    }

    /// A row read with the columns of `events(station:afterSeq:limit:)`, in that order. Decoded in one pass (the
    /// columns' NOT NULL as declared): a report reads a city's year through here, and a random-access row per
    /// event cost more than the rest of the read.
    static func event(_ row: PostgresRow) throws -> AiringEvent {
        let (seq, at, kind, airing, station, plan, message, slotStart, source, audio, audioSHA256, planned, played,
             detail, prevHash, hash, rehearsal) = try row.decode(
                (Int64, String, String, String, String, String, String?, String?, String, String?, String?, Double?,
                 Double?, String?, String, String, Bool).self)
        return AiringEvent(
            seq: seq, at: at, kind: EventKind(rawValue: kind) ?? .failed, airing: airing, station: station, plan: plan,
            message: message, slotStart: slotStart, source: AiringSource(rawValue: source) ?? .schedule, audio: audio,
            audioSHA256: audioSHA256, plannedSeconds: planned, playedSeconds: played, detail: detail,
            prevHash: prevHash, hash: hash, rehearsal: rehearsal)
    }

    // MARK: Internals

    /// Runs `body`, naming the database in a fault; PostgreSQL's disk full (SQLSTATE 53100) becomes the hub's 507.
    @discardableResult
    func run<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch { throw Self.wrap(error, url: url) }
    }

    static func wrap(_ error: any Error, url: String) -> any Error {
        if error is HubError { return error }
        // A refusal thrown inside a transaction comes back wrapped; the first fault is the one to tell.
        if let transaction = error as? PostgresTransactionError,
           let inner = transaction.closureError ?? transaction.beginError ?? transaction.commitError {
            return wrap(inner, url: url)
        }
        let subject = url.replacingOccurrences(of: #":[^:@/]*@"#, with: ":…@", options: .regularExpression)
        if let psql = error as? PSQLError {
            let state = psql.serverInfo?[.sqlState] ?? ""
            let detail = psql.serverInfo?[.message] ?? "\(psql.code)"
            if state == "53100" {
                return HubError(.insufficientStorage, subject: subject, Localized(
                    vi: "đĩa của cơ sở dữ liệu đã đầy (\(detail))", en: "the database's disk is full (\(detail))"))
            }
            return HubError(.storeFailed, subject: subject, Localized(vi: "lỗi PostgreSQL \(state): \(detail)",
                                                                      en: "PostgreSQL error \(state): \(detail)"))
        }
        return HubError(.storeFailed, subject: subject, Localized(vi: "lỗi cơ sở dữ liệu: \(error)", en: "database error: \(error)"))
    }
}
