import Foundation
import GRDB
import LoaCore
import LoaL10n

// Minimal stand-in for issue 13's checkpoint storage, coded against the names that issue adds
// (`append(checkpoint:)`, `checkpoints(afterSeq:)`), so the hub's sync builds and is tested before it is merged.
// The lead reconciles this file with issue 13's. Checkpoints are kept in their own table beside `events`, outside
// the hash chain: the station's own (signed by its key) and the hub's receipts (signed by the hub's key).

extension AiringLog {
    /// Keeps `checkpoint` in the log (durable when it returns).
    public func append(checkpoint: Checkpoint) throws {
        do {
            try queue.write { db in
                try Self.createCheckpointTable(db)
                try db.execute(sql: """
                    INSERT INTO checkpoints (station, seq, hash, at, public_key, signature) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [checkpoint.station, checkpoint.seq, checkpoint.hash, checkpoint.at,
                                     checkpoint.publicKey, checkpoint.signature])
            }
        } catch { throw LogError.wrap(error, path: path) }
    }

    /// The checkpoints kept, covering rows after `afterSeq`, in the order they were kept.
    public func checkpoints(afterSeq: Int64 = 0) throws -> [Checkpoint] {
        do {
            return try queue.read { db in
                guard try db.tableExists("checkpoints") else { return [] }
                return try Row.fetchAll(db, sql: """
                    SELECT station, seq, hash, at, public_key, signature FROM checkpoints WHERE seq > ? ORDER BY rowid
                    """, arguments: [afterSeq]).map {
                    Checkpoint(station: $0[0], seq: $0[1], hash: $0[2], at: $0[3], publicKey: $0[4], signature: $0[5])
                }
            }
        } catch { throw LogError.wrap(error, path: path) }
    }

    static func createCheckpointTable(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS checkpoints (station TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL,
                at TEXT NOT NULL, public_key TEXT NOT NULL, signature TEXT NOT NULL)
            """)
    }
}
