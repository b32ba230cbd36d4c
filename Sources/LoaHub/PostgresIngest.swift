import Foundation
import LoaCore
import LoaL10n
import PostgresNIO

extension PostgresHubStore {
    /// Locks the station's row and reads its chain's end.
    private func lockTail(_ db: PostgresConnection, _ station: String) async throws -> (Int64, String, String?) {
        try await db.query("INSERT INTO stations (id) VALUES (\(station)) ON CONFLICT (id) DO NOTHING", logger: logger)
        let rows = try await db.query(
            "SELECT last_seq, last_hash, public_key FROM stations WHERE id = \(station) FOR UPDATE", logger: logger)
        for try await tail in rows.decode((Int64, String, String?).self) { return tail }
        return (0, "", nil)
    }

    /// The stored hashes of `seqs` (those at or below the stored end), fetched at once.
    private func storedHashes(_ db: PostgresConnection, _ station: String, _ seqs: [Int64], upTo last: Int64) async throws
        -> [Int64: String] {
        guard let low = seqs.min(), low <= last else { return [:] }
        let high = min(seqs.max() ?? low, last)
        var out: [Int64: String] = [:]
        let rows = try await db.query(
            "SELECT seq, hash FROM events WHERE station = \(station) AND seq BETWEEN \(low) AND \(high)", logger: logger)
        for try await (seq, hash) in rows.decode((Int64, String).self) { out[seq] = hash }
        return out
    }

    public func ingest(station: String, rows: [AiringEvent], at: String) async throws -> IngestOutcome {
        let subject = "POST /api/v1/stations/\(station)/events"
        return try await run {
            try await client.withTransaction(logger: logger) { db in
                let (lastSeq, lastHash, _) = try await lockTail(db, station)
                let stored = try await storedHashes(db, station, rows.map(\.seq), upTo: lastSeq)
                let verdict = try IngestCheck.judge(station: station, rows: rows, lastSeq: lastSeq, lastHash: lastHash,
                                                    subject: subject) { stored[$0] }
                switch verdict {
                case .diverged(let seq):
                    try await db.query("""
                        UPDATE stations SET last_contact = \(at), diverged_at = COALESCE(diverged_at, \(seq)) WHERE id = \(station)
                        """, logger: logger)
                    return .diverged(at: seq)
                case .accept(let new, let through, let hash):
                    // Multi-row inserts, 2,000 rows (32,000 parameters) a statement.
                    for start in stride(from: 0, to: new.count, by: 2000) {
                        try await db.query(Self.insert(new[start..<min(start + 2000, new.count)], station: station), logger: logger)
                    }
                    try await db.query("""
                        UPDATE stations SET last_contact = \(at), last_seq = \(through), last_hash = \(hash) WHERE id = \(station)
                        """, logger: logger)
                    return .stored(through: through, hash: hash, added: new.count)
                }
            }
        }
    }

    static func insert(_ rows: ArraySlice<AiringEvent>, station: String) -> PostgresQuery {
        var binds = PostgresBindings(capacity: rows.count * 17)
        var values: [String] = []
        var n = 0
        func put(_ v: String?) { if let v { binds.append(v) } else { binds.appendNull() } }
        func put(_ v: Double?) { if let v { binds.append(v) } else { binds.appendNull() } }
        for e in rows {
            binds.append(e.seq); put(e.at); put(e.kind.rawValue); put(e.airing); put(station)
            put(e.plan); put(e.message); put(e.slotStart); put(e.source.rawValue); put(e.audio)
            put(e.audioSHA256); put(e.plannedSeconds); put(e.playedSeconds); put(e.detail)
            put(e.prevHash); put(e.hash); binds.append(e.rehearsal)
            values.append("(" + (1...17).map { "$\(n + $0)" }.joined(separator: ",") + ")")
            n += 17
        }
        return PostgresQuery(unsafeSQL: """
            INSERT INTO events (seq, at, kind, airing, station, plan, message, slot_start, source, audio, audio_sha256,
                planned_s, played_s, detail, prev_hash, hash, rehearsal) VALUES \(values.joined(separator: ","))
            """, binds: binds)
    }

    public func addCheckpoints(station: String, _ checkpoints: [Checkpoint], at: String) async throws -> IngestOutcome {
        let subject = "POST /api/v1/stations/\(station)/checkpoints"
        return try await run {
            try await client.withTransaction(logger: logger) { db in
                let (lastSeq, lastHash, registered) = try await lockTail(db, station)
                let stored = try await storedHashes(db, station, checkpoints.map(\.seq), upTo: lastSeq)
                let (key, divergedAt) = try IngestCheck.checkpoints(station: station, checkpoints, registeredKey: registered,
                                                                    subject: subject) { stored[$0] }
                try await db.query("""
                    UPDATE stations SET last_contact = \(at), public_key = COALESCE(public_key, \(key)),
                        diverged_at = COALESCE(diverged_at, \(divergedAt)) WHERE id = \(station)
                    """, logger: logger)
                if let divergedAt { return .diverged(at: divergedAt) }
                var added = 0
                for c in checkpoints {
                    let rows = try await db.query("""
                        INSERT INTO checkpoints (station, seq, hash, at, public_key, signature)
                        VALUES (\(station), \(c.seq), \(c.hash), \(c.at), \(c.publicKey), \(c.signature))
                        ON CONFLICT DO NOTHING RETURNING seq
                        """, logger: logger)
                    for try await _ in rows { added += 1 }
                }
                return .stored(through: lastSeq, hash: lastHash, added: added)
            }
        }
    }
}
