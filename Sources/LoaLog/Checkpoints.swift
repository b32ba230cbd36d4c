import Foundation
import GRDB
import LoaCore
import LoaL10n

// The log's signed checkpoints (SPEC §6): kept in the `checkpoints` table beside the rows they cover, checked by
// `loa log verify`, and compared with copies held off the box (`--anchor`).
extension AiringLog {
    /// Keeps `checkpoint` in the log, durable when it returns.
    public func append(checkpoint: Checkpoint) throws {
        try writing { queue in
            try queue.write { db in
                try db.execute(
                    sql: "INSERT INTO checkpoints (station, seq, hash, at, public_key, signature) VALUES (?,?,?,?,?,?)",
                    arguments: [checkpoint.station, checkpoint.seq, checkpoint.hash, checkpoint.at,
                                checkpoint.publicKey, checkpoint.signature])
            }
        }
    }

    /// The checkpoints kept in the log that cover rows after `afterSeq` (`seq > afterSeq`), in the order they were
    /// signed. A log from before checkpoints existed has none.
    /// The highest seq a checkpoint of `station` covers among those not signed by `key` (the hub's receipts beside
    /// the box's own), 0 when none: one indexed query, for a pusher that asks every few seconds.
    public func lastCheckpointSeq(station: String, notSignedBy key: String) throws -> Int64 {
        try guarded {
            try queue.read { db in
                guard try db.tableExists("checkpoints") else { return 0 }
                return try Int64.fetchOne(db, sql: """
                    SELECT MAX(seq) FROM checkpoints WHERE station = ? AND public_key != ?
                    """, arguments: [station, key]) ?? 0
            }
        }
    }

    public func checkpoints(afterSeq: Int64 = 0) throws -> [Checkpoint] {
        try guarded {
            try queue.read { db in
                guard try db.tableExists("checkpoints") else { return [] }
                return try Row.fetchAll(db, sql: """
                    SELECT station, seq, hash, at, public_key, signature FROM checkpoints WHERE seq > ? ORDER BY id
                    """, arguments: [afterSeq]).map { row in
                    Checkpoint(station: row[0], seq: row[1], hash: row[2], at: row[3], publicKey: row[4],
                               signature: row[5])
                }
            }
        }
    }

    /// Signs "the chain reached its last row" with `key` and keeps the checkpoint, in one transaction (so no row
    /// slips in between reading the last hash and storing the checkpoint). Nil on an empty log.
    @discardableResult
    public func signCheckpoint(station: String, key: StationKey, at: String) throws -> Checkpoint? {
        try writing { queue in
            try queue.write { db -> Checkpoint? in
                guard let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
                else { return nil }
                let checkpoint = try key.checkpoint(station: station, seq: last[0], hash: last[1], at: at)
                try db.execute(
                    sql: "INSERT INTO checkpoints (station, seq, hash, at, public_key, signature) VALUES (?,?,?,?,?,?)",
                    arguments: [checkpoint.station, checkpoint.seq, checkpoint.hash, checkpoint.at,
                                checkpoint.publicKey, checkpoint.signature])
                return checkpoint
            }
        }
    }

    /// The stored `hash` of every row, by seq (for comparing checkpoints with the chain).
    func rowHashes() throws -> [Int64: String] {
        try guarded {
            try queue.read { db in
                var hashes: [Int64: String] = [:]
                let cursor = try Row.fetchCursor(db, sql: "SELECT seq, hash FROM events")
                while let row = try cursor.next() { hashes[row[0]] = row[1] }
                return hashes
            }
        }
    }

    /// Checks `checkpoints` (the log's own, or anchors held off the box) against the rows: each must be signed by
    /// its key (and by `key` when given), and the row it names must still be there with the hash it signed.
    public func check(checkpoints: [Checkpoint], key: String? = nil) throws -> [CheckpointFinding] {
        let hashes = try rowHashes()
        let last = hashes.keys.max() ?? 0
        var findings: [CheckpointFinding] = []
        for c in checkpoints {
            if !c.isSigned(by: key) {
                findings.append(.badSignature(c))
            } else if c.seq > last {
                findings.append(.cutOff(c, lastSeq: last))
            } else if hashes[c.seq] != c.hash {
                findings.append(.rewritten(c))
            }
        }
        return findings
    }
}

/// What comparing a checkpoint with the log found wrong.
public enum CheckpointFinding: Sendable, Hashable {
    /// The signature is not the key's: the checkpoint was forged or altered.
    case badSignature(Checkpoint)
    /// The checkpoint covers rows up to `seq`, but the log ends at `lastSeq`: rows were cut off the end.
    case cutOff(Checkpoint, lastSeq: Int64)
    /// The row `seq` no longer has the hash that was signed: the chain was rewritten at or before it.
    case rewritten(Checkpoint)

    public var message: Localized {
        switch self {
        case .badSignature(let c):
            return Localized(vi: "điểm kiểm tra seq \(c.seq) lúc \(c.at): chữ ký không hợp lệ (bị giả hoặc bị sửa)",
                             en: "checkpoint seq \(c.seq) at \(c.at): the signature does not verify (forged or altered)")
        case .cutOff(let c, let lastSeq):
            let first = lastSeq + 1
            return Localized(
                vi: "dòng \(first)…\(c.seq) đã bị cắt khỏi cuối nhật ký: điểm kiểm tra lúc \(c.at) đã ký đến dòng \(c.seq), "
                    + "nhật ký chỉ còn đến dòng \(lastSeq)",
                en: "rows \(first)…\(c.seq) were cut off the end of the log: the checkpoint of \(c.at) signed up to row "
                    + "\(c.seq), the log ends at row \(lastSeq)")
        case .rewritten(let c):
            return Localized(
                vi: "chuỗi đã bị viết lại tại hoặc trước dòng \(c.seq): hash của dòng này khác với hash đã ký lúc \(c.at)",
                en: "the chain was rewritten at or before row \(c.seq): its hash differs from the one signed at \(c.at)")
        }
    }
}
