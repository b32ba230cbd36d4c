import Foundation
import GRDB
import LoaCore

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
}
