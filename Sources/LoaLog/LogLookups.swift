import Foundation
import GRDB
import LoaCore

// Lookups that answer from a few rows (or one column) however long the log is: what a daemon needs at start and
// what its spool keeps.
extension AiringLog {
    /// The `audio` every row from `source` names (the bulletins the evidence points at), without decoding rows.
    public func audioNamed(source: AiringSource) throws -> Set<String> {
        try guarded {
            try queue.read { db in
                Set(try String.fetchAll(db, sql: "SELECT DISTINCT audio FROM events WHERE source = ? AND audio IS NOT NULL",
                                        arguments: [source.rawValue]))
            }
        }
    }

    /// The last event of `station` (walking back from the chain's head), or nil.
    public func lastEvent(station: String) throws -> AiringEvent? {
        try guarded {
            try queue.read { db in
                try Row.fetchOne(db, sql: "SELECT \(selectColumns) FROM events WHERE station = ? ORDER BY seq DESC LIMIT 1",
                                 arguments: [station]).map { try Self.event($0, path: path) }
            }
        }
    }
}
